"""`mlgate evaluate` with skew.feast.training: true against the session's MLflow server:
the training dataset the candidate's run logged (``mlflow.log_input``, context training) is
checked against the Feast repository, and the verdict carries the check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from feast_repo import Repo, training_table
from provenance_runs import BASE, SHA, candidate_version, eval_frame, production, train_and_log

from mlgate.cli import cli

pytestmark = pytest.mark.xdist_group("feast")


def evaluate(server: str, version: str, model: str) -> Any:
    return CliRunner().invoke(
        cli,
        ["evaluate", "--tracking-uri", server, "--candidate", f"models:/{model}/{version}",
         "--commit", SHA, "--print", "json"],
        prog_name="mlgate",
        catch_exceptions=False,
    )  # fmt: skip


@pytest.mark.parametrize("naive", [True, False])
def test_evaluate_checks_the_training_dataset_the_candidate_logged(
    repo: Repo,
    mlflow_server: str,
    model_name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    naive: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    training_table(repo, rows=200, naive=naive).to_parquet(tmp_path / "train.parquet")
    data = eval_frame(1)
    production(mlflow_server, model_name, train_and_log(mlflow_server, seed=1, data=data))
    candidate = train_and_log(
        mlflow_server, seed=1, data=data, training=str(tmp_path / "train.parquet")
    )
    version = candidate_version(mlflow_server, model_name, candidate)
    (tmp_path / "mlgate.yml").write_text(
        BASE.format(model=model_name) + f"skew:\n  feast: {{repo: {repo.path}, training: true}}\n"
    )
    result = evaluate(mlflow_server, version, model_name)
    assert result.exit_code == (1 if naive else 0), result.output
    verdict = json.loads(Path("verdict.json").read_text())
    check = next(c for c in verdict["checks"] if c["name"] == "training data point-in-time")
    assert check["status"] == ("fail" if naive else "pass"), check
    if naive:
        assert "future values leak into training for driver_stats:" in check["summary"]
    assert "training data point-in-time" in Path("report.md").read_text()


def test_a_candidate_without_a_training_dataset_is_refused(
    repo: Repo, mlflow_server: str, model_name: str, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    data = eval_frame(1)
    production(mlflow_server, model_name, train_and_log(mlflow_server, seed=1, data=data))
    version = candidate_version(
        mlflow_server, model_name, train_and_log(mlflow_server, seed=2, data=data)
    )
    (tmp_path / "mlgate.yml").write_text(
        BASE.format(model=model_name) + f"skew:\n  feast: {{repo: {repo.path}, training: true}}\n"
    )
    result = evaluate(mlflow_server, version, model_name)
    assert result.exit_code == 1, result.output  # fails closed, with the reason
    verdict = json.loads(Path("verdict.json").read_text())
    check = next(c for c in verdict["checks"] if c["name"] == "training data point-in-time")
    assert check["status"] == "fail"
    assert "logged no training dataset" in check["summary"]
