"""`mlgate evaluate` with `evaluation.engine: spark` against the session's real MLflow server:
production (@champion) and the candidate, registered scikit-learn models, scored on the
rows of a Parquet table in one Spark job — production re-scored on the candidate's data,
paired intervals (the accuracy's exact, ROC AUC's by the Poisson bootstrap with its binning
bound stated), the table named as the evaluation data."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from registry_helpers import FEATURES, LoggedRun, frame, register

from mlgate.cli import cli

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


def logged(server: str, data: Any, *, strength: float) -> LoggedRun:
    """A user's evaluation script: fit, log metrics, the evaluation data and the model."""
    import mlflow
    import sklearn
    from mlflow.models import infer_signature
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, roc_auc_score

    train = frame(rows=400, seed=99)
    # The weaker model barely sees the second feature (scaled down before fitting).
    weights = [1.0, strength, 1.0]
    model = LogisticRegression().fit(train[FEATURES] * weights, train["label"])
    scores = model.predict_proba(data[FEATURES] * weights)[:, 1]
    mlflow.set_tracking_uri(server)
    mlflow.set_experiment("mlgate-spark-evaluate")
    with mlflow.start_run() as run:
        mlflow.log_metrics(
            {
                "eval_accuracy": float(accuracy_score(data["label"], scores >= 0.5)),
                "eval_auc": float(roc_auc_score(data["label"], scores)),
            }
        )
        mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(data[FEATURES], (scores >= 0.5).astype(int)),
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    return LoggedRun(run_id=run.info.run_id, model_uri=f"runs:/{run.info.run_id}/model")


def test_evaluate_scores_both_registered_models_on_a_table(
    spark: Any, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    from sklearn.base import BaseEstimator  # noqa: F401 - scikit-learn is the models' library

    data = frame(rows=20_000, seed=7)
    data.to_parquet(tmp_path / "eval.parquet")
    register(
        mlflow_server, logged(mlflow_server, data, strength=0.05), model_name, alias="champion"
    )
    candidate = register(mlflow_server, logged(mlflow_server, data, strength=1.0), model_name)
    (tmp_path / "mlgate.yml").write_text(
        f"model: {model_name}\nmetric_prefix: eval_\n"
        "metrics:\n  accuracy: {max_drop: 0.01}\n  auc: {max_drop: 0.01}\n"
        f"evaluation:\n  engine: spark\n  data: eval.parquet\n  label: label\n"
        '  where: "tenure > -10"\n'
    )
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        done = CliRunner().invoke(
            cli,
            ["evaluate", "--tracking-uri", mlflow_server, "--print", "json", "--no-record",
             "--candidate", f"models:/{model_name}/{candidate}"],
            prog_name="mlgate",
            catch_exceptions=False,
        )  # fmt: skip
    finally:
        os.chdir(old)
    assert done.exit_code == 0, done.output
    verdict = json.loads(done.stdout)
    evidence = verdict["evidence"]
    assert evidence["source"] == "scored"
    assert evidence["examples"] == evidence["rows"] == 20_000
    assert any(note.startswith("scored on Spark") for note in evidence["notes"])
    assert any(note.startswith("ROC AUC within ±") for note in evidence["notes"])
    assert evidence["point_only"] == []
    assert verdict["data"]["outcome"] == "rescored"
    assert verdict["data"]["candidate"]["name"].endswith("eval.parquet where tenure > -10")
    rows = {row["name"]: row for row in verdict["metrics"]}
    assert rows["accuracy"]["ci"]["method"] == "Newcombe (paired score)"
    assert rows["auc"]["ci"]["method"] == "Poisson bootstrap"
    assert rows["auc"]["source"] == "scored"
    assert rows["auc"]["ci"]["low"] > 0  # the candidate sees its second feature as trained
