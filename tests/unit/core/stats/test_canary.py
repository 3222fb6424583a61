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


def _bucketed(values: np.ndarray) -> Histogram:
    """Values counted into Prometheus-style buckets (log-spaced, then +Inf)."""
    bounds = (*[0.05 * 1.3**i for i in range(20)], math.inf)
    cumulative = [float((values <= b).sum()) for b in bounds[:-1]] + [float(len(values))]
    return Histogram(bounds=bounds, cumulative=tuple(cumulative))


def test_intervals_cover_an_unchanged_canary() -> None:
    """90% intervals over 200 runs (a binomial's 99.9% range is about 0.84–0.96): the error
    rate's, and p95's from buckets; p95's from raw values over 40 runs (0.72–1.0)."""
    rng = np.random.default_rng(11)
    covered = {"rate": 0, "buckets": 0, "raw": 0}
    runs, raw_runs = 200, 40
    for run in range(runs):
        errors = rng.binomial(4000, 0.01), rng.binomial(1000, 0.01)
        rate = error_rate((errors[0], 4000), (errors[1], 1000), confidence=0.9)
        covered["rate"] += rate.interval.low <= 0 <= rate.interval.high  # type: ignore[union-attr]
        stable, canary = rng.exponential(1, 4000), rng.exponential(1, 1000)
        hists = (_bucketed(stable), _bucketed(canary))
        p95 = latency("latency_p95", 0.95, *hists, confidence=0.9, resamples=300, rng=rng)
        covered["buckets"] += p95.interval.low <= 0 <= p95.interval.high  # type: ignore[union-attr]
        if run < raw_runs:
            raw = latency(
                "latency_p95",
                0.95,
                *raw_histograms(stable, canary),
                confidence=0.9,
                resamples=200,
                rng=rng,
            )
            covered["raw"] += raw.interval.low <= 0 <= raw.interval.high  # type: ignore[union-attr]
    assert 0.84 <= covered["rate"] / runs <= 0.97
    assert 0.84 <= covered["buckets"] / runs <= 0.97
    assert 0.72 <= covered["raw"] / raw_runs <= 1.0
