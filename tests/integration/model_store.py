"""A local MLflow store (sqlite, in a temporary folder) with real scikit-learn models, for
the model tests: a production model registered as version 1 with the alias champion, a
candidate that is as good, and a degraded one — plus a golden set with labels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

FEATURES = ["tenure", "charges", "calls"]


@dataclass(frozen=True)
class ModelStore:
    tracking_uri: str
    model: str
    production_uri: str  # runs:/…/model of version 1 (@champion)
    candidate_uri: str  # a model as good as production
    degraded_uri: str  # a model that gets many golden examples wrong
    golden_csv: Path
    root: Path


def churn_data(rows: int, seed: int) -> Any:
    """Features and a label that depends on them: many calls and short tenure churn."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            "tenure": rng.integers(1, 72, rows).astype(float),
            "charges": rng.normal(70, 20, rows).round(2),
            "calls": rng.poisson(1.5, rows).astype(float),
        }
    )
    logit = -0.08 * data["tenure"] + 0.9 * data["calls"] + 0.01 * (data["charges"] - 70) + 0.8
    data["label"] = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return data


def log_model(tracking_uri: str, model: Any, *, experiment: str) -> str:
    import mlflow
    import sklearn
    from mlflow.models import infer_signature

    sample = churn_data(20, 0)[FEATURES]
    mlflow.set_tracking_uri(tracking_uri)
    with mlflow.start_run(experiment_id=experiment) as run:
        mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(sample, model.predict(sample)),
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    return f"runs:/{run.info.run_id}/model"


def build_store(root: Path) -> ModelStore:
    import mlflow
    from mlflow import MlflowClient
    from sklearn.linear_model import LogisticRegression

    tracking_uri = f"sqlite:///{root / 'mlflow.db'}"
    # Artifacts next to the database (the default would be ./mlruns in the working folder).
    experiment = MlflowClient(tracking_uri).create_experiment(
        "mlgate-model-tests", artifact_location=(root / "artifacts").as_uri()
    )
    train = churn_data(3000, 1)
    x, y = train[FEATURES], train["label"]
    production = log_model(
        tracking_uri, LogisticRegression(max_iter=1000).fit(x, y), experiment=experiment
    )
    candidate = log_model(
        tracking_uri, LogisticRegression(C=0.5, max_iter=1000).fit(x, y), experiment=experiment
    )
    # Trained on charges alone: right about as often as chance allows, wrong where
    # production is right on many golden examples.
    degraded = log_model(
        tracking_uri,
        LogisticRegression(max_iter=1000).fit(x.assign(tenure=0.0, calls=0.0), y),
        experiment=experiment,
    )
    mlflow.set_tracking_uri(tracking_uri)
    version = mlflow.register_model(production, "churn").version
    MlflowClient(tracking_uri).set_registered_model_alias("churn", "champion", str(version))
    golden = root / "golden.csv"
    churn_data(300, 2).to_csv(golden, index=False)
    return ModelStore(
        tracking_uri=tracking_uri,
        model="churn",
        production_uri=production,
        candidate_uri=candidate,
        degraded_uri=degraded,
        golden_csv=golden,
        root=root,
    )
