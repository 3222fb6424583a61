"""Helpers that put real runs and versions on the test server with MLflow's own API."""

from __future__ import annotations

import functools
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fault_proxy import FaultyProxy

FEATURES = ["tenure", "charges", "calls"]


def frame(rows: int = 600, seed: int = 11) -> Any:
    """A binary task on three features whose label a logistic regression learns well."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    data = pd.DataFrame(rng.normal(size=(rows, 3)), columns=FEATURES)
    noise = rng.normal(scale=0.9, size=rows)
    data["label"] = (data["tenure"] + 0.4 * data["charges"] + noise > 0).astype(int)
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class LoggedRun:
    run_id: str
    model_uri: str


def log_run(
    tracking_uri: str,
    *,
    metrics: dict[str, float],
    params: dict[str, Any] | None = None,
    drop_feature: bool = False,
    commit: str | None = None,
    eval_data: bool = True,
) -> LoggedRun:
    """A real training run: a small scikit-learn model logged with its signature and, as
    evaluation scripts do (``eval_data``), the evaluation data it was scored on — the same
    frame in every run, so versions compare as evaluated on the same data."""
    import mlflow
    import numpy as np
    import pandas as pd
    import sklearn
    from mlflow.models import infer_signature
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    columns = ["tenure", "charges"] if drop_feature else ["tenure", "charges", "calls"]
    features = pd.DataFrame(rng.normal(size=(60, len(columns))), columns=columns)
    target = (features["tenure"] > 0).astype(int)
    model = LogisticRegression().fit(features, target)
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment("mlgate-tests")
    with mlflow.start_run() as run:
        mlflow.log_metrics(metrics)
        if params:
            mlflow.log_params(params)
        if commit:
            mlflow.set_tag("mlflow.source.git.commit", commit)
        if eval_data:
            held_out = mlflow.data.from_pandas(features.assign(churned=target), name="churn-eval")
            mlflow.log_input(held_out, context="evaluation")
        mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(features, model.predict(features)),
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    return LoggedRun(run_id=run.info.run_id, model_uri=f"runs:/{run.info.run_id}/model")


def register(tracking_uri: str, run: LoggedRun, name: str, *, alias: str | None = None) -> str:
    """Register ``run``'s model as a version of ``name`` with MLflow's own API (not mlgate's)."""
    import mlflow
    from mlflow.tracking import MlflowClient

    mlflow.set_tracking_uri(tracking_uri)
    version = str(mlflow.register_model(run.model_uri, name).version)
    if alias:
        MlflowClient(tracking_uri).set_registered_model_alias(name, alias, version)
    return version


@functools.cache
def _empty_store() -> bytes:
    """An empty MLflow sqlite store's bytes, its tables migrated (about 2 s, once per process)."""
    import tempfile

    from mlflow.tracking import MlflowClient

    with tempfile.TemporaryDirectory() as scratch:
        MlflowClient(f"sqlite:///{scratch}/mlflow.db").search_experiments()
        return Path(scratch, "mlflow.db").read_bytes()


def migrated_sqlite_store(folder: Path) -> str:
    """``folder``/mlflow.db, an empty MLflow sqlite store as MLflow creates it, copied from
    ``_empty_store``; its default experiment's artifacts go under ``folder``/mlruns, as when
    created there."""
    import sqlite3

    path = folder / "mlflow.db"
    path.write_bytes(_empty_store())
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE experiments SET artifact_location = ? WHERE experiment_id = 0",
            ((folder / "mlruns").resolve().as_uri(),),
        )
    return f"sqlite:///{path}"


def evaluated_store(
    folder: Path,
    model: str,
    *,
    commit: str,
    config: str = "",
    verdict: Path | None = None,
    run_id: int | None = None,
) -> tuple[str, str]:
    """A local sqlite registry in ``folder`` (with an mlgate.yml gating accuracy, plus
    ``config``): production at 0.90 holding @champion, and a candidate at 0.92 that
    `mlgate evaluate` passed and recorded for ``commit``. Returns (tracking URI, version)."""
    uri = migrated_sqlite_store(folder)
    (folder / "mlgate.yml").write_text(
        f"model: {model}\nmetrics:\n  accuracy: {{max_drop: 0.05}}\n{config}"
    )
    register(uri, log_run(uri, metrics={"accuracy": 0.9}), model, alias="champion")
    candidate = register(uri, log_run(uri, metrics={"accuracy": 0.92}), model)
    evaluate_version(uri, model, candidate, commit=commit, verdict=verdict, run_id=run_id)
    return uri, candidate


def evaluate_version(
    uri: str,
    model: str,
    version: str,
    *,
    commit: str,
    verdict: Path | None = None,
    run_id: int | None = None,
    pipeline_id: int | None = None,
) -> None:
    """`mlgate evaluate` on ``models:/model/version`` for ``commit``, outside any CI — or,
    with ``run_id``, as GitHub Actions run ``run_id``, with ``pipeline_id`` as GitLab
    pipeline ``pipeline_id`` (recorded with the verdict)."""
    from click.testing import CliRunner

    from mlgate.cli import cli

    out = ["--out", str(verdict)] if verdict is not None else []
    result = CliRunner().invoke(
        cli,
        [
            "evaluate",
            "--tracking-uri",
            uri,
            "--candidate",
            f"models:/{model}/{version}",
            "--commit",
            commit,
            *out,
            "--print",
            "none",
        ],
        env=(
            {"GITHUB_ACTIONS": "", "GITLAB_CI": "true", "CI_PIPELINE_ID": str(pipeline_id)}
            if pipeline_id is not None
            else {"GITHUB_ACTIONS": "", "GITLAB_CI": ""}
            if run_id is None
            else {"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": str(run_id), "GITLAB_CI": ""}
        ),
    )
    assert result.exit_code == 0, result.output


def FailingWritesProxy(upstream: str, fail_on: str, *, allow_first: int = 0) -> FaultyProxy:
    """A loopback HTTP proxy in front of the real server that answers 503 to every write
    whose path contains ``fail_on`` (after ``allow_first`` of them) — a registry that goes
    down mid-run, for real clients."""
    proxy = FaultyProxy(upstream)
    proxy.fail(
        "POST", "PUT", "PATCH", "DELETE", path=re.escape(fail_on), status=503, skip=allow_first
    )
    return proxy
