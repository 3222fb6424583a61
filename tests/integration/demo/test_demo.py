"""`mlgate demo` end to end: real models, a local MLflow store, the verdict recorded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mlflow.tracking import MlflowClient

from mlgate.cli import cli


@pytest.mark.slow
def test_demo_runs_twice_and_records_the_verdict(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    mlgate = str(Path(sys.executable).parent / "mlgate")
    for _ in range(2):  # running it again starts afresh (as a user would: a new process)
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
    aliases = client.get_registered_model("breast-cancer-classifier").aliases
    assert {k: str(v) for k, v in aliases.items()} == {"champion": "1"}


def test_demo_refuses_a_store_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    result = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path)], prog_name="mlgate")
    assert result.exit_code == 2
    assert "exists and was not made by mlgate demo" in result.stderr
