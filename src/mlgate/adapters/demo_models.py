"""Training the demo's two real models and logging them to a local MLflow store.

Breast-cancer data ships inside scikit-learn, so the demo needs no network. Production is
an over-regularised logistic regression; the candidate relaxes the regularisation. Both are
evaluated on the same held-out split and logged the way a user's training job would: eval
metrics with an ``eval_`` prefix (the gate reads only those), a training metric without it,
parameters, and the model with its signature.
"""

from __future__ import annotations

import pickle
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.core.refs import first_line
from mlgate.errors import ServiceError

EXPERIMENT = "mlgate-demo"
SEED = 7


@dataclass(frozen=True, kw_only=True)
class TrainedRun:
    run_id: str
    model_uri: str
    metrics: dict[str, float]
    labels: Any  # the held-out split's labels, in the golden set's row order
    predicted: Any  # the model's class for each of those rows
    scores: Any  # ... and its P(benign)


def train_and_log(**kwargs: Any) -> TrainedRun:
    """Train and log one model; MLflow failures become one-line ServiceErrors."""
    from mlflow.exceptions import MlflowException

    try:
        return _train_and_log(**kwargs)
    except MlflowException as exc:
        store = kwargs["tracking_uri"]
        raise ServiceError(f"local MLflow store {store}: {first_line(exc)}") from None


def write_golden_set(path: Path) -> None:
    """The held-out split both models are evaluated on, with its label, for model tests."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    features, target = load_breast_cancer(return_X_y=True, as_frame=True)
    _, x_test, _, y_test = train_test_split(
        features, target, test_size=0.3, random_state=SEED, stratify=target
    )
    x_test.assign(benign=y_test).to_csv(path, index=False)


def write_training_features(path: Path) -> None:
    """The features the models were trained on: the reference data drift is judged against."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    features, target = load_breast_cancer(return_X_y=True, as_frame=True)
    x_train, _, _, _ = train_test_split(
        features, target, test_size=0.3, random_state=SEED, stratify=target
    )
    x_train.to_csv(path, index=False)


def _train_and_log(
    *,
    tracking_uri: str,
    artifact_root: Path,
    regularisation: float,
    label: str,
    progress: Callable[[str], None],
) -> TrainedRun:
    import mlflow
    import sklearn
    from mlflow.models import infer_signature
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    features, target = load_breast_cancer(return_X_y=True, as_frame=True)
    x_train, x_test, y_train, y_test = train_test_split(
        features, target, test_size=0.3, random_state=SEED, stratify=target
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(C=regularisation, max_iter=2000))
    started = time.perf_counter()
    model.fit(x_train, y_train)
    progress(
        f"trained {label} (logistic regression, C={regularisation}) "
        f"in {time.perf_counter() - started:.2f} s"
    )

    metrics = _evaluate(model, x_test, y_test)
    scores = model.predict_proba(x_test)[:, 1]
    metrics["train_accuracy"] = float(model.score(x_train, y_train))
    mlflow.set_tracking_uri(tracking_uri)
    experiment = mlflow.get_experiment_by_name(EXPERIMENT)
    experiment_id = (
        experiment.experiment_id
        if experiment is not None
        else mlflow.create_experiment(EXPERIMENT, artifact_location=artifact_root.as_uri())
    )
    with mlflow.start_run(experiment_id=experiment_id, run_name=label) as run:
        mlflow.log_params(
            {
                "model": "logistic_regression",
                "C": regularisation,
                "max_iter": 2000,
                "scaler": "standard",
                "test_size": 0.3,
                "seed": SEED,
            }
        )
        mlflow.log_metrics(metrics)
        signature = infer_signature(x_test, model.predict_proba(x_test)[:, 1])
        # Naming the requirement skips MLflow's inference, which re-imports the model in a
        # subprocess and costs ~13 s here.
        mlflow.sklearn.log_model(
            model,
            name="model",
            signature=signature,
            input_example=x_test.head(2),
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    progress(f"logged {label} to MLflow as run {run.info.run_id[:8]}")
    return TrainedRun(
        run_id=run.info.run_id,
        model_uri=f"runs:/{run.info.run_id}/model",
        metrics=metrics,
        labels=y_test.to_numpy(),
        predicted=(scores >= 0.5).astype(int),
        scores=scores,
    )


def _evaluate(model: Any, x_test: Any, y_test: Any) -> dict[str, float]:
    from sklearn import metrics as m

    probability = model.predict_proba(x_test)[:, 1]
    predicted = (probability >= 0.5).astype(int)
    return {
        "eval_accuracy": float(m.accuracy_score(y_test, predicted)),
        "eval_precision": float(m.precision_score(y_test, predicted)),
        "eval_recall": float(m.recall_score(y_test, predicted)),
        "eval_f1": float(m.f1_score(y_test, predicted)),
        "eval_roc_auc": float(m.roc_auc_score(y_test, probability)),
        "eval_log_loss": float(m.log_loss(y_test, probability)),
        "eval_latency_p95_ms": _latency_p95_ms(model, x_test),
        "eval_model_size_kb": len(pickle.dumps(model)) / 1024,
    }


def _latency_p95_ms(model: Any, x_test: Any, calls: int = 200) -> float:
    row = x_test.head(1)
    for _ in range(20):  # warm-up
        model.predict_proba(row)
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        model.predict_proba(row)
        samples.append((time.perf_counter() - started) * 1000)
    return float(statistics.quantiles(samples, n=20)[-1])
