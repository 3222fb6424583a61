"""The numbers mean what they say, through `mlgate evaluate` against a real MLflow server,
on scikit-learn's own data sets: a worse regressor is blocked whatever its metric is
called, whole-number targets with fractional predictions are regression, a mislabelled
logged metric is said, and versions whose data cannot be shown to be the same are refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import Result
from registry_helpers import LoggedRun, register

import mlgate

Evaluate = Callable[..., Result]  # the `evaluate` fixture (conftest.py)


@pytest.fixture(scope="module")
def diabetes() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Diabetes, whose targets are whole numbers: (train, test)."""
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    data = load_diabetes(as_frame=True).frame
    train, test = train_test_split(data, test_size=0.3, random_state=0)
    return train, test


def regressor(
    server: str,
    split: tuple[pd.DataFrame, pd.DataFrame],
    *,
    dummy: bool,
    logged_metrics: dict[str, float] | None = None,
    dataset: bool = True,
    rows: slice = slice(None),
) -> str:
    """A user's evaluation script for a Ridge (or a DummyRegressor): metrics, the data as
    the run's evaluation dataset (``dataset``), per-example predictions on ``rows``."""
    import mlflow
    import sklearn
    from mlflow.models import infer_signature
    from sklearn.dummy import DummyRegressor
    from sklearn.linear_model import Ridge
    from sklearn.metrics import mean_absolute_error, root_mean_squared_error

    train, test = split
    features = [c for c in train.columns if c != "target"]
    model = (DummyRegressor() if dummy else Ridge(alpha=0.1)).fit(train[features], train["target"])
    test = test.iloc[rows]
    predicted = model.predict(test[features])
    mlflow.set_tracking_uri(server)
    mlflow.set_experiment("mlgate-numbers")
    with mlflow.start_run() as run:
        mlflow.log_metrics(
            logged_metrics
            or {
                "eval_rmse": float(root_mean_squared_error(test["target"], predicted)),
                "eval_mae": float(mean_absolute_error(test["target"], predicted)),
            }
        )
        if dataset:
            mlflow.log_input(mlflow.data.from_pandas(test, name="diabetes-test"), context="test")
        mlgate.log_predictions(test.index, test["target"], predictions=predicted)
        mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(test[features], predicted),
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    return str(run.info.run_id)


def version(server: str, name: str, run_id: str, *, alias: str | None = None) -> str:
    return register(server, LoggedRun(run_id, f"runs:/{run_id}/model"), name, alias=alias)


def configure(workdir: Path, model: str, rules: str, extra: str = "") -> None:
    (workdir / "mlgate.yml").write_text(
        f"model: {model}\nmetric_prefix: eval_\nmetrics:\n{rules}{extra}"
    )


def verdict(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLGATE_HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.mark.parametrize("rule", ["rmse: {max_rise: 3}", "root_mean_squared_error: {max_rise: 3}"])
def test_a_dummy_regressor_is_blocked_as_regression(
    workdir: Path,
    evaluate: Evaluate,
    mlflow_server: str,
    model_name: str,
    diabetes: Any,
    rule: str,
) -> None:
    version(
        mlflow_server, model_name, regressor(mlflow_server, diabetes, dummy=False), alias="champion"
    )
    candidate = version(mlflow_server, model_name, regressor(mlflow_server, diabetes, dummy=True))
    configure(workdir, model_name, f"  {rule}\n")
    result = evaluate("--candidate", f"models:/{model_name}/{candidate}")
    assert result.exit_code == 1, result.output
    found = verdict(result)
    name = rule.split(":", maxsplit=1)[0]
    row = {r["name"]: r for r in found["metrics"]}[name]
    assert row["status"] == "fail" and row["source"] == "logged_predictions"
    assert row["candidate"] > row["baseline"] * 1.2  # RMSE about 29% worse
    assert row["ci"]["low"] > 3  # significantly beyond the tolerance
    assert found["evidence"]["source"] == "logged_predictions"
    assert "improved" not in (workdir / "report.md").read_text().splitlines()[1]


def test_a_first_version_is_checked_on_the_computed_numbers_and_a_mislabelled_metric_is_said(
    workdir: Path, evaluate: Evaluate, mlflow_server: str, model_name: str, diabetes: Any
) -> None:
    # The evaluation script logged the MSE as eval_rmse by mistake.
    run = regressor(mlflow_server, diabetes, dummy=False, logged_metrics={"eval_rmse": 3125.0})
    first = version(mlflow_server, model_name, run)
    configure(workdir, model_name, "  rmse: {max: 100}\n", "approval: {allow_no_baseline: true}\n")
    result = evaluate("--candidate", f"models:/{model_name}/{first}")
    assert result.exit_code == 0, result.output
    found = verdict(result)
    row = {r["name"]: r for r in found["metrics"]}["rmse"]
    assert 50 < row["candidate"] < 60, "the computed RMSE decides, not the logged 3,125"
    (check,) = [c for c in found["checks"] if c["name"] == "logged metrics"]
    assert check["status"] == "warn"
    assert check["summary"].startswith("rmse logged 3,125 ≠ ")


def test_versions_that_record_no_data_and_predicted_other_examples_are_refused(
    workdir: Path, evaluate: Evaluate, mlflow_server: str, model_name: str, diabetes: Any
) -> None:
    production = regressor(mlflow_server, diabetes, dummy=False, dataset=False, rows=slice(0, 80))
    version(mlflow_server, model_name, production, alias="champion")
    ours = regressor(mlflow_server, diabetes, dummy=False, dataset=False, rows=slice(40, 120))
    candidate = version(mlflow_server, model_name, ours)
    configure(workdir, model_name, "  rmse: {max_rise: 3}\n")
    result = evaluate("--candidate", f"models:/{model_name}/{candidate}")
    assert result.exit_code == 1, result.output
    data = verdict(result)["data"]
    assert data["outcome"] == "refused"
    assert data["candidate"]["origin"] == "predictions"
    assert "logged predictions' ids and labels differ" in data["reason"]


def test_versions_that_record_no_data_but_predicted_the_same_examples_are_paired(
    workdir: Path, evaluate: Evaluate, mlflow_server: str, model_name: str, diabetes: Any
) -> None:
    production = regressor(mlflow_server, diabetes, dummy=False, dataset=False)
    version(mlflow_server, model_name, production, alias="champion")
    candidate = version(
        mlflow_server, model_name, regressor(mlflow_server, diabetes, dummy=True, dataset=False)
    )
    configure(workdir, model_name, "  rmse: {max_rise: 3}\n")
    result = evaluate("--candidate", f"models:/{model_name}/{candidate}")
    assert result.exit_code == 1, result.output
    found = verdict(result)
    assert found["data"]["outcome"] == "same"
    assert found["data"]["confirmed"] == "the logged predictions' ids and labels"
    assert found["evidence"]["source"] == "logged_predictions"
    # without predictions to identify them, the same runs would be refused by default
    configure(workdir, model_name, "  rmse: {max_rise: 3}\n", "evaluation: {predictions: off}\n")
    refused = evaluate("--candidate", f"models:/{model_name}/{candidate}")
    summary = {c["name"]: c for c in verdict(refused)["checks"]}["evaluation data"]
    assert summary["status"] == "fail" and "evaluation.require: false" in summary["summary"]
