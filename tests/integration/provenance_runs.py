"""Real runs for the evaluation-provenance tests: a user's training job that logs its
evaluation data with ``mlflow.log_input``, registered as production or as a candidate."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from registry_helpers import LoggedRun, register

SHA = "3" * 40
FEATURES = ["tenure", "charges", "calls"]
BASE = """\
model: {model}
metric_prefix: eval_
metrics:
  accuracy: {{max_drop: 0.05}}
  auc: {{max_drop: 0.05}}
"""


def eval_frame(seed: int, rows: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(rows, 3)), columns=FEATURES)
    noise = rng.normal(scale=0.8, size=rows)
    frame["label"] = (frame["tenure"] + 0.5 * frame["charges"] + noise > 0).astype(int)
    return frame


@dataclass(frozen=True)
class Trained:
    run_id: str
    model: object
    metrics: dict[str, float]


def train_and_log(
    server: str,
    *,
    seed: int,
    data: pd.DataFrame | None,
    name: str = "eval",
    source: str = "",
    training: str = "",
) -> Trained:
    """A user's training job: fit, score ``data``, log the metrics and — when given — the
    data as the run's evaluation dataset with ``mlflow.log_input`` (and the Parquet file
    ``training`` as its training dataset)."""
    import mlflow
    import sklearn
    from mlflow.models import infer_signature
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, roc_auc_score

    train = eval_frame(seed + 100, rows=300)
    model = LogisticRegression(C=0.01 if seed % 2 else 1.0).fit(train[FEATURES], train["label"])
    metrics = {}
    if data is not None:
        scores = model.predict_proba(data[FEATURES])[:, 1]
        metrics = {
            "eval_accuracy": float(accuracy_score(data["label"], model.predict(data[FEATURES]))),
            "eval_auc": float(roc_auc_score(data["label"], scores)),
        }
    else:
        metrics = {"eval_accuracy": 0.9, "eval_auc": 0.9}
    mlflow.set_tracking_uri(server)
    mlflow.set_experiment("mlgate-provenance")
    with mlflow.start_run() as run:
        mlflow.log_metrics(metrics)
        if data is not None:
            dataset = mlflow.data.from_pandas(data, source=source or None, name=name)
            mlflow.log_input(dataset, context="evaluation")
        if training:
            table = pd.read_parquet(training)
            trained_on = mlflow.data.from_pandas(table, source=training, name="features")
            mlflow.log_input(trained_on, context="training")
        mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(train[FEATURES], model.predict(train[FEATURES])),
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    return Trained(run_id=run.info.run_id, model=model, metrics=metrics)


def production(server: str, model: str, trained: Trained) -> str:
    logged = LoggedRun(run_id=trained.run_id, model_uri=f"runs:/{trained.run_id}/model")
    return register(server, logged, model, alias="champion")


def candidate_version(server: str, model: str, trained: Trained) -> str:
    logged = LoggedRun(run_id=trained.run_id, model_uri=f"runs:/{trained.run_id}/model")
    return register(server, logged, model)


def on_different_data(server: str, model: str) -> tuple[Trained, Trained, str]:
    """Production evaluated on October's data, a candidate version on November's."""
    prod = train_and_log(server, seed=1, data=eval_frame(1), name="eval-2026-10")
    production(server, model, prod)
    cand = train_and_log(server, seed=2, data=eval_frame(5), name="eval-2026-11")
    return prod, cand, candidate_version(server, model, cand)
