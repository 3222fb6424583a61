"""The gate fails closed on the registry's identities: a mistyped alias or model name, a
run path with no model, a removed signature — each an error or a failure, never a pass —
and re-running a registration registers nothing new. Against the session's MLflow server."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from mlflow.tracking import MlflowClient
from registry_helpers import LoggedRun, log_run, register

from mlgate.cli import cli

CONFIG = "model: {model}\nmetric_prefix: eval_\nmetrics:\n  accuracy: {{max_drop: 0.01}}\n"
GOOD = {"eval_accuracy": 0.91}
WORSE = {"eval_accuracy": 0.79}


@dataclass(frozen=True)
class Runs:
    """Runs logged once for the module: registering a run into another test's model, or
    evaluating it against one, writes nothing to the run that another test reads."""

    good: LoggedRun
    good_too: LoggedRun
    worse: LoggedRun


@pytest.fixture(scope="module")
def runs(mlflow_server: str) -> Runs:
    return Runs(
        good=log_run(mlflow_server, metrics=GOOD),
        good_too=log_run(mlflow_server, metrics=GOOD),
        worse=log_run(mlflow_server, metrics=WORSE),
    )


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_name: str) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mlgate.yml").write_text(CONFIG.format(model=model_name))
    return tmp_path


def evaluate(server: str, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["evaluate", "--tracking-uri", server, "--print", "json", *args],
        prog_name="mlgate",
        catch_exceptions=False,
    )


def versions(server: str, model: str) -> list[str]:
    found = MlflowClient(server).search_model_versions(f"name='{model}'")
    return sorted(str(v.version) for v in found)


def champion_and_previous(server: str, model: str, runs: Runs) -> None:
    register(server, runs.good, model, alias="champion")
    register(server, runs.good_too, model, alias="previous")


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("production", False),
        ("Champion", True),
    ],
)
def test_an_alias_the_model_lacks_is_exit_2_listing_its_aliases(
    workdir: Path, mlflow_server: str, model_name: str, runs: Runs, alias: str, expected: bool
) -> None:
    champion_and_previous(mlflow_server, model_name, runs)
    worse = runs.worse
    result = evaluate(
        mlflow_server, "--candidate", worse.run_id, "--register", "--baseline-alias", alias
    )
    assert result.exit_code == 2, result.output
    assert f"models:/{model_name}@{alias} does not exist" in result.stderr
    assert "the model's aliases are @champion (version 1), @previous (version 2)" in result.stderr
    if alias == "Champion":
        assert "aliases are case-sensitive in MLflow: did you mean @champion?" in result.stderr
    assert "Traceback" not in result.output
    assert versions(mlflow_server, model_name) == ["1", "2"], "nothing registered"
    assert not (workdir / "verdict.json").exists()


def test_a_mistyped_model_is_exit_2_with_a_did_you_mean_and_nothing_created(
    workdir: Path, mlflow_server: str, model_name: str, runs: Runs
) -> None:
    champion_and_previous(mlflow_server, model_name, runs)
    typo = model_name[1] + model_name[0] + model_name[2:]  # "churn-…" → "hcurn-…"
    worse = runs.worse
    result = evaluate(mlflow_server, "--candidate", worse.run_id, "--model", typo, "--register")
    assert result.exit_code == 2, result.output
    assert f"registered model {typo!r} not found" in result.stderr
    assert f"did you mean {model_name!r}?" in result.stderr
    assert "--create-model" in result.stderr
    # Even when asked to create it, a near-copy of an existing name is refused.
    result = evaluate(
        mlflow_server, "--candidate", worse.run_id, "--model", typo, "--register", "--create-model"
    )
    assert result.exit_code == 2, result.output
    assert f"will not create registered model {typo!r}" in result.stderr
    assert versions(mlflow_server, typo) == []


def test_create_model_from_the_config_gates_the_first_version(
    workdir: Path, mlflow_server: str, model_name: str, runs: Runs
) -> None:
    (workdir / "mlgate.yml").write_text(
        CONFIG.format(model=model_name) + "register: {create: true}\n"
    )
    first = runs.good
    result = evaluate(mlflow_server, "--candidate", first.run_id, "--register")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["status"] == "no_baseline"
    assert verdict["no_baseline"]["reason"] == "new_model"
    # The same run again: the version registered from it, not a second one.
    again = evaluate(mlflow_server, "--candidate", first.run_id, "--register")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["candidate"]["model_version"] == "1"
    assert versions(mlflow_server, model_name) == ["1"]


def test_a_model_never_promoted_has_no_baseline_unless_the_policy_refuses(
    workdir: Path, mlflow_server: str, model_name: str, runs: Runs
) -> None:
    register(mlflow_server, runs.good, model_name)  # no alias
    candidate = runs.worse
    result = evaluate(mlflow_server, "--candidate", candidate.run_id)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["no_baseline"]["reason"] == "never_promoted"
    (workdir / "mlgate.yml").write_text(
        CONFIG.format(model=model_name) + "approval: {allow_no_baseline: false}\n"
    )
    result = evaluate(mlflow_server, "--candidate", candidate.run_id)
    assert result.exit_code == 2
    assert "approval.allow_no_baseline is false" in result.stderr


def test_a_model_promoted_before_whose_alias_was_removed_is_exit_2(
    workdir: Path, mlflow_server: str, model_name: str, runs: Runs
) -> None:
    register(mlflow_server, runs.good, model_name)
    MlflowClient(mlflow_server).set_registered_model_tag(
        model_name, "mlgate.history.000001.20261201T000000Z.promote", '{"event": "promote"}'
    )
    result = evaluate(mlflow_server, "--candidate", runs.worse.run_id)
    assert result.exit_code == 2
    assert "production was removed by hand" in result.stderr


def test_a_run_path_with_no_model_registers_nothing(
    workdir: Path, mlflow_server: str, model_name: str, runs: Runs
) -> None:
    champion_and_previous(mlflow_server, model_name, runs)
    run = runs.good
    result = evaluate(mlflow_server, "--candidate", f"runs:/{run.run_id}/modle", "--register")
    assert result.exit_code == 2, result.output
    assert f"candidate runs:/{run.run_id}/modle: no MLmodel at" in result.stderr
    assert "this is not a logged MLflow model" in result.stderr
    assert versions(mlflow_server, model_name) == ["1", "2"]


def unsigned_run(server: str) -> LoggedRun:
    """A run whose model was logged without a signature."""
    import mlflow
    import numpy as np
    import sklearn
    from sklearn.linear_model import LogisticRegression

    features = np.random.default_rng(0).normal(size=(40, 3))
    model = LogisticRegression().fit(features, features[:, 0] > 0)
    mlflow.set_tracking_uri(server)
    mlflow.set_experiment("mlgate-tests")
    with mlflow.start_run() as run:
        mlflow.log_metrics(GOOD)
        mlflow.sklearn.log_model(
            model, name="model", pip_requirements=[f"scikit-learn=={sklearn.__version__}"]
        )
    return LoggedRun(run_id=run.info.run_id, model_uri=f"runs:/{run.info.run_id}/model")


def test_a_removed_signature_is_breaking_and_in_the_headline(
    workdir: Path, mlflow_server: str, model_name: str, runs: Runs
) -> None:
    register(mlflow_server, runs.good, model_name, alias="champion")
    result = evaluate(mlflow_server, "--candidate", unsigned_run(mlflow_server).model_uri)
    assert result.exit_code == 1, result.output
    headline = (workdir / "report.md").read_text().splitlines()[1]
    assert "the signature was removed" in headline
