"""The demo's model tests: what `mlgate demo` runs against its candidate with
`mlgate test` (the same file a user would keep in their repository's tests/ folder)."""

from __future__ import annotations

from typing import Any

import pytest

from mlgate.testing import (
    assert_directional,
    assert_invariant,
    assert_latency,
    assert_no_regression,
    assert_size,
)

LABEL = "benign"


@pytest.fixture(scope="session")
def features(eval_data: Any) -> Any:
    return eval_data.drop(columns=[LABEL])


@pytest.mark.model_test(critical=True, tags=["robustness"])
def test_measurement_noise_changes_nothing(candidate_model: Any, features: Any) -> None:
    """A part-per-million calibration drift in every measurement changes no diagnosis."""
    assert_invariant(candidate_model, features, lambda data: data * (1 + 1e-6))


@pytest.mark.model_test(critical=True, tags=["robustness"])
def test_larger_concave_points_never_look_more_benign(candidate_model: Any, features: Any) -> None:
    """Directional: a larger worst concave-points value must not raise P(benign)."""
    probability = candidate_model.get_raw_model().predict_proba
    assert_directional(
        candidate_model,
        features,
        lambda data: data.assign(**{"worst concave points": data["worst concave points"] * 1.5}),
        direction="down",
        predict=lambda data: probability(data)[:, 1],
    )


@pytest.mark.model_test(critical=True, tags=["golden"])
def test_keeps_what_production_gets_right(
    candidate_model: Any, baseline_model: Any, eval_data: Any
) -> None:
    """What production diagnoses right, the candidate keeps (2% of those may flip)."""
    assert_no_regression(candidate_model, baseline_model, eval_data, LABEL, max_new_error_rate=0.02)


@pytest.mark.model_test(critical=False, tags=["budget"])
def test_single_prediction_latency(candidate_model: Any, features: Any) -> None:
    assert_latency(candidate_model, features, p95_ms=50, calls=100, warmup=10)


@pytest.mark.model_test(critical=False, tags=["budget"])
def test_model_size(candidate_model: Any) -> None:
    assert_size(candidate_model, max_mb=1)
