"""`mlgate demo` end to end, on a folder a demo already ran in: running it again starts
afresh, trains real models on a local MLflow store and records the verdict."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mlflow.tracking import MlflowClient


def check_demo_run(folder: Path) -> None:
    mlgate = str(Path(sys.executable).parent / "mlgate")
    result = subprocess.run(
        [mlgate, "demo", "--dir", str(folder)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("mlgate · breast-cancer-classifier: PASSED\n")
    assert "· trained production (logistic regression, C=0.05)" in result.stderr
    assert "param C: 0.05 → 1.0" in result.stdout
    verdict = json.loads((folder / "verdict.json").read_text())
    assert verdict["status"] == "pass"
    assert (verdict["baseline"]["model_version"], verdict["candidate"]["model_version"]) == (
        "1",
        "2",
    )
    names = {row["name"] for row in verdict["metrics"]}
    assert {"accuracy", "f1", "roc_auc", "log_loss", "latency_p95_ms", "model_size_kb"} <= names
    assert "train_accuracy" not in names  # the eval_ prefix keeps training metrics out
    assert (
        (folder / "report.md")
        .read_text()
        .startswith("<!-- mlgate:report model=breast-cancer-classifier -->")
    )
    client = MlflowClient(f"sqlite:///{folder / 'store' / 'mlflow.db'}")
    assert client.get_model_version("breast-cancer-classifier", "2").tags["mlgate.status"] == "pass"
    # Afresh: the README's promotion attempt and evaluation against the old store are gone.
    aliases = client.get_registered_model("breast-cancer-classifier").aliases
    assert {k: str(v) for k, v in aliases.items()} == {"champion": "1"}
    assert len(client.search_model_versions("name='breast-cancer-classifier'")) == 2
