"""Two-sample intervals against published values and scipy, and the sketch's stated bound
held against exact counts."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mlgate.core.stats.distance import quantile_edges
from mlgate.core.stats.sketch import QuantileSketch, quantile_edges_weighted
from mlgate.core.stats.unpaired import auc_and_variance, newcombe, wilson


@pytest.mark.parametrize(("x", "n"), [(81, 263), (0, 20), (20, 20), (1, 2), (450, 1000)])
def test_wilson_matches_scipy(x: int, n: int) -> None:
    expected = stats.binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson(x, n, confidence=0.95)
    assert low == pytest.approx(expected.low, abs=1e-9)
    assert high == pytest.approx(expected.high, abs=1e-9)


def test_newcombe_reproduces_his_worked_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80,
    # method 10 (hybrid score): 0.0524 to 0.3339.
    interval = newcombe((56, 70), (48, 80), at=0.0, confidence=0.95)
    assert interval.low == pytest.approx(0.0524, abs=1e-4)
    assert interval.high == pytest.approx(0.3339, abs=1e-4)
    assert interval.method == "Newcombe (Wilson)" and interval.p_value < 0.05


def test_a_fixed_reference_shifts_the_live_wilson_interval() -> None:
    interval = newcombe((850, 1000), None, at=0.9, confidence=0.95)
    low, high = wilson(850, 1000, confidence=0.95)
    assert (interval.low, interval.high) == pytest.approx((low - 0.9, high - 0.9))
    assert interval.method == "Wilson"


def test_newcombe_covers_the_true_difference_about_as_often_as_it_says() -> None:
    rng = np.random.default_rng(0)
    covered = 0
    for _ in range(2000):
        a, b = rng.binomial(400, 0.85), rng.binomial(600, 0.88)
        interval = newcombe((int(a), 400), (int(b), 600), at=0.0, confidence=0.95)
        covered += interval.low <= -0.03 <= interval.high
    assert 0.93 <= covered / 2000 <= 0.97


def test_delong_variance_matches_the_spread_of_auc_over_samples() -> None:
    rng = np.random.default_rng(1)
    aucs, variances = [], []
    for _ in range(300):
        labels = rng.integers(0, 2, 500)
        scores = rng.normal(labels * 1.0, 1.0)
        auc, variance = auc_and_variance(labels == 1, scores)
        aucs.append(auc)
        variances.append(variance)
    assert np.var(aucs) == pytest.approx(np.mean(variances), rel=0.25)


def test_the_sketch_is_exact_while_it_fits() -> None:
    rng = np.random.default_rng(2)
    sketch = QuantileSketch(capacity=10_000)
    values = rng.normal(size=8_000)
    for part in np.array_split(values, 4):
        sketch.add(part)
    assert sketch.exact and sketch.count == 8_000
    assert np.array_equal(sketch.sorted_values(), np.sort(values))
    points, cumulative = sketch.points()
    assert np.array_equal(
        quantile_edges_weighted(points, cumulative, 10), quantile_edges(np.sort(values), 10)
    )


@pytest.mark.parametrize("ties", [False, True])
def test_a_compacted_sketch_stays_within_its_stated_error(ties: bool) -> None:
    rng = np.random.default_rng(3)
    values = rng.gamma(2.0, 1.0, 200_000)
    if ties:
        values = np.round(values, 1)
    sketch = QuantileSketch(capacity=5_000)
    other = QuantileSketch(capacity=5_000)
    for i, part in enumerate(np.array_split(values, 37)):
        (sketch if i % 2 else other).add(part)
    sketch.merge(other)
    assert not sketch.exact and sketch.count == len(values)
    assert sketch.error / sketch.count < 0.01
    points, cumulative = sketch.points()
    probes = np.quantile(values, np.linspace(0, 1, 500))
    ordered = np.sort(values)
    true = np.searchsorted(ordered, probes, side="right")
    estimated = np.where(
        np.searchsorted(points, probes, side="right") > 0,
        cumulative[np.maximum(np.searchsorted(points, probes, side="right") - 1, 0)],
        0,
    )
    assert np.abs(estimated - true).max() < sketch.error
    assert cumulative[-1] == pytest.approx(len(values))
