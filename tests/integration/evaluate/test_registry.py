"""`mlgate evaluate` against a real MLflow server: baseline by alias, candidates in every
form, the verdict recorded as tags and artifacts, and outages."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from mlflow.tracking import MlflowClient
from registry_helpers import FailingWritesProxy, LoggedRun, free_port, log_run, register

from mlgate.cli import cli

CONFIG = """\
model: {model}
metric_prefix: eval_
metrics:
  accuracy: {{max_drop: 0.01}}
  auc: {{min: 0.8}}
"""
GOOD = {"eval_accuracy": 0.91, "eval_auc": 0.93, "train_accuracy": 0.99}
BETTER = {"eval_accuracy": 0.92, "eval_auc": 0.95, "train_accuracy": 0.97}
WORSE = {"eval_accuracy": 0.85, "eval_auc": 0.94, "train_accuracy": 0.999}

Evaluate = Callable[..., Result]


@pytest.fixture
def evaluate(
    tmp_path: Path, mlflow_server: str, model_name: str, monkeypatch: pytest.MonkeyPatch
) -> Evaluate:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mlgate.yml").write_text(CONFIG.format(model=model_name))

    def run(*args: str, tracking_uri: str = mlflow_server) -> Result:
        return CliRunner().invoke(
            cli,
            ["evaluate", "--tracking-uri", tracking_uri, "--print", "json", *args],
            prog_name="mlgate",
            catch_exceptions=False,
        )

    return run


def production(server: str, name: str) -> tuple[LoggedRun, str]:
    run = log_run(server, metrics=GOOD, params={"lr": 0.1})
    return run, register(server, run, name, alias="champion")


def test_baseline_by_alias_candidate_registered_and_verdict_recorded(
    evaluate: Evaluate, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    _, production_version = production(mlflow_server, model_name)
    candidate = log_run(mlflow_server, metrics=BETTER, params={"lr": 0.05})
    result = evaluate("--candidate", candidate.model_uri, "--register", "--commit", "abc123")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["status"] == "pass"
    assert verdict["baseline"]["model_version"] == production_version
    assert verdict["candidate"]["model_version"] == "2"
    assert verdict["candidate"]["commit"] == "abc123"
    assert {row["name"] for row in verdict["metrics"]} == {"accuracy", "auc"}  # prefix: no train_*
    assert verdict["changes"]["params"] == [{"name": "lr", "before": "0.1", "after": "0.05"}]

    client = MlflowClient(mlflow_server)
    tags = client.get_model_version(model_name, "2").tags
    assert tags["mlgate.status"] == "pass"
    assert tags["mlgate.commit"] == "abc123"
    assert tags["mlgate.baseline_version"] == production_version
    assert tags["mlgate.config_hash"].startswith("sha256:")
    assert tags["mlgate.report"] == f"runs:/{candidate.run_id}/mlgate/report.md"
    assert client.get_run(candidate.run_id).data.tags["mlgate.status"] == "pass"
    artifacts = {a.path for a in client.list_artifacts(candidate.run_id, "mlgate")}
    assert artifacts == {"mlgate/verdict.json", "mlgate/report.md"}
    downloaded = client.download_artifacts(
        candidate.run_id, "mlgate/verdict.json", str(tmp_path / "dl")
    )
    assert json.loads(Path(downloaded).read_text())["status"] == "pass"
    assert (tmp_path / "verdict.json").exists() and (tmp_path / "report.md").exists()


def test_regression_exits_1_and_is_recorded_as_fail(
    evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    production(mlflow_server, model_name)
    candidate = log_run(mlflow_server, metrics=WORSE)
    version = register(mlflow_server, candidate, model_name)
    result = evaluate("--candidate", f"models:/{model_name}/{version}")
    assert result.exit_code == 1
    tags = MlflowClient(mlflow_server).get_model_version(model_name, version).tags
    assert tags["mlgate.status"] == "fail"
    assert tags["mlgate.failed_metrics"] == "accuracy"


def test_no_alias_yet_is_no_baseline(
    evaluate: Evaluate, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    candidate = log_run(mlflow_server, metrics=GOOD)
    result = evaluate("--candidate", candidate.run_id, "--register", "--create-model")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["status"] == "no_baseline"
    assert verdict["no_baseline"]["reason"] == "new_model"
    assert "no production model yet" in (tmp_path / "report.md").read_text()


def test_first_model_below_a_floor_fails(evaluate: Evaluate, mlflow_server: str) -> None:
    candidate = log_run(mlflow_server, metrics={"eval_accuracy": 0.9, "eval_auc": 0.7})
    result = evaluate("--candidate", candidate.run_id, "--create-model")
    assert result.exit_code == 1


def test_candidate_run_without_registering_is_recorded_on_the_run(
    evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    production(mlflow_server, model_name)
    candidate = log_run(mlflow_server, metrics=BETTER, commit="feedbeef")
    result = evaluate("--candidate", f"runs:/{candidate.run_id}/model")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["candidate"]["model_version"] is None
    assert verdict["candidate"]["commit"] == "feedbeef"  # from the run's git tag
    client = MlflowClient(mlflow_server)
    assert client.get_run(candidate.run_id).data.tags["mlgate.status"] == "pass"
    assert len(client.search_model_versions(f"name='{model_name}'")) == 1  # nothing registered


def test_breaking_signature_change_is_found_from_the_logged_models(
    evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    production(mlflow_server, model_name)
    candidate = log_run(mlflow_server, metrics=BETTER, drop_feature=True)
    result = evaluate("--candidate", candidate.model_uri, "--register")
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)
    assert verdict["checks"][0]["name"] == "signature"
    assert {"section": "inputs", "column": "calls", "change": "removed"}.items() <= verdict[
        "changes"
    ]["signature"][0].items()


def test_unity_catalog_style_three_level_name(
    evaluate: Evaluate, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    name = f"main.ml.{model_name}"
    run = log_run(mlflow_server, metrics=GOOD)
    register(mlflow_server, run, name, alias="champion")
    candidate = log_run(mlflow_server, metrics=BETTER)
    result = evaluate("--candidate", candidate.model_uri, "--register", "--model", name)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.md").read_text().startswith(f"<!-- mlgate:report model={name} -->")
    assert MlflowClient(mlflow_server).get_model_version(name, "2").tags["mlgate.status"] == "pass"


def test_alias_from_option(evaluate: Evaluate, mlflow_server: str, model_name: str) -> None:
    run = log_run(mlflow_server, metrics=GOOD)
    register(mlflow_server, run, model_name, alias="prod")
    candidate = log_run(mlflow_server, metrics=WORSE)
    missing = evaluate("--candidate", candidate.run_id, "--register")  # no @champion
    assert missing.exit_code == 2
    assert "the model's aliases are @prod (version 1)" in missing.stderr
    registered = evaluate("--candidate", candidate.run_id, "--register", "--baseline-alias", "prod")
    assert registered.exit_code == 1  # worse than @prod, and now version 2
    assert (
        evaluate("--candidate", f"models:/{model_name}/2", "--baseline-alias", "prod").exit_code
        == 1
    )


@pytest.mark.parametrize(
    ("candidate", "message"),
    [
        ("not-a-ref", "--candidate: 'not-a-ref' is not a model reference"),
        ("0" * 32, "run 00000000000000000000000000000000: not found"),
        ("models:/{model}/99", "candidate models:/{model}/99: not found in the registry"),
        ("models:/other-model/1", "belongs to model 'other-model'"),
    ],
)
def test_bad_candidates_exit_2(
    evaluate: Evaluate, mlflow_server: str, model_name: str, candidate: str, message: str
) -> None:
    production(mlflow_server, model_name)
    result = evaluate("--candidate", candidate.format(model=model_name))
    assert result.exit_code == 2
    assert message.format(model=model_name) in result.stderr
    assert "Traceback" not in result.output


def test_candidate_that_is_production_exits_2(
    evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    _, version = production(mlflow_server, model_name)
    result = evaluate("--candidate", f"models:/{model_name}/{version}")
    assert result.exit_code == 2
    assert "is the production model itself" in result.stderr


def test_registry_down_exits_3_quickly(evaluate: Evaluate, tmp_path: Path) -> None:
    started = time.monotonic()
    result = evaluate(
        "--candidate", "a" * 32, tracking_uri=f"http://user:s3cret@127.0.0.1:{free_port()}"
    )
    assert result.exit_code == 3
    assert result.stderr.startswith("mlgate: error: registry http://***@127.0.0.1:")
    assert "s3cret" not in result.output
    assert time.monotonic() - started < 60


def test_registry_failing_while_recording_exits_3_and_keeps_the_files(
    evaluate: Evaluate, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    production(mlflow_server, model_name)
    candidate = log_run(mlflow_server, metrics=WORSE)
    version = register(mlflow_server, candidate, model_name)
    proxy = FailingWritesProxy(mlflow_server, fail_on="set-tag")
    try:
        result = evaluate("--candidate", f"models:/{model_name}/{version}", tracking_uri=proxy.url)
    finally:
        proxy.close()
    assert result.exit_code == 3
    assert "failed after retries" in result.stderr
    assert "verdict.json and report.md were written" in result.stderr
    assert proxy.refused == 4  # the first try and 3 bounded retries
    assert json.loads((tmp_path / "verdict.json").read_text())["status"] == "fail"
    assert (tmp_path / "report.md").read_text().startswith("<!-- mlgate:report")


MODEL_TESTS = """
import pytest

@pytest.mark.model_test(critical=True, tags=["smoke"])
def test_candidate_predicts_one_label_per_row(candidate_model, baseline_model):
    import pandas as pd
    rows = pd.DataFrame({"tenure": [0.5, -1.0], "charges": [0.0, 0.0], "calls": [0.0, 0.0]})
    assert len(candidate_model.predict(rows)) == 2
    assert baseline_model.metadata.run_id != candidate_model.metadata.run_id

@pytest.mark.model_test(critical=False)
def test_a_budget_it_misses():
    assert False, "p95 over budget"
"""


@pytest.mark.slow
def test_model_tests_run_on_the_candidate_and_fold_into_its_verdict(
    evaluate: Evaluate, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    production(mlflow_server, model_name)
    candidate = log_run(mlflow_server, metrics=BETTER)
    other = log_run(mlflow_server, metrics=BETTER)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_model.py").write_text(MODEL_TESTS)
    with (tmp_path / "mlgate.yml").open("a") as config:
        config.write("tests: {paths: [tests]}\n")
    tested = CliRunner().invoke(
        cli,
        ["test", "--candidate", candidate.model_uri, "--tracking-uri", mlflow_server],
        prog_name="mlgate",
    )
    assert tested.exit_code == 0, tested.output  # only a non-critical test failed
    result = evaluate("--candidate", candidate.model_uri, "--register")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert [c for c in verdict["checks"] if c["name"] != "evaluation data"] == [
        {
            "name": "model tests",
            "status": "warn",
            "summary": "1 non-critical model test failed: test_a_budget_it_misses (1 failed, 1 passed)",
        }
    ]
    assert verdict["tests"]["candidate"]["run_id"] == candidate.run_id
    # The same results do not vouch for another model.
    result = evaluate("--candidate", other.model_uri, "--register")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["checks"][0]["summary"].startswith(
        f"the results are for run {candidate.run_id}, not for the candidate's run {other.run_id}"
    )


def test_predictions_give_the_registry_comparison_its_intervals(
    evaluate: Evaluate, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    """The registry names the two versions; the per-example predictions decide."""
    production(mlflow_server, model_name)
    candidate = log_run(mlflow_server, metrics=BETTER)
    examples = Path(__file__).resolve().parents[3] / "examples" / "predictions"
    result = evaluate(
        "--candidate",
        candidate.model_uri,
        "--register",
        "--candidate-predictions",
        str(examples / "candidate.csv"),
        "--baseline-predictions",
        str(examples / "production.csv"),
    )
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    rows = {row["name"]: row for row in verdict["metrics"]}
    # accuracy from the predictions (with its interval) replaces the run's logged value.
    assert rows["accuracy"]["ci"]["method"] == "Newcombe (paired score)"
    assert rows["accuracy"]["candidate"] == pytest.approx(0.762)
    assert rows["roc_auc"]["ci"]["method"] == "DeLong"
    assert verdict["significance"]["examples"] == 3000
    assert verdict["candidate"]["model_version"] == "2"
    tags = MlflowClient(mlflow_server).get_model_version(model_name, "2").tags
    assert tags["mlgate.status"] == "pass"
