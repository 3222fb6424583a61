"""`mlgate evaluate` on the embedded stores: an sqlite file and MLflow's (opt-in) folder store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from registry_helpers import log_run, register

from mlgate.cli import cli


def evaluate(tracking_uri: str, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["evaluate", "--tracking-uri", tracking_uri, "--print", "json", *args],
        prog_name="mlgate",
        catch_exceptions=False,
    )


@pytest.mark.parametrize("kind", ["sqlite", "folder"])
def test_local_store(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if kind == "folder":
        monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
        uri = str(tmp_path / "mlruns")
    else:
        uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    register(uri, log_run(uri, metrics={"accuracy": 0.9}), model_name, alias="champion")
    candidate = log_run(uri, metrics={"accuracy": 0.8})
    (tmp_path / "mlgate.yml").write_text("metrics:\n  accuracy: {max_drop: 0.05}\n")
    result = evaluate(uri, "--model", model_name, "--candidate", candidate.run_id, "--register")
    assert result.exit_code == 1, result.output
    verdict = json.loads(result.stdout)
    assert (verdict["baseline"]["model_version"], verdict["candidate"]["model_version"]) == (
        "1",
        "2",
    )


def test_folder_store_without_opt_in_is_a_clear_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE", raising=False)
    result = evaluate(str(tmp_path / "mlruns"), "--model", "m", "--candidate", "a" * 32)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"mlgate: error: tracking URI {tmp_path / 'mlruns'}: The filesystem tracking backend"
    )
    assert "MLFLOW_ALLOW_FILE_STORE=true" in result.stderr


def test_missing_tracking_uri_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLGATE_TRACKING_URI", raising=False)
    result = CliRunner().invoke(
        cli, ["evaluate", "--model", "m", "--candidate", "a" * 32], prog_name="mlgate"
    )
    assert result.exit_code == 2
    assert "set --tracking-uri or MLFLOW_TRACKING_URI" in result.stderr
