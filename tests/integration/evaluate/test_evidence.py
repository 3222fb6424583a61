"""Evidence by default, against a real MLflow server: on the same evaluation data `mlgate
evaluate` decides on paired intervals from the predictions both runs logged (no model
loaded), else from both models scored on the same rows, else on point estimates with the
reason; and every way the predictions can be wrong is one line naming the run's artifact."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from mlflow.tracking import MlflowClient
from registry_helpers import FEATURES, LoggedRun, frame, register

import mlgate
from mlgate.cli import cli

Evaluate = Callable[..., Result]  # the `evaluate` fixture (conftest.py)


@dataclass(frozen=True)
class Run:
    run_id: str
    model: Any
    version: str = ""


def train(
    server: str,
    data: pd.DataFrame,
    *,
    strength: float,
    log: str = "helper",  # helper | none | <artifact text written as mlgate/predictions.csv>
    ids: Any = None,
    dataset: pd.DataFrame | None = None,
    flip: tuple[int, int] = (0, 0),
) -> Run:
    """A user's evaluation script: fit, score ``data``, log metrics, the data as the run's
    evaluation dataset, and (``log``) its per-example predictions."""
    import mlflow
    import sklearn
    from mlflow.models import infer_signature
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, roc_auc_score

    model = LogisticRegression(C=strength).fit(frame(seed=99)[FEATURES], frame(seed=99)["label"])
    scores = model.predict_proba(data[FEATURES])[:, 1]
    predicted = (scores >= 0.5).astype(int)
    # ``flip`` = (worse, better): that many right answers made wrong, and wrong ones right.
    labels = data["label"].to_numpy()
    right = np.flatnonzero(predicted == labels)[: flip[0]]
    wrong = np.flatnonzero(predicted != labels)[: flip[1]]
    for changed in (right, wrong):
        predicted[changed] = 1 - predicted[changed]
        scores[changed] = 1 - scores[changed]
    mlflow.set_tracking_uri(server)
    mlflow.set_experiment("mlgate-evidence")
    with mlflow.start_run() as run:
        mlflow.log_metrics(
            {
                "eval_accuracy": float(accuracy_score(data["label"], predicted)),
                "eval_auc": float(roc_auc_score(data["label"], scores)),
                "eval_latency_ms": 3.0,
            }
        )
        recorded = data if dataset is None else dataset
        mlflow.log_input(mlflow.data.from_pandas(recorded, name="eval"), context="evaluation")
        if log == "helper":
            mlgate.log_predictions(
                range(len(data)) if ids is None else ids,
                data["label"],
                predictions=predicted,
                scores=scores,
            )
        elif log != "none":
            mlflow.log_text(log, "mlgate/predictions.csv")
        mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(data[FEATURES], predicted),
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    return Run(run_id=run.info.run_id, model=model)


def registered(server: str, name: str, run: Run, *, alias: str | None = None) -> Run:
    logged = LoggedRun(run_id=run.run_id, model_uri=f"runs:/{run.run_id}/model")
    return Run(
        run_id=run.run_id, model=run.model, version=register(server, logged, name, alias=alias)
    )


def versions(server: str, name: str, production: Run, candidate: Run) -> tuple[Run, Run]:
    """``production`` registered holding @champion, then ``candidate`` as the next version."""
    production = registered(server, name, production, alias="champion")
    return production, registered(server, name, candidate)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLGATE_HOME", str(tmp_path / "home"))  # the job's score cache
    frame().to_csv(tmp_path / "eval.csv", index=False)
    return tmp_path


def configure(
    workdir: Path, model: str, *, evaluation: str = "", mode: str = "significant"
) -> None:
    (workdir / "mlgate.yml").write_text(
        f"model: {model}\nmetric_prefix: eval_\n"
        "metrics:\n  accuracy: {max_drop: 0.01}\n  auc: {max_drop: 0.01}\n"
        "  latency_ms: {higher_is_better: false, max_rise_pct: 50}\n"
        f"significance: {{mode: {mode}}}\n" + (f"evaluation:\n{evaluation}" if evaluation else "")
    )


SCORE = "  data: eval.csv\n  label: label\n"


def verdict(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in data["metrics"]}


def cached(workdir: Path) -> list[Path]:
    folder = workdir / "home" / "scores"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_logged_predictions_on_the_same_data_give_intervals_without_loading_a_model(
    workdir: Path, evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    data = frame()
    production, candidate = versions(
        mlflow_server,
        model_name,
        train(mlflow_server, data, strength=1.0),
        train(mlflow_server, data, strength=0.5),
    )
    configure(workdir, model_name, evaluation=SCORE)  # scoring would be possible: not needed
    result = evaluate("--candidate", f"models:/{model_name}/{candidate.version}")
    assert result.exit_code in (0, 1), result.output
    found = verdict(result)
    assert found["evidence"]["source"] == "logged_predictions"
    assert found["evidence"]["examples"] == len(data)
    assert found["evidence"]["candidate"] == f"runs:/{candidate.run_id}/mlgate/predictions.parquet"
    assert found["evidence"]["baseline"] == f"runs:/{production.run_id}/mlgate/predictions.parquet"
    assert found["evidence"]["point_only"] == ["latency_ms"]
    by_name = rows(found)
    for name in ("accuracy", "auc"):
        assert by_name[name]["ci"] is not None and by_name[name]["source"] == "logged_predictions"
    assert by_name["latency_ms"]["ci"] is None and by_name["latency_ms"]["source"] == "metric"
    assert cached(workdir) == [], "no model was scored: nothing in the job's score cache"
    report = (workdir / "report.md").read_text()
    assert "🔬 **Evidence** — from the predictions both runs logged" in report


def test_b_nothing_logged_both_models_are_scored_like_the_predictions_files(
    workdir: Path,
    evaluate: Evaluate,
    mlflow_server: str,
    model_name: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    data = frame()
    production, candidate = versions(
        mlflow_server,
        model_name,
        train(mlflow_server, data, strength=1.0, log="none"),
        train(mlflow_server, data, strength=0.05, log="none"),
    )
    configure(workdir, model_name, evaluation=SCORE)
    result = evaluate("--candidate", f"models:/{model_name}/{candidate.version}")
    found = verdict(result)
    assert found["evidence"]["source"] == "scored", found["evidence"]
    assert len(cached(workdir)) == 2, "each model scored once, kept for the job"

    # The same rows as predictions files, through `mlgate compare`: the same intervals.
    for run, path in ((candidate, "c.csv"), (production, "p.csv")):
        scores = run.model.predict_proba(data[FEATURES])[:, 1]
        pd.DataFrame(
            {
                "id": range(len(data)),
                "label": data["label"],
                "prediction": run.model.predict(data[FEATURES]),
                "score": scores,
            }
        ).to_csv(workdir / path, index=False)
    files = CliRunner().invoke(
        cli,
        [
            "compare",
            "--candidate-predictions",
            "c.csv",
            "--baseline-predictions",
            "p.csv",
            "--print",
            "json",
            "--out",
            "f.json",
        ],
        catch_exceptions=False,
    )
    from_files = rows(verdict(files))
    scored = rows(found)
    for name in ("accuracy", "roc_auc"):
        ours = scored["auc" if name == "roc_auc" else name]["ci"]
        theirs = from_files[name]["ci"]
        assert ours["low"] == pytest.approx(theirs["low"], abs=1e-12)
        assert ours["high"] == pytest.approx(theirs["high"], abs=1e-12)

    # What was scored is kept with the candidate's run (and only the candidate's).
    client = MlflowClient(mlflow_server)
    kept = [a.path for a in client.list_artifacts(candidate.run_id, "mlgate")]
    assert "mlgate/predictions.parquet" in kept
    assert "mlgate/predictions.parquet" not in [
        a.path for a in client.list_artifacts(production.run_id, "mlgate")
    ]

    # A second evaluation in the same job scores nothing: the candidate's predictions are
    # logged now and both models' scores are in the job's cache — so it works with both
    # models' weights gone from the artifact store.
    # Each MLflow server of this worker's session keeps its artifacts in a folder of its own.
    stores = {p.resolve() for p in tmp_path_factory.getbasetemp().glob("mlflow-server*/artifacts")}
    for run in (candidate, production):
        remove_model_files(mlflow_server, run.run_id, stores)
    again = evaluate("--candidate", f"models:/{model_name}/{candidate.version}", "--no-record")
    assert again.exit_code in (0, 1), again.output
    assert verdict(again)["evidence"]["source"] == "scored"
    assert len(cached(workdir)) == 2


def remove_model_files(server: str, run_id: str, stores: set[Path]) -> None:
    """Delete a run's logged model from the server's artifact store: every file but its
    MLmodel (which the gate reads before any verdict), so the model cannot load."""
    client = MlflowClient(server)
    ids = {output.model_id for output in client.get_run(run_id).outputs.model_outputs}
    for model_id in ids:
        location = client.get_logged_model(model_id).artifact_location
        relative = location.removeprefix("mlflow-artifacts:/")
        (folder,) = [
            store / relative for store in stores if (store / relative / "MLmodel").exists()
        ]
        for path in folder.iterdir():
            if path.name != "MLmodel":
                shutil.rmtree(path) if path.is_dir() else path.unlink()


def test_c_a_noise_level_drop_passes_on_evidence_and_fails_on_the_point_estimate(
    workdir: Path, evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    small = frame(rows=200, seed=3)
    _, candidate = versions(
        mlflow_server,
        model_name,
        train(mlflow_server, small, strength=1.0),
        train(mlflow_server, small, strength=1.0, flip=(7, 4)),
    )
    configure(workdir, model_name)
    significant = verdict(
        evaluate("--candidate", f"models:/{model_name}/{candidate.version}", "--no-record")
    )
    drop = rows(significant)["accuracy"]
    assert -0.05 < drop["delta"] < -0.01, drop  # beyond the tolerance, within the noise
    assert drop["significant"] is False and drop["status"] == "warn"
    configure(workdir, model_name, mode="point")
    point = evaluate("--candidate", f"models:/{model_name}/{candidate.version}", "--no-record")
    assert point.exit_code == 1
    assert rows(verdict(point))["accuracy"]["status"] == "fail"


def test_d_ids_that_do_not_pair_fall_back_to_scoring_or_are_an_error(
    workdir: Path, evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    data = frame()
    registered(
        mlflow_server, model_name, train(mlflow_server, data, strength=1.0), alias="champion"
    )
    shifted = registered(
        mlflow_server,
        model_name,
        train(mlflow_server, data, strength=0.5, ids=range(1000, 1000 + len(data))),
    )
    configure(workdir, model_name, evaluation=SCORE)
    found = verdict(
        evaluate("--candidate", f"models:/{model_name}/{shifted.version}", "--no-record")
    )
    assert found["evidence"]["source"] == "scored"
    (note,) = found["evidence"]["notes"]
    assert note.startswith("the logged predictions do not pair: ") and "scored instead" in note
    configure(workdir, model_name)  # nothing to score on
    failed = evaluate("--candidate", f"models:/{model_name}/{shifted.version}", "--no-record")
    assert failed.exit_code == 2
    assert "do not pair" in failed.stderr and "nothing to score instead" in failed.stderr
    assert "Traceback" not in failed.stderr and len(failed.stderr.splitlines()) == 1


def test_e_predictions_made_on_other_data_are_never_paired(
    workdir: Path, evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    data = frame()
    registered(
        mlflow_server, model_name, train(mlflow_server, data, strength=1.0), alias="champion"
    )
    # The run records another dataset first, so the helper tags the predictions with its
    # digest; then it re-logs the evaluation data the metrics were computed on.
    import mlflow

    candidate_run = train(mlflow_server, data, strength=0.5, log="none")
    client = MlflowClient(mlflow_server)
    client.set_tag(candidate_run.run_id, "mlgate.predictions.dataset_digest", "0" * 8)
    with mlflow.start_run(run_id=candidate_run.run_id):
        mlgate.log_predictions(
            range(len(data)), data["label"], predictions=candidate_run.model.predict(data[FEATURES])
        )
    client.set_tag(candidate_run.run_id, "mlgate.predictions.dataset_digest", "feedbeef")
    candidate = registered(mlflow_server, model_name, candidate_run)
    configure(workdir, model_name)
    failed = evaluate("--candidate", f"models:/{model_name}/{candidate.version}", "--no-record")
    assert failed.exit_code == 2, failed.output
    assert (
        f"runs:/{candidate.run_id}/mlgate/predictions.parquet was made on data with digest feedbeef"
        in failed.stderr
    )
    configure(workdir, model_name, evaluation=SCORE)
    found = verdict(
        evaluate("--candidate", f"models:/{model_name}/{candidate.version}", "--no-record")
    )
    assert (
        found["evidence"]["source"] == "scored"
        and "digest feedbeef" in found["evidence"]["notes"][0]
    )


@pytest.mark.parametrize(
    ("artifact", "problem"),
    [
        ("id,label\n1,0\n", "no 'prediction' or 'score' column"),
        ("label,prediction\n0,1\n", "no column 'id'"),
        ("id,label,prediction\n1,0\n2,1,0,9\n", "cannot read csv"),
    ],
)
def test_f_a_malformed_predictions_artifact_is_one_line_naming_it(
    workdir: Path,
    evaluate: Evaluate,
    mlflow_server: str,
    model_name: str,
    artifact: str,
    problem: str,
) -> None:
    data = frame()
    _, candidate = versions(
        mlflow_server,
        model_name,
        train(mlflow_server, data, strength=1.0),
        train(mlflow_server, data, strength=0.5, log=artifact),
    )
    configure(workdir, model_name, evaluation=SCORE)
    result = evaluate("--candidate", f"models:/{model_name}/{candidate.version}", "--no-record")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"mlgate: error: runs:/{candidate.run_id}/mlgate/predictions.csv: ")
    assert problem in line


def test_g_no_record_keeps_nothing_and_point_estimates_say_why(
    workdir: Path, evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    data = frame()
    _, candidate = versions(
        mlflow_server,
        model_name,
        train(mlflow_server, data, strength=1.0, log="none"),
        train(mlflow_server, data, strength=0.5, log="none"),
    )
    configure(workdir, model_name, evaluation=SCORE)
    scored = verdict(
        evaluate("--candidate", f"models:/{model_name}/{candidate.version}", "--no-record")
    )
    assert scored["evidence"]["source"] == "scored"
    client = MlflowClient(mlflow_server)
    assert client.list_artifacts(candidate.run_id, "mlgate") == []
    assert "mlgate.status" not in client.get_model_version(model_name, candidate.version).tags

    configure(workdir, model_name)  # no evaluation data: point estimates, and why
    point = verdict(
        evaluate("--candidate", f"models:/{model_name}/{candidate.version}", "--no-record")
    )
    assert point["evidence"]["source"] == "metric"
    assert point["evidence"]["reason"] == "neither run logged per-example predictions"
    assert "mlgate.log_predictions" in point["evidence"]["hint"]
    report = (workdir / "report.md").read_text()
    assert (
        "⚠️ **Point estimates only** — no intervals\\: neither run logged per-example predictions"
        in report
    )


def test_the_point_estimate_reason_names_the_side_without_predictions(
    workdir: Path, evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    data = frame()
    _, candidate = versions(
        mlflow_server,
        model_name,
        train(mlflow_server, data, strength=1.0),  # production logged its predictions
        train(mlflow_server, data, strength=0.5, log="none"),
    )
    configure(workdir, model_name)
    point = verdict(
        evaluate("--candidate", f"models:/{model_name}/{candidate.version}", "--no-record")
    )
    assert point["evidence"]["reason"] == (
        "the candidate's run logged no per-example predictions (production's did)"
    )


def test_modes_logged_score_and_off(
    workdir: Path, evaluate: Evaluate, mlflow_server: str, model_name: str
) -> None:
    data = frame()
    _, candidate = versions(
        mlflow_server,
        model_name,
        train(mlflow_server, data, strength=1.0, log="none"),
        train(mlflow_server, data, strength=0.5),
    )
    ref = f"models:/{model_name}/{candidate.version}"
    configure(workdir, model_name, evaluation=SCORE + "  predictions: logged\n")
    logged = evaluate("--candidate", ref, "--no-record")
    assert logged.exit_code == 2 and "(production) has no logged predictions" in logged.stderr
    configure(workdir, model_name, evaluation="  predictions: score\n")
    score = evaluate("--candidate", ref, "--no-record")
    assert score.exit_code == 2 and "score needs the evaluation data" in score.stderr
    configure(workdir, model_name, evaluation=SCORE + "  predictions: off\n")
    off = verdict(evaluate("--candidate", ref, "--no-record"))
    assert off["evidence"] == {
        **off["evidence"],
        "source": "metric",
        "reason": "evaluation.predictions is off",
    }
    configure(workdir, model_name, evaluation=SCORE + "  max_rows: 250\n")
    sampled = verdict(evaluate("--candidate", ref, "--no-record"))
    assert sampled["evidence"]["source"] == "scored"
    assert (sampled["evidence"]["examples"], sampled["evidence"]["rows"]) == (250, len(data))
    assert "a deterministic sample of 600 rows" in (workdir / "report.md").read_text()
    assert os.environ["MLGATE_HOME"].startswith(str(workdir))
