"""The counter-based Poisson(1) weights: the right distribution, a function of (seed,
resample, key) alone — so blocks and partitions do not change them — and sums that add."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlgate.core.stats.poisson import (
    POINT_BINS,
    auc_bound,
    auc_from_bins,
    poisson_weights,
    resampled_sums,
)


def test_the_weights_are_poisson_one() -> None:
    weights = poisson_weights(np.arange(20_000), seed=3, resamples=100)
    counts = np.bincount(weights.astype(int).ravel(), minlength=6)[:6] / weights.size
    expected = [math.exp(-1) / math.factorial(k) for k in range(6)]
    assert counts == pytest.approx(expected, abs=0.002)
    assert weights.mean() == pytest.approx(1.0, abs=0.005)
    assert weights.var() == pytest.approx(1.0, abs=0.01)


def test_the_weights_depend_on_seed_resample_and_key_only() -> None:
    keys = np.array([5, 17, 2**63 + 11], dtype=np.uint64)
    whole = poisson_weights(keys, seed=9, resamples=50)
    assert np.array_equal(whole[:, 20:30], poisson_weights(keys, seed=9, resamples=10, first=20))
    assert np.array_equal(whole[1:2], poisson_weights(keys[1:2], seed=9, resamples=50))
    assert not np.array_equal(whole, poisson_weights(keys, seed=10, resamples=50))


def test_sums_of_parts_equal_the_sums_of_the_whole() -> None:
    rng = np.random.default_rng(1)
    n = 3_000
    terms, keys = rng.random((n, 2)), np.arange(n, dtype=np.uint64)
    scores = (rng.random(n), rng.random(n))
    positive = rng.random(n) < 0.4
    whole = resampled_sums(terms, keys, seed=2, resamples=64, scores=scores, positive=positive)
    parts = [
        resampled_sums(terms[s], keys[s], seed=2, resamples=64,
                       scores=(scores[0][s], scores[1][s]), positive=positive[s])
        for s in (slice(0, 1000), slice(1000, n))
    ]  # fmt: skip
    parts[0].add(parts[1])
    for name in ("totals", "sums", "weights", "fine", "resampled"):
        assert np.allclose(getattr(parts[0], name), getattr(whole, name)), name


def test_the_binned_auc_is_within_its_bound_of_the_exact_one() -> None:
    from mlgate.core.stats.unpaired import auc_and_variance

    rng = np.random.default_rng(4)
    labels = rng.random(5_000) < 0.3
    scores = 1 / (1 + np.exp(-(labels * 1.5 + rng.normal(0, 1, 5_000))))
    bins = np.minimum((scores * POINT_BINS).astype(int), POINT_BINS - 1)
    negatives = np.bincount(bins[~labels], minlength=POINT_BINS)
    positives = np.bincount(bins[labels], minlength=POINT_BINS)
    exact, _ = auc_and_variance(labels, scores)
    assert abs(float(auc_from_bins(negatives, positives)) - exact) <= auc_bound(
        negatives, positives
    )
