"""The canary's numbers: histogram quantiles as Prometheus's histogram_quantile computes
them, raw values binned without moving the quantile, and unpaired intervals that cover
an unchanged canary at their stated rate."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlgate.core.stats.canary import Histogram, error_rate, latency, quantile, raw_histograms

BOUNDS = (0.1, 0.25, 0.5, 1.0, math.inf)


def test_quantiles_interpolate_inside_the_bucket_as_prometheus_does() -> None:
    hist = Histogram(bounds=BOUNDS, cumulative=(50, 80, 95, 100, 100))
    assert quantile(hist, 0.5) == (pytest.approx(0.1), False)
    # 0.9 × 100 = 90: the 10th of the 15 requests in (0.25, 0.5]
    assert quantile(hist, 0.9)[0] == pytest.approx(0.25 + 10 / 15 * 0.25)
    assert quantile(hist, 0.25)[0] == pytest.approx(0.05)  # the first bucket starts at 0


def test_a_quantile_in_the_inf_bucket_is_the_highest_bound_and_censored() -> None:
    hist = Histogram(bounds=BOUNDS, cumulative=(10, 20, 30, 40, 100))
    assert quantile(hist, 0.95) == (1.0, True)


def test_raw_values_binned_keep_their_quantiles() -> None:
    rng = np.random.default_rng(3)
    stable, canary = rng.lognormal(0, 1, 50_000), rng.lognormal(0.2, 1, 20_000)
    hists = raw_histograms(stable, canary)
    for hist, values in zip(hists, (stable, canary), strict=True):
        assert hist.total == len(values)
        for q in (0.5, 0.95, 0.99):
            assert quantile(hist, q)[0] == pytest.approx(np.quantile(values, q), rel=0.01)


def test_no_traffic_is_nothing_to_judge() -> None:
    empty = Histogram(bounds=BOUNDS, cumulative=(0, 0, 0, 0, 0))
    full = Histogram(bounds=BOUNDS, cumulative=(50, 80, 95, 100, 100))
    rng = np.random.default_rng(0)
    found = latency("latency_p95", 0.95, full, empty, confidence=0.95, resamples=200, rng=rng)
    assert found.missing == "no traffic to the canary"
    assert error_rate((3, 100), (0, 0), confidence=0.95).missing == "no traffic to the canary"


def test_a_handful_of_requests_is_not_judged_but_says_what_would_be() -> None:
    found = error_rate((30, 3000), (2, 40), confidence=0.95)
    assert found.interval is None and found.wanting == 60
    assert "at least 100" in (found.missing or "")


def test_intervals_cover_an_unchanged_canary() -> None:
    rng = np.random.default_rng(11)
    covered_rate = covered_p95 = 0
    runs = 120
    for _ in range(runs):
        errors = rng.binomial(4000, 0.01), rng.binomial(1000, 0.01)
        rate = error_rate((errors[0], 4000), (errors[1], 1000), confidence=0.9)
        covered_rate += rate.interval.low <= 0 <= rate.interval.high  # type: ignore[union-attr]
        hists = raw_histograms(rng.exponential(1, 4000), rng.exponential(1, 1000))
        p95 = latency("latency_p95", 0.95, *hists, confidence=0.9, resamples=200, rng=rng)
        covered_p95 += p95.interval.low <= 0 <= p95.interval.high  # type: ignore[union-attr]
    # 90% intervals over 120 runs: a binomial's 99.9% range is about 0.81–0.99.
    assert 0.8 <= covered_rate / runs <= 0.99
    assert 0.8 <= covered_p95 / runs <= 0.99
