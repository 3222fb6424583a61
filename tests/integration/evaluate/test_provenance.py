"""Evaluation provenance against a real MLflow server: datasets logged with
``mlflow.log_input``, compared like with like, production re-scored on the candidate's
data, refused or explicitly allowed across datasets, and the lineage kept on promotion."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from mlflow.tracking import MlflowClient
from provenance_runs import (
    BASE,
    FEATURES,
    SHA,
    candidate_version,
    eval_frame,
    on_different_data,
    production,
    train_and_log,
)

from mlgate.cli import cli

Evaluate = Callable[..., Result]  # the `evaluate` fixture (conftest.py)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def configure(workdir: Path, model: str, evaluation: str = "") -> None:
    text = BASE.format(model=model)
    if evaluation:
        text += "evaluation:\n" + "".join(f"  {line}\n" for line in evaluation.splitlines())
    (workdir / "mlgate.yml").write_text(text)


def check(verdict: dict, name: str = "evaluation data") -> dict:
    return next(c for c in verdict["checks"] if c["name"] == name)


def test_same_data_is_compared_and_named_in_one_line(
    evaluate: Evaluate, workdir: Path, mlflow_server: str, model_name: str
) -> None:
    data = eval_frame(1)
    prod = train_and_log(mlflow_server, seed=1, data=data, name="eval-2026-11")
    production(mlflow_server, model_name, prod)
    cand = train_and_log(mlflow_server, seed=2, data=data, name="eval-2026-11")
    version = candidate_version(mlflow_server, model_name, cand)
    configure(workdir, model_name)

    result = evaluate("--candidate", f"models:/{model_name}/{version}", "--commit", SHA)

    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    digest = MlflowClient(mlflow_server).get_run(cand.run_id).inputs.dataset_inputs[0].dataset
    assert verdict["data"]["outcome"] == "same"
    assert verdict["candidate"]["dataset"]["digest"] == digest.digest
    assert verdict["candidate"]["dataset"]["origin"] == "mlflow"
    assert verdict["baseline"]["dataset"]["name"] == "eval-2026-11"
    rows = {row["name"]: row for row in verdict["metrics"]}
    assert rows["accuracy"]["candidate"] == pytest.approx(cand.metrics["eval_accuracy"])
    assert rows["accuracy"]["baseline"] == pytest.approx(prod.metrics["eval_accuracy"])
    report = (workdir / "report.md").read_text()
    assert f"both evaluated on `eval-2026-11` digest `{digest.digest[:8]}`" in report
    tags = MlflowClient(mlflow_server).get_model_version(model_name, version).tags
    assert tags["mlgate.eval_dataset"] == "eval-2026-11"
    assert tags["mlgate.eval_dataset.digest"] == digest.digest
    assert tags["mlgate.eval_dataset.comparison"] == "same"


def test_different_digests_are_refused_naming_both(
    evaluate: Evaluate, workdir: Path, mlflow_server: str, model_name: str
) -> None:
    prod, cand, version = on_different_data(mlflow_server, model_name)
    configure(workdir, model_name, "rescore: false")

    result = evaluate("--candidate", f"models:/{model_name}/{version}", "--commit", SHA)

    assert result.exit_code == 1, result.output
    verdict = json.loads(result.stdout)
    client = MlflowClient(mlflow_server)
    ours = client.get_run(cand.run_id).inputs.dataset_inputs[0].dataset.digest
    theirs = client.get_run(prod.run_id).inputs.dataset_inputs[0].dataset.digest
    assert ours != theirs
    assert verdict["status"] == "fail"
    assert verdict["data"]["outcome"] == "refused"
    found = check(verdict)
    assert found["status"] == "fail"
    assert f"eval-2026-11 (digest {ours[:8]})" in found["summary"]
    assert f"eval-2026-10 (digest {theirs[:8]})" in found["summary"]
    assert "evaluation.rescore is false" in found["summary"]
    assert "not comparable" in (workdir / "report.md").read_text().splitlines()[1]


def test_different_data_rescores_production_on_the_candidates_data(
    evaluate: Evaluate, workdir: Path, mlflow_server: str, model_name: str
) -> None:
    from sklearn.metrics import accuracy_score, roc_auc_score

    prod = train_and_log(mlflow_server, seed=1, data=eval_frame(1), name="eval-2026-10")
    production(mlflow_server, model_name, prod)
    data = eval_frame(7)
    data.to_csv(workdir / "eval.csv", index=False)
    cand = train_and_log(mlflow_server, seed=2, data=None)  # no dataset logged on the run
    version = candidate_version(mlflow_server, model_name, cand)
    configure(workdir, model_name, "data: eval.csv\nname: eval-2026-11")

    result = evaluate("--candidate", f"models:/{model_name}/{version}", "--commit", SHA)

    verdict = json.loads(result.stdout)
    assert verdict["data"]["outcome"] == "rescored", check(verdict)
    assert set(verdict["data"]["rescored"]) == {"accuracy", "auc"}
    md5 = hashlib.md5((workdir / "eval.csv").read_bytes()).hexdigest()
    assert verdict["candidate"]["dataset"] == {
        "name": "eval-2026-11",
        "digest": md5,
        "source": "eval.csv",
        "origin": "file",
    }
    rows = {row["name"]: row for row in verdict["metrics"]}
    for side, trained in (("baseline", prod), ("candidate", cand)):
        model = trained.model
        expected_accuracy = accuracy_score(data["label"], model.predict(data[FEATURES]))
        expected_auc = roc_auc_score(data["label"], model.predict_proba(data[FEATURES])[:, 1])
        assert rows["accuracy"][side] == pytest.approx(expected_accuracy)
        assert rows["auc"][side] == pytest.approx(expected_auc)
    assert rows["auc"]["ci"] is not None  # paired on the same examples: an interval
    assert verdict["significance"]["examples"] == len(data)
    assert result.exit_code == (0 if verdict["status"] == "pass" else 1)
    report = (workdir / "report.md").read_text()
    assert "production re-scored on the candidate's `eval-2026-11`" in report
    # The data the candidate was evaluated on is now an MLflow dataset input of its run.
    inputs = MlflowClient(mlflow_server).get_run(cand.run_id).inputs.dataset_inputs
    assert [(i.dataset.name, i.dataset.digest) for i in inputs] == [("eval-2026-11", md5)]
    assert [(t.key, t.value) for t in inputs[0].tags] == [("mlflow.data.context", "evaluation")]


def test_allowed_across_datasets_is_compared_with_a_headline_warning(
    evaluate: Evaluate, workdir: Path, mlflow_server: str, model_name: str
) -> None:
    _prod, cand, version = on_different_data(mlflow_server, model_name)
    # The candidate's data was never saved anywhere mlgate can read: no re-scoring.
    configure(workdir, model_name, "allow_cross_dataset: true")

    result = evaluate("--candidate", f"models:/{model_name}/{version}", "--commit", SHA)

    verdict = json.loads(result.stdout)
    assert verdict["data"]["outcome"] == "cross_dataset"
    found = check(verdict)
    assert found["status"] == "warn"
    assert "evaluation data is not available here" in found["summary"]
    headline = (workdir / "report.md").read_text().splitlines()[1]
    assert "compared across different evaluation datasets" in headline
    assert result.exit_code == (0 if verdict["status"] == "pass" else 1)
    rows = {row["name"]: row for row in verdict["metrics"]}
    assert rows["accuracy"]["candidate"] == pytest.approx(cand.metrics["eval_accuracy"])


def test_logged_data_matches_the_next_comparison_and_promotion_keeps_the_lineage(
    evaluate: Evaluate, workdir: Path, mlflow_server: str, model_name: str
) -> None:
    data = eval_frame(3)
    data.to_csv(workdir / "eval.csv", index=False)
    configure(workdir, model_name, "data: eval.csv")
    first = train_and_log(mlflow_server, seed=1, data=None)
    first_version = candidate_version(mlflow_server, model_name, first)
    first_result = evaluate("--candidate", f"models:/{model_name}/{first_version}", "--commit", SHA)
    assert first_result.exit_code == 0, first_result.output
    promoted = CliRunner().invoke(
        cli,
        [
            "promote",
            "--tracking-uri",
            mlflow_server,
            "--version",
            first_version,
            "--approved-by",
            "alice",
            "--commit",
            SHA,
        ],
        catch_exceptions=False,
    )
    assert promoted.exit_code == 0, promoted.output
    md5 = hashlib.md5((workdir / "eval.csv").read_bytes()).hexdigest()
    client = MlflowClient(mlflow_server)
    history = [
        json.loads(value)
        for key, value in client.get_registered_model(model_name).tags.items()
        if key.startswith("mlgate.history.")
    ]
    assert history[-1]["eval_dataset"] == "eval.csv"
    assert history[-1]["eval_dataset.digest"] == md5
    assert history[-1]["eval_dataset.source"] == "eval.csv"
    tags = client.get_model_version(model_name, first_version).tags
    assert tags["mlgate.eval_dataset.digest"] == md5  # the audit repeats the recorded lineage
    shown = (
        CliRunner()
        .invoke(cli, ["history", "--tracking-uri", mlflow_server, "--model", model_name])
        .output
    )
    assert f"by alice  commit {SHA[:12]}  data eval.csv ({md5[:8]})" in shown

    second = train_and_log(mlflow_server, seed=2, data=None)
    second_version = candidate_version(mlflow_server, model_name, second)
    result = evaluate("--candidate", f"models:/{model_name}/{second_version}", "--commit", SHA)

    verdict = json.loads(result.stdout)
    assert verdict["data"]["outcome"] == "same"
    assert verdict["baseline"]["dataset"]["digest"] == md5  # read back from the first run
    assert verdict["baseline"]["dataset"]["origin"] == "mlflow"


def test_unrecorded_data_fails_unless_not_required(
    evaluate: Evaluate, workdir: Path, mlflow_server: str, model_name: str
) -> None:
    prod = train_and_log(mlflow_server, seed=1, data=None)
    production(mlflow_server, model_name, prod)
    cand = train_and_log(mlflow_server, seed=2, data=None)
    version = candidate_version(mlflow_server, model_name, cand)
    configure(workdir, model_name)
    result = evaluate("--candidate", f"models:/{model_name}/{version}", "--no-record")
    assert result.exit_code == 1, result.output
    verdict = json.loads(result.stdout)
    assert verdict["data"]["outcome"] == "unknown" and verdict["data"]["required"] is True
    summary = check(verdict)["summary"]
    assert summary.startswith("unknown for the candidate and production, so the two cannot be")
    assert "set evaluation.require: false" in summary

    configure(workdir, model_name, "require: false")
    result = evaluate("--candidate", f"models:/{model_name}/{version}", "--no-record")
    verdict = json.loads(result.stdout)
    assert verdict["data"]["outcome"] == "unknown"
    assert check(verdict)["status"] == "info"
    assert result.exit_code == 0, result.output
