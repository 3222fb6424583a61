"""Calibration by simulation: across 400 simulated evaluation sets with a known true Δ,
the 95% intervals cover it 93–97% of the time — for accuracy (multinomial bootstrap),
ROC AUC (DeLong) and MAE (paired bootstrap). Fixed seeds: the result is reproducible."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest

from mlgate.core.stats.intervals import (
    confusion_intervals,
    delong_interval,
    mean_function_interval,
)

DATASETS = 400
N = 1000
PHI = NormalDist().cdf


def coverage(hits: list[bool]) -> float:
    return sum(hits) / len(hits)


def test_accuracy_intervals_cover_the_true_delta() -> None:
    rng = np.random.default_rng(100)
    # Joint outcome: candidate right w.p. 0.88, baseline 0.86, disagreeing on ~8%.
    both, only_c, only_b = 0.82, 0.06, 0.04
    true_delta = only_c - only_b
    hits = []
    for i in range(DATASETS):
        u = rng.random(N)
        c_right = u < both + only_c
        b_right = (u < both) | ((u >= both + only_c) & (u < both + only_c + only_b))
        labels = rng.integers(0, 2, N)
        candidate = np.where(c_right, labels, 1 - labels)
        baseline = np.where(b_right, labels, 1 - labels)
        result = confusion_intervals(
            labels, candidate, baseline, classes=2, confidence=0.95, resamples=1000, seed=i
        )
        interval = result["accuracy"][1]
        hits.append(interval.low <= true_delta <= interval.high)
    assert 0.93 <= coverage(hits) <= 0.97, coverage(hits)


def test_auc_intervals_cover_the_true_delta() -> None:
    rng = np.random.default_rng(200)
    mu_c, mu_b = 1.2, 1.0  # binormal: AUC = Φ(μ/√2)
    true_delta = PHI(mu_c / np.sqrt(2)) - PHI(mu_b / np.sqrt(2))
    hits = []
    for _ in range(DATASETS):
        labels = rng.integers(0, 2, N)
        shared = rng.normal(size=N)
        noise_c = 0.6 * shared + 0.8 * rng.normal(size=N)  # correlated, unit variance
        noise_b = 0.6 * shared + 0.8 * rng.normal(size=N)
        _, interval = delong_interval(
            labels, mu_c * labels + noise_c, mu_b * labels + noise_b, confidence=0.95
        )
        hits.append(interval.low <= true_delta <= interval.high)
    assert 0.93 <= coverage(hits) <= 0.97, coverage(hits)


@pytest.mark.slow
def test_mae_intervals_cover_the_true_delta() -> None:
    rng = np.random.default_rng(300)
    sigma_c, sigma_b = 0.95, 1.0  # E|N(0, σ)| = σ √(2/π)
    true_delta = (sigma_c - sigma_b) * np.sqrt(2 / np.pi)
    hits = []
    for i in range(DATASETS):
        shared = rng.normal(size=N)
        error_c = sigma_c * (0.8 * shared + 0.6 * rng.normal(size=N))
        error_b = sigma_b * (0.8 * shared + 0.6 * rng.normal(size=N))
        _, interval = mean_function_interval(
            np.column_stack([np.abs(error_c), np.abs(error_b)]),
            lambda m: m[:, 0] - m[:, 1],
            confidence=0.95,
            resamples=1000,
            seed=i,
        )
        hits.append(interval.low <= true_delta <= interval.high)
    assert 0.93 <= coverage(hits) <= 0.97, coverage(hits)


@pytest.mark.parametrize("confidence", [0.8, 0.99])
def test_other_confidence_levels_are_calibrated_too(confidence: float) -> None:
    rng = np.random.default_rng(400)
    hits = []
    for _ in range(DATASETS):
        labels = rng.integers(0, 2, N)
        shared = rng.normal(size=N)
        _, interval = delong_interval(
            labels,
            labels + 0.6 * shared + 0.8 * rng.normal(size=N),
            labels + 0.6 * shared + 0.8 * rng.normal(size=N),
            confidence=confidence,
        )
        hits.append(interval.low <= 0.0 <= interval.high)
    margin = 2.5 * np.sqrt(confidence * (1 - confidence) / DATASETS)
    assert abs(coverage(hits) - confidence) <= margin, coverage(hits)
