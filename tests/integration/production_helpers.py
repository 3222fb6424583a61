"""What the production-registry tests (tests/integration/production) share: the training
job, mlgate run as a CI job in its own process, and reading the bucket and the database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from production_registry import AWS_ENV, BUCKET, ProductionRegistry
from registry_helpers import FEATURES, frame

import mlgate

SHA = "5" * 40
CI_USER = ("ci", "ci-password-not-to-be-printed")


def admin(production: ProductionRegistry) -> Any:
    from mlflow.tracking import MlflowClient

    os.environ.update(production.env())
    return MlflowClient(production.url)


@dataclass(frozen=True)
class Trained:
    run_id: str
    version: str
    experiment_id: str


def train_and_register(
    production: ProductionRegistry,
    model: str,
    *,
    strength: float,
    data: pd.DataFrame,
    names: tuple[str, ...] = ("model",),
) -> Trained:
    """The training job (as the admin), then EDIT on its experiment for the CI user."""
    admin(production)
    trained = log_and_register(production.url, model, strength=strength, data=data, names=names)
    production.grant_experiment(CI_USER[0], trained.experiment_id, "EDIT")
    return trained


def log_and_register(
    tracking_uri: str,
    model: str,
    *,
    strength: float,
    data: pd.DataFrame,
    names: tuple[str, ...] = ("model",),
) -> Trained:
    """Fit, log metrics, the evaluation dataset, per-example predictions
    (mlgate.log_predictions) and the model (under each of ``names``) in experiment
    ``train-<model>``, then register a version of ``model`` from the first."""
    import mlflow
    import sklearn
    from mlflow.models import infer_signature
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score

    fitted = LogisticRegression(C=strength).fit(frame(seed=99)[FEATURES], frame(seed=99)["label"])
    scores = fitted.predict_proba(data[FEATURES])[:, 1]
    predicted = (scores >= 0.5).astype(int)
    mlflow.set_tracking_uri(tracking_uri)
    experiment = mlflow.set_experiment(f"train-{model}")
    with mlflow.start_run() as run:
        mlflow.log_metric("accuracy", float(accuracy_score(data["label"], predicted)))
        mlflow.log_input(mlflow.data.from_pandas(data, name="eval"), context="evaluation")
        mlgate.log_predictions(
            range(len(data)), data["label"], predictions=predicted, scores=scores
        )
        for name in names:
            mlflow.sklearn.log_model(
                fitted,
                name=name,
                signature=infer_signature(data[FEATURES], predicted),
                pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
            )
    version = mlflow.register_model(f"runs:/{run.info.run_id}/{names[0]}", model)
    return Trained(
        run_id=run.info.run_id, version=str(version.version), experiment_id=experiment.experiment_id
    )


MLGATE = Path(sys.executable).parent / "mlgate"


def job_environment(credentials: Mapping[str, str], *, home: Path) -> dict[str, str]:
    """A CI job's environment: this process's without any MLflow, mlgate or AWS setting,
    then ``credentials`` (what ``ProductionRegistry.env`` says the job holds)."""
    prefixes = ("MLFLOW_", "MLGATE_", "AWS_")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(prefixes)},
        **credentials,
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "MLGATE_HOME": str(home),
    }


def mlgate_cli(
    production: ProductionRegistry,
    *args: str,
    cwd: Path,
    user: str | None = CI_USER[0],
    env: Mapping[str, str] = {},
    token: str | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """``mlgate ARGS`` as a CI job signed in as ``user`` (or with a bearer ``token``) would
    run it: its own process."""
    if user == CI_USER[0] and user not in production.users:
        production.users[user] = CI_USER[1]
    credentials = production.env(user, token=token)
    environment = {**job_environment(credentials, home=cwd / ".mlgate-home"), **env}
    started = time.monotonic()
    done = subprocess.run(
        [str(MLGATE), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    print(f"mlgate {args[0]}: exit {done.returncode} in {time.monotonic() - started:.1f} s")
    return done


def decided(production: ProductionRegistry, *args: str, cwd: Path) -> str:
    """``mlgate ARGS`` as the CI user, which must come to a decision (exit 0 or 1) without
    a traceback; its standard output."""
    done = mlgate_cli(production, *args, cwd=cwd)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def s3_keys(production: ProductionRegistry, contains: str = "") -> list[str]:
    """What the bucket holds, read from moto directly (not through the proxy)."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=production.s3_direct_url,
        aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        region_name=AWS_ENV["AWS_DEFAULT_REGION"],
    )
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return [key for key in keys if contains in key]


def config(workdir: Path, model: str, *, predictions: str = "auto") -> None:
    (workdir / "mlgate.yml").write_text(
        f"model: {model}\n"
        "metrics:\n  accuracy: {max_drop: 0.05}\n"
        f"evaluation:\n  data: eval.csv\n  label: label\n  predictions: {predictions}\n"
        "drift:\n  reference: train.csv\n  reference_rows: 200\n"
    )
