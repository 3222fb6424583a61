"""Verdicts of the quick-start example (examples/quickstart), for the tests of what
renders, publishes or promotes a verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.core.compare import compare
from mlgate.core.verdict import Verdict
from mlgate.files.config import load_config
from mlgate.files.metrics import load_metric_set

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"


def quickstart_verdict(candidate: str, *, baseline: bool = True) -> Verdict:
    config = load_config(QUICKSTART / "mlgate.yml")
    return compare(
        candidate=load_metric_set(QUICKSTART / candidate, role="candidate"),
        baseline=load_metric_set(QUICKSTART / "production.json", role="baseline")
        if baseline
        else None,
        policy=config.policy(),
        created_at="2026-11-27T00:00:00Z",
        mlgate_version="0.0.0-test",
    )


@pytest.fixture
def passing() -> Verdict:
    return quickstart_verdict("candidate.json")


@pytest.fixture
def failing() -> Verdict:
    return quickstart_verdict("candidate-regressed.json")


@pytest.fixture
def first_model() -> Verdict:
    return quickstart_verdict("candidate.json", baseline=False)
