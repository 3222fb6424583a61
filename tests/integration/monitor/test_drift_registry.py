"""Reference data in the registry, against a real MLflow server: `mlgate promote` stores a
capped sample with the version, `mlgate drift --reference @champion` compares with it,
`mlgate evaluate` checks the evaluation data against it, and a rollback brings back the
reference of the version it restores."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from mlflow.tracking import MlflowClient
from registry_helpers import log_run, register

from mlgate.cli import cli

SHA = "3" * 40
Run = Callable[..., Result]
ROWS = 2000


def write_table(path: Path, *, shift: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    tenure = rng.normal(shift, 1, ROWS)
    plan = rng.choice(["basic", "pro"], ROWS, p=[0.7, 0.3])
    path.write_text(
        "tenure,plan\n" + "".join(f"{t:.5f},{p}\n" for t, p in zip(tenure, plan, strict=True))
    )


@pytest.fixture
def run(
    tmp_path: Path, mlflow_server: str, model_name: str, monkeypatch: pytest.MonkeyPatch
) -> Run:
    monkeypatch.chdir(tmp_path)
    write_table(tmp_path / "train.csv", shift=0.0, seed=1)
    write_table(tmp_path / "eval.csv", shift=0.8, seed=2)
    (tmp_path / "mlgate.yml").write_text(
        f"model: {model_name}\n"
        "metrics:\n  accuracy: {max_drop: 0.05}\n"
        "drift:\n  reference: train.csv\n  reference_rows: 500\n"
    )

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(
            cli,
            [args[0], "--tracking-uri", mlflow_server, *args[1:]],
            prog_name="mlgate",
            catch_exceptions=False,
        )

    return invoke


def evaluated(run: Run, server: str, name: str, accuracy: float) -> str:
    version = register(server, log_run(server, metrics={"accuracy": accuracy}), name)
    result = run(
        "evaluate", "--candidate", f"models:/{name}/{version}", "--commit", SHA, "--print", "none"
    )
    assert result.exit_code in (0, 1), result.output
    return version


def promote(run: Run, version: str, *extra: str) -> Result:
    return run("promote", "--version", version, "--approved-by", "alice", "--commit", SHA, *extra)


def test_promotion_stores_the_reference_and_drift_uses_it(
    run: Run, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    first = evaluated(run, mlflow_server, model_name, 0.90)
    promoted = promote(run, first)
    assert promoted.exit_code == 0, promoted.output
    assert "drift reference stored: runs:/" in promoted.output
    assert "(500 of 2,000 rows)" in promoted.output
    tags = MlflowClient(mlflow_server).get_model_version(model_name, first).tags
    assert tags["mlgate.drift_reference"].endswith("/mlgate/reference/reference.parquet")
    assert tags["mlgate.drift_reference.rows"] == "500 of 2000"
    assert tags["mlgate.drift_reference.source"].endswith("train.csv")
    assert len(tags["mlgate.drift_reference.sha256"]) == 64

    result = run(
        "drift",
        "--reference",
        "@champion",
        "--model",
        model_name,
        "--current",
        "eval.csv",
        "--print",
        "json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["reference"] == {
        "label": f"models:/{model_name}/{first} (500 of 2000 rows sampled)",
        "rows": 500,
    }
    assert [f["name"] for f in report["features"] if f["status"] == "drift"] == ["tenure"]

    # the gate: evaluate checks drift.data against production's stored reference
    config = tmp_path / "mlgate.yml"
    config.write_text(
        config.read_text() + "  data: eval.csv\n  features:\n    tenure: {fail: true}\n"
    )
    second = register(mlflow_server, log_run(mlflow_server, metrics={"accuracy": 0.91}), model_name)
    gated = run("evaluate", "--candidate", f"models:/{model_name}/{second}", "--print", "none")
    assert gated.exit_code == 1, gated.output
    verdict = json.loads((tmp_path / "verdict.json").read_text())
    check = next(c for c in verdict["checks"] if c["name"] == "data drift")
    assert check == {
        "name": "data drift",
        "status": "fail",
        "summary": "drift in 1 of 2 features: tenure",
    }
    assert verdict["drift"]["reference"]["label"].startswith(f"models:/{model_name}/{first} ")


def test_a_version_without_a_reference_warns_and_a_missing_file_stops_promotion(
    run: Run, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    config = tmp_path / "mlgate.yml"
    first = evaluated(run, mlflow_server, model_name, 0.90)
    config.write_text(config.read_text().replace("reference: train.csv", "reference: gone.csv"))
    refused = promote(run, first)
    assert refused.exit_code == 2
    assert "gone.csv: drift reference not found" in refused.output
    assert MlflowClient(mlflow_server).get_registered_model(model_name).aliases == {}

    config.write_text(f"model: {model_name}\nmetrics:\n  accuracy: {{max_drop: 0.05}}\n")
    assert promote(run, first).exit_code == 0  # no drift.reference: nothing stored
    config.write_text(config.read_text() + "drift:\n  data: eval.csv\n")
    second = register(mlflow_server, log_run(mlflow_server, metrics={"accuracy": 0.91}), model_name)
    gated = run("evaluate", "--candidate", f"models:/{model_name}/{second}", "--print", "none")
    assert gated.exit_code == 0, gated.output
    verdict = json.loads((tmp_path / "verdict.json").read_text())
    check = next(c for c in verdict["checks"] if c["name"] == "data drift")
    assert check["status"] == "warn"
    assert f"production version {first} has no stored reference" in check["summary"]
    result = run(
        "drift", "--reference", "@champion", "--model", model_name, "--current", "eval.csv"
    )
    assert result.exit_code == 2
    assert "has no drift reference: promote it with drift.reference set" in result.output


def test_rollback_brings_back_the_previous_reference(
    run: Run, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    first = evaluated(run, mlflow_server, model_name, 0.90)
    assert promote(run, first).exit_code == 0
    write_table(tmp_path / "train.csv", shift=0.8, seed=3)  # the second model saw newer data
    second = evaluated(run, mlflow_server, model_name, 0.92)
    assert promote(run, second).exit_code == 0

    def drifting() -> list[str]:
        result = run(
            "drift",
            "--reference",
            "@champion",
            "--model",
            model_name,
            "--current",
            "eval.csv",
            "--print",
            "json",
        )
        return [f["name"] for f in json.loads(result.output)["features"] if f["status"] == "drift"]

    assert drifting() == []  # eval.csv looks like the second model's training data
    assert run("rollback", "--model", model_name, "--by", "bob", "--reason", "slow").exit_code == 0
    assert drifting() == ["tenure"]  # production is the first model again, with its reference
