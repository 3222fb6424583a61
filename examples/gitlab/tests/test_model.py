"""Behavioural tests of the trained churn model, run in CI against the candidate:

    MODEL_URI=runs:/<run id>/model pytest tests/

Each test states something the model must do whatever its aggregate metrics say.
"""

from __future__ import annotations

import os

import mlflow.pyfunc
import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def model() -> mlflow.pyfunc.PyFuncModel:
    uri = os.environ.get("MODEL_URI")
    if not uri:
        pytest.fail("set MODEL_URI to the candidate model, e.g. runs:/<run id>/model")
    return mlflow.pyfunc.load_model(uri)


def customers(**columns: list[float]) -> pd.DataFrame:
    base = {"tenure_months": 24.0, "monthly_charges": 70.0, "support_calls": 1.0,
            "contract_years": 1.0}
    rows = max(len(values) for values in columns.values())
    return pd.DataFrame({name: columns.get(name, [value] * rows) for name, value in base.items()})


def test_loyal_customers_are_not_predicted_to_churn(model: mlflow.pyfunc.PyFuncModel) -> None:
    loyal = customers(tenure_months=[60.0, 66.0, 71.0], contract_years=[2.0, 2.0, 2.0],
                      support_calls=[0.0, 0.0, 1.0])
    assert list(model.predict(loyal)) == [0, 0, 0]


def test_many_support_calls_mean_churn(model: mlflow.pyfunc.PyFuncModel) -> None:
    unhappy = customers(tenure_months=[2.0, 3.0], support_calls=[7.0, 9.0],
                        contract_years=[0.0, 0.0], monthly_charges=[95.0, 110.0])
    assert list(model.predict(unhappy)) == [1, 1]


def test_prediction_ignores_cents(model: mlflow.pyfunc.PyFuncModel) -> None:
    """Invariance: rounding the monthly charge to whole units changes no prediction."""
    rng = np.random.default_rng(0)
    charges = rng.normal(70, 20, 200)
    exact = customers(monthly_charges=list(charges), tenure_months=list(rng.integers(1, 72, 200).astype(float)))
    rounded = exact.assign(monthly_charges=exact["monthly_charges"].round())
    changed = int((model.predict(exact) != model.predict(rounded)).sum())
    assert changed <= 2, f"{changed} of 200 predictions changed when charges were rounded"
