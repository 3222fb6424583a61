"""Paired proportions at the edges: no disagreement is not certainty."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.core.stats.intervals import confusion_intervals
from mlgate.core.stats.paired_proportions import (
    mcnemar_exact,
    mover,
    newcombe_paired,
    table_from_cube,
)


def test_no_disagreement_on_54_examples_allows_about_six_points() -> None:
    found = newcombe_paired(54, 0, 0, 0, confidence=0.95)
    assert found.low == pytest.approx(-0.0664, abs=1e-3)
    assert found.high == pytest.approx(0.0664, abs=1e-3)
    assert found.p_value == 1.0


def test_one_disagreement_is_not_an_interval_that_ends_at_zero() -> None:
    found = newcombe_paired(53, 0, 1, 0, confidence=0.95)
    assert found.low < -0.0185 < 0 < found.high


@pytest.mark.parametrize(
    ("b", "c", "p"),
    [(0, 0, 1.0), (0, 5, 0.0625), (1, 10, 0.01171875), (5, 5, 1.0)],
)
def test_exact_mcnemar(b: int, c: int, p: float) -> None:
    assert mcnemar_exact(b, c) == pytest.approx(p)
    assert mcnemar_exact(c, b) == pytest.approx(p)


def test_mcnemar_is_finite_for_many_discordant_pairs() -> None:
    assert 0 < mcnemar_exact(10_000, 10_300) < 0.05


def test_newcombe_agrees_with_the_bootstrap_where_models_disagree_often() -> None:
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, 3000)
    candidate = np.where(rng.random(3000) < 0.85, labels, 1 - labels)
    baseline = np.where(rng.random(3000) < 0.84, labels, 1 - labels)
    found = confusion_intervals(
        labels, candidate, baseline, classes=2, confidence=0.95, resamples=4000, seed=0
    )
    accuracy = found["accuracy"][1]
    assert accuracy.method == "Newcombe (paired score)"
    bootstrap = found["f1"][1]
    assert bootstrap.method == "multinomial bootstrap"
    width = accuracy.high - accuracy.low
    assert 0.03 < width < 0.05
    cube = np.bincount((labels * 2 + candidate) * 2 + baseline, minlength=8).reshape(2, 2, 2)
    a, b, c, d = table_from_cube(cube)
    assert (a + b + c + d) == 3000
    assert found["accuracy"][0] == pytest.approx((b - c) / 3000)


def test_identical_models_get_a_real_interval_for_every_proportion() -> None:
    labels = np.array([1] * 40 + [0] * 14)
    found = confusion_intervals(
        labels, labels, labels, classes=2, confidence=0.95, resamples=500, seed=0
    )
    for name in ("accuracy", "precision", "recall"):
        interval = found[name][1]
        assert interval.low < -0.02 and interval.high > 0.02, name


def test_mover_with_no_correlation_is_newcombes_unpaired_interval() -> None:
    low, high = mover((0.5, (0.4, 0.6)), (0.5, (0.45, 0.55)), correlation=0.0)
    assert low == pytest.approx(-((0.1**2 + 0.05**2) ** 0.5))
    assert high == pytest.approx((0.1**2 + 0.05**2) ** 0.5)


@given(st.integers(0, 300), st.integers(0, 30), st.integers(0, 30), st.integers(0, 300))
@settings(max_examples=300, deadline=None)
def test_the_interval_holds_the_estimate_and_stays_in_range(a: int, b: int, c: int, d: int) -> None:
    found = newcombe_paired(a, b, c, d, confidence=0.95)
    n = a + b + c + d
    delta = (b - c) / n if n else 0.0
    assert -1.0 <= found.low <= delta + 1e-12 <= found.high + 2e-12 <= 1.0 + 2e-12
    assert 0.0 <= (found.p_value or 0.0) <= 1.0
    if n and b == c == 0:
        assert found.low < 0 < found.high  # no disagreement is never certainty
