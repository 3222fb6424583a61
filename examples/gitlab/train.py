"""Train the churn classifier and log it to MLflow: parameters, evaluation metrics on a
held-out set, the held-out set itself (an MLflow dataset input) with the model's
per-example predictions on it (mlgate.log_predictions: mlgate then compares versions on
paired intervals without loading either model), and the model with its signature. Prints
the run id on standard output.

    MLFLOW_TRACKING_URI=http://mlflow.internal:5000 python train.py
    python train.py --params params.yaml --run-id-file train.env   # CI: TRAIN_RUN_ID=…

The data is synthetic and seeded, so the example runs anywhere; replace load_data() with
your own.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import mlflow
import mlgate
import numpy as np
import pandas as pd
import sklearn
import yaml
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split

FEATURES = ["tenure_months", "monthly_charges", "support_calls", "contract_years"]


def load_data(rows: int = 4000, seed: int = 7) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(
        {
            "tenure_months": rng.integers(1, 72, rows).astype(float),
            "monthly_charges": rng.normal(70, 20, rows).round(2),
            "support_calls": rng.poisson(1.5, rows).astype(float),
            "contract_years": rng.choice([0.0, 1.0, 2.0], rows),
        }
    )
    logit = (
        -0.05 * data["tenure_months"]
        + 0.03 * (data["monthly_charges"] - 70)
        + 0.6 * data["support_calls"]
        - 0.9 * data["contract_years"]
        + 0.5
    )
    churned = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return data[FEATURES], pd.Series(churned.astype(int), name="churned")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", default="params.yaml", help="hyperparameters (YAML)")
    parser.add_argument("--experiment", default="churn-classifier")
    parser.add_argument("--run-id-file", help="also write TRAIN_RUN_ID=<id> to this dotenv file")
    args = parser.parse_args()

    params = yaml.safe_load(Path(args.params).read_text(encoding="utf-8")) or {}
    features, target = load_data()
    x_train, x_eval, y_train, y_eval = train_test_split(
        features, target, test_size=0.25, random_state=0, stratify=target
    )
    model = LogisticRegression(C=float(params.get("C", 1.0)), max_iter=1000)
    model.fit(x_train, y_train)

    started = time.perf_counter()
    scores = model.predict_proba(x_eval)[:, 1]
    latency_ms = (time.perf_counter() - started) * 1000
    predicted = (scores >= 0.5).astype(int)
    metrics = {
        "eval_accuracy": accuracy_score(y_eval, predicted),
        "eval_f1": f1_score(y_eval, predicted),
        "eval_auc": roc_auc_score(y_eval, scores),
        "eval_log_loss": log_loss(y_eval, scores),
        "eval_latency_ms": latency_ms,
    }

    mlflow.set_experiment(args.experiment)
    with mlflow.start_run() as run:
        mlflow.log_params(params)
        mlflow.log_metrics(metrics)
        held_out = mlflow.data.from_pandas(
            x_eval.assign(churned=y_eval), name="churn-eval", targets="churned"
        )
        mlflow.log_input(held_out, context="evaluation")
        mlgate.log_predictions(x_eval.index, y_eval, predictions=predicted, scores=scores)
        if os.environ.get("CI_COMMIT_SHA") or os.environ.get("GITHUB_SHA"):
            commit = os.environ.get("CI_COMMIT_SHA") or os.environ["GITHUB_SHA"]
            mlflow.set_tag("mlflow.source.git.commit", commit)
        mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(x_eval, model.predict(x_eval)),
            # Naming the requirements skips MLflow's slow inference of them.
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    if args.run_id_file:
        Path(args.run_id_file).write_text(f"TRAIN_RUN_ID={run.info.run_id}\n", encoding="utf-8")
    print(run.info.run_id, file=sys.stderr if args.run_id_file else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
