"""Drift statistics against scipy (KS, chi-squared, Jensen–Shannon, the distributions'
tails) and PSI against sums worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from mlgate.core.stats.distance import (
    bin_counts,
    chi2_sf,
    chi_squared,
    jensen_shannon,
    kolmogorov_sf,
    kolmogorov_smirnov,
    psi,
    quantile_edges,
    uniform_edges,
)


def _samples(seed: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 400)), int(rng.integers(1, 400))
    first = rng.normal(size=n)
    second = rng.normal(rng.normal() * 0.5, 1, size=m)
    if kind == "coarse":  # many ties, within and across the samples
        first, second = np.round(first), np.round(second)
    elif kind == "fine":
        first, second = np.round(first, 1), np.round(second * 2, 1)
    elif kind == "shared":  # some values of one sample repeated in the other
        second = np.concatenate([second, first[:5]])
    return first, second


@pytest.mark.parametrize("kind", ["continuous", "coarse", "fine", "shared"])
@pytest.mark.parametrize("seed", range(25))
def test_ks_statistic_equals_scipy(kind: str, seed: int) -> None:
    first, second = _samples(seed, kind)
    ours = kolmogorov_smirnov(np.sort(first), np.sort(second))
    theirs = stats.ks_2samp(first, second)
    assert ours.statistic == pytest.approx(theirs.statistic, abs=1e-12)


@pytest.mark.parametrize(
    "low, high, tolerance", [(100, 1000, 0.025), (1000, 5000, 0.01), (20_000, 30_000, 0.003)]
)
def test_ks_p_value_agrees_with_scipy(low: int, high: int, tolerance: float) -> None:
    """Stephens' corrected limit against scipy's exact (small) or asymptotic (large) p."""
    for seed in range(20):
        rng = np.random.default_rng(seed)
        n, m = int(rng.integers(low, high)), int(rng.integers(low, high))
        first, second = rng.normal(size=n), rng.normal(rng.uniform(0, 0.3), 1, size=m)
        ours = kolmogorov_smirnov(np.sort(first), np.sort(second))
        root = math.sqrt(n * m / (n + m))
        corrected = (root + 0.12 + 0.11 / root) * ours.statistic
        assert ours.p_value == pytest.approx(stats.kstwobign.sf(corrected), rel=1e-9, abs=1e-15)
        assert ours.p_value == pytest.approx(stats.ks_2samp(first, second).pvalue, abs=tolerance)


def test_ks_of_an_empty_side_is_undefined() -> None:
    result = kolmogorov_smirnov(np.array([]), np.array([1.0, 2.0]))
    assert math.isnan(result.statistic) and math.isnan(result.p_value)


@pytest.mark.parametrize("x", [0.0, 0.05, 0.3, 0.5, 0.8, 1.0, 1.17, 1.18, 1.19, 1.5, 2.0, 3.0, 5.0])
def test_kolmogorov_tail_equals_scipy(x: float) -> None:
    assert kolmogorov_sf(x) == pytest.approx(stats.kstwobign.sf(x), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(
    "statistic, dof",
    [(0.001, 4), (0.5, 1), (3.0, 2), (10.0, 5), (30.0, 3), (100.0, 50), (1000.0, 900), (5.0, 40)],
)
def test_chi2_tail_equals_scipy(statistic: float, dof: int) -> None:
    assert chi2_sf(statistic, dof) == pytest.approx(
        stats.chi2.sf(statistic, dof), rel=1e-9, abs=1e-14
    )


@pytest.mark.parametrize(
    "reference, current",
    [
        ([100, 200, 0, 50], [120, 150, 10, 60]),
        ([5, 5], [50, 1]),
        ([1000, 2000, 3000, 4000, 5000], [1100, 1900, 3100, 3900, 5000]),
    ],
)
def test_chi_squared_equals_scipy_contingency(reference: list[int], current: list[int]) -> None:
    ours = chi_squared(np.array(reference), np.array(current))
    table = np.array([reference, current])
    table = table[:, table.sum(axis=0) > 0]
    theirs = stats.chi2_contingency(table, correction=False)
    assert ours.statistic == pytest.approx(theirs.statistic)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-15)


def test_chi_squared_with_one_category_is_no_evidence() -> None:
    assert chi_squared(np.array([10, 0]), np.array([20, 0])).p_value == 1.0


@pytest.mark.parametrize(
    "reference, current",
    [([1, 2, 3], [3, 2, 1]), ([10, 0, 5], [0, 10, 5]), ([1, 1], [1, 1]), ([7, 0], [0, 3])],
)
def test_jensen_shannon_equals_scipy_base_2(reference: list[int], current: list[int]) -> None:
    ours = jensen_shannon(np.array(reference), np.array(current))
    assert ours == pytest.approx(jensenshannon(reference, current, base=2), abs=1e-12)


def test_psi_by_hand() -> None:
    # shares 0.25/0.25/0.5 → 0.5/0.25/0.25:
    # (0.5−0.25)·ln(2) + 0 + (0.25−0.5)·ln(0.5) = 0.25·ln 2 + 0.25·ln 2 = 0.5·ln 2
    assert psi(np.array([25, 25, 50]), np.array([50, 25, 25])) == pytest.approx(0.5 * math.log(2))
    assert psi(np.array([10, 20, 30]), np.array([10, 20, 30])) == 0.0


def test_psi_counts_an_empty_bin_as_epsilon() -> None:
    # current bin 3 is empty: it counts as 0.0001 of the sample.
    ref = np.array([0.5, 0.25, 0.25])
    cur = np.array([0.5, 0.5, 0.0001])
    expected = float(np.sum((cur - ref) * np.log(cur / ref)))
    assert psi(np.array([2, 1, 1]), np.array([1, 1, 0])) == pytest.approx(expected)


def test_psi_empty_bin_stays_smaller_than_a_tiny_one() -> None:
    # one bin holds 1 in a million, less than ε: the empty one counts a millionth of that.
    reference = np.array([999_999, 1, 0])
    current = np.array([999_998, 1, 1])
    ref = np.array([0.999999, 1e-6, 1e-12])
    cur = np.array([0.999998, 1e-6, 1e-6])
    assert psi(reference, current) == pytest.approx(float(np.sum((cur - ref) * np.log(cur / ref))))


def test_quantile_edges_are_the_reference_deciles_without_repeats() -> None:
    values = np.arange(100, dtype=float)
    edges = quantile_edges(values, 10)
    # positions 9.9, 19.8 … 89.1 of 0 … 99, rounded
    assert list(edges) == [10.0, 20.0, 30.0, 40.0, 50.0, 59.0, 69.0, 79.0, 89.0]
    assert list(bin_counts(values, edges)) == [10, 10, 10, 10, 10, 9, 10, 10, 10, 11]


def test_few_distinct_values_get_a_bin_each() -> None:
    flag = np.sort(np.array([0.0] * 90 + [1.0] * 10))
    assert list(quantile_edges(flag, 10)) == [1.0]
    assert list(bin_counts(flag, quantile_edges(flag, 10))) == [90, 10]
    shifted = np.sort(np.array([0.0] * 50 + [1.0] * 50))
    assert psi(bin_counts(flag, [1.0]), bin_counts(shifted, [1.0])) == pytest.approx(
        (0.5 - 0.9) * math.log(0.5 / 0.9) + (0.5 - 0.1) * math.log(0.5 / 0.1)
    )


def test_uniform_edges_count_like_numpy_histogram() -> None:
    rng = np.random.default_rng(3)
    a, b = np.sort(rng.normal(size=5000)), np.sort(rng.normal(0.3, 1.2, size=4000))
    edges = uniform_edges(a, b, None)  # Sturges over 9,000 values: 15 bins
    assert len(edges) == 14
    full = np.histogram_bin_edges(np.concatenate([a, b]), bins="sturges")
    assert list(bin_counts(a, edges)) == list(np.histogram(a, full)[0])
    assert list(bin_counts(b, edges)) == list(np.histogram(b, full)[0])
