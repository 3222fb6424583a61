"""Helpers for model tests, with failure messages that say which examples broke the
expectation, how many, and by how much. Use them with mlgate's pytest plugin (fixtures
``candidate_model``, ``baseline_model``, ``eval_data``; marker ``model_test``)::

    from mlgate.testing import assert_invariant

    @pytest.mark.model_test(critical=True, tags=["robustness"])
    def test_rounding_charges_changes_nothing(candidate_model, eval_data):
        assert_invariant(candidate_model, eval_data,
                         lambda d: d.assign(monthly_charges=d.monthly_charges.round()))

Every helper works on any object with a ``predict`` method (MLflow pyfunc models,
scikit-learn estimators) or on ``predict=`` given explicitly, and returns what it measured.
"""

from __future__ import annotations

from typing import Any

from mlgate.testing.behaviour import (
    BehaviourResult,
    Case,
    assert_cases,
    assert_directional,
    assert_invariant,
)
from mlgate.testing.budgets import (
    LatencyStats,
    SizeStats,
    assert_latency,
    assert_size,
    measure_latency,
    model_size,
)
from mlgate.testing.golden import GoldenResult, assert_no_regression
from mlgate.testing.predictions import ModelTestFailure

__all__ = [
    "BehaviourResult",
    "Case",
    "GoldenResult",
    "LatencyStats",
    "ModelTestFailure",
    "SizeStats",
    "assert_cases",
    "assert_directional",
    "assert_invariant",
    "assert_latency",
    "assert_no_regression",
    "assert_size",
    "load_model",
    "measure_latency",
    "model_size",
]


def load_model(uri: str, *, workdir: str | None = None) -> Any:
    """An MLflow pyfunc model from a run id, runs:/, models:/ URI or folder, remembered
    so that :func:`model_size` can measure it. The fixtures use this."""
    import tempfile
    from pathlib import Path

    from mlgate.adapters.models import load_model as load
    from mlgate.adapters.models import resolve_uri

    folder = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="mlgate-model-"))
    return load(resolve_uri(uri), workdir=folder).model
