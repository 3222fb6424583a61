"""Model tests of the churn classifier, run by `mlgate test` against the candidate:

    mlgate test --candidate runs:/<run id>/model

mlgate's pytest plugin gives the fixtures: candidate_model (the model under test),
baseline_model (the version holding the production alias; tests that need it are skipped
while there is none) and eval_data (data/golden.csv, from tests.data in mlgate.yml). A
failing critical test fails the gate; a failing non-critical one is a warning.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from mlgate.testing import (
    Case,
    assert_cases,
    assert_directional,
    assert_invariant,
    assert_latency,
    assert_no_regression,
    assert_size,
)

LABEL = "churned"


@pytest.fixture(scope="session")
def customers(eval_data: pd.DataFrame) -> pd.DataFrame:
    return eval_data.drop(columns=[LABEL])


def churn_probability(model: Any) -> Any:
    """Scores for directional tests: the probability of churn, not the 0/1 label."""
    return lambda data: model.get_raw_model().predict_proba(data)[:, 1]


@pytest.mark.model_test(critical=True, tags=["checklist"])
def test_obvious_customers(candidate_model: Any) -> None:
    """Minimum functionality: cases any churn model must get right."""
    loyal = {
        "tenure_months": 66.0,
        "monthly_charges": 55.0,
        "support_calls": 0.0,
        "contract_years": 2.0,
    }
    unhappy = {
        "tenure_months": 2.0,
        "monthly_charges": 105.0,
        "support_calls": 8.0,
        "contract_years": 0.0,
    }
    assert_cases(
        candidate_model,
        [
            Case("loyal two-year customer", loyal, 0),
            Case("loyal, one support call", {**loyal, "support_calls": 1.0}, 0),
            Case("new, expensive, many support calls", unhappy, 1),
            Case("new, many calls, cheap plan", {**unhappy, "monthly_charges": 60.0}, 1),
        ],
    )


@pytest.mark.model_test(critical=True, tags=["robustness"])
def test_cents_do_not_matter(candidate_model: Any, customers: pd.DataFrame) -> None:
    """Invariance: rounding the monthly charge to whole units changes (almost) nothing."""
    assert_invariant(
        candidate_model,
        customers,
        lambda data: data.assign(monthly_charges=data["monthly_charges"].round()),
        max_changed_fraction=0.01,
        name="monthly charges rounded",
    )


@pytest.mark.model_test(critical=True, tags=["robustness"])
def test_more_support_calls_never_lower_the_churn_risk(
    candidate_model: Any, customers: pd.DataFrame
) -> None:
    """Directional expectation: an extra support call must not make churn less likely."""
    assert_directional(
        candidate_model,
        customers,
        lambda data: data.assign(support_calls=data["support_calls"] + 1),
        direction="up",
        predict=churn_probability(candidate_model),
        name="one more support call",
    )


@pytest.mark.model_test(critical=True, tags=["golden"])
def test_no_regression_on_the_golden_set(
    candidate_model: Any, baseline_model: Any, eval_data: pd.DataFrame
) -> None:
    """What production gets right on the golden set, the candidate keeps (2% slack)."""
    assert_no_regression(candidate_model, baseline_model, eval_data, LABEL, max_new_error_rate=0.02)


@pytest.mark.model_test(critical=False, tags=["budget"])
def test_single_prediction_latency(candidate_model: Any, customers: pd.DataFrame) -> None:
    """Online scoring: one customer at a time, p95 within 50 ms."""
    assert_latency(candidate_model, customers, p95_ms=50, calls=200, warmup=20)


@pytest.mark.model_test(critical=False, tags=["budget"])
def test_model_size(candidate_model: Any) -> None:
    assert_size(candidate_model, max_mb=5)
