"""Paired intervals: agreement with scipy.stats.bootstrap (paired, percentile) within 5%
of the interval's width, determinism for a seed, and the large-sample switch."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mlgate.core.stats import intervals
from mlgate.core.stats.intervals import (
    confusion_intervals,
    delong_interval,
    mean_function_interval,
)
from mlgate.core.stats.metrics import roc_auc

N = 2000


@pytest.fixture(scope="module")
def pairs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(11)
    labels = rng.integers(0, 2, N)
    candidate = np.clip(0.5 + 0.3 * (labels - 0.5) + rng.normal(0, 0.25, N), 0, 1)
    baseline = np.clip(candidate + rng.normal(0, 0.12, N), 0, 1)
    truth = rng.normal(size=N)
    error_c = rng.normal(size=N)
    error_b = 0.9 * error_c + rng.normal(0, 0.5, N)
    return {
        "labels": labels,
        "score_c": candidate,
        "score_b": baseline,
        "truth": truth,
        "error_c": error_c,
        "error_b": error_b,
    }


def close(ours: intervals.Interval, low: float, high: float) -> None:
    width = high - low
    assert abs(ours.low - low) <= 0.05 * width, (ours, low, high)
    assert abs(ours.high - high) <= 0.05 * width, (ours, low, high)


def scipy_paired(statistic, *data: np.ndarray, resamples: int = 4000):  # type: ignore[no-untyped-def]
    result = stats.bootstrap(
        data,
        statistic,
        paired=True,
        vectorized=True,
        method="percentile",
        n_resamples=resamples,
        random_state=np.random.default_rng(5),
    )
    return result.confidence_interval


def test_accuracy_and_f1_agree_with_scipy(pairs: dict[str, np.ndarray]) -> None:
    labels = pairs["labels"]
    pc, pb = (pairs["score_c"] >= 0.5).astype(int), (pairs["score_b"] >= 0.5).astype(int)
    ours = confusion_intervals(labels, pc, pb, classes=2, confidence=0.95, resamples=4000, seed=1)

    def accuracy(y, c, b, axis=-1):  # type: ignore[no-untyped-def]
        return (c == y).mean(axis) - (b == y).mean(axis)

    def f1(y, c, b, axis=-1):  # type: ignore[no-untyped-def]
        def score(p):  # type: ignore[no-untyped-def]
            tp = ((p == 1) & (y == 1)).sum(axis)
            return (
                2
                * tp
                / (2 * tp + ((p == 1) & (y == 0)).sum(axis) + ((p == 0) & (y == 1)).sum(axis))
            )

        return score(c) - score(b)

    for name, statistic in (("accuracy", accuracy), ("f1", f1)):
        reference = scipy_paired(statistic, labels, pc, pb)
        close(ours[name][1], reference.low, reference.high)


def test_auc_delong_agrees_with_a_paired_bootstrap(pairs: dict[str, np.ndarray]) -> None:
    labels, sc, sb = pairs["labels"], pairs["score_c"], pairs["score_b"]
    delta, ours = delong_interval(labels, sc, sb, confidence=0.95)
    assert delta == pytest.approx(roc_auc(labels, sc) - roc_auc(labels, sb), abs=1e-12)
    rng = np.random.default_rng(2)
    draws = []
    for _ in range(1500):
        i = rng.integers(0, N, N)
        draws.append(roc_auc(labels[i], sc[i]) - roc_auc(labels[i], sb[i]))
    low, high = np.quantile(draws, [0.025, 0.975])
    close(ours, float(low), float(high))


@pytest.mark.parametrize("budget", [intervals.BOOTSTRAP_BUDGET, 0])  # bootstrap, then its limit
def test_mae_and_r2_agree_with_scipy(
    pairs: dict[str, np.ndarray], budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intervals, "BOOTSTRAP_BUDGET", budget)
    ec, eb, y = pairs["error_c"], pairs["error_b"], pairs["truth"]
    _, mae = mean_function_interval(
        np.column_stack([np.abs(ec), np.abs(eb)]),
        lambda m: m[:, 0] - m[:, 1],
        confidence=0.95,
        resamples=4000,
        seed=3,
    )
    assert mae.method == ("bootstrap" if budget else "normal (delta method)")
    reference = scipy_paired(
        lambda c, b, axis=-1: np.abs(c).mean(axis) - np.abs(b).mean(axis), ec, eb
    )
    close(mae, reference.low, reference.high)

    def r2_delta(means):  # type: ignore[no-untyped-def]
        return (means[:, 1] - means[:, 0]) / (means[:, 3] - means[:, 2] ** 2)

    _, r2 = mean_function_interval(
        np.column_stack([ec**2, eb**2, y, y**2]),
        r2_delta,
        confidence=0.95,
        resamples=4000,
        seed=3,
    )

    def r2_reference(c, b, t, axis=-1):  # type: ignore[no-untyped-def]
        spread = ((t - t.mean(axis, keepdims=True)) ** 2).mean(axis)
        return ((b**2).mean(axis) - (c**2).mean(axis)) / spread

    reference = scipy_paired(r2_reference, ec, eb, y)
    close(r2, reference.low, reference.high)


def test_the_same_seed_gives_the_same_interval(pairs: dict[str, np.ndarray]) -> None:
    labels = pairs["labels"]
    pc, pb = (pairs["score_c"] >= 0.5).astype(int), (pairs["score_b"] >= 0.5).astype(int)
    first = confusion_intervals(labels, pc, pb, classes=2, confidence=0.9, resamples=500, seed=7)
    again = confusion_intervals(labels, pc, pb, classes=2, confidence=0.9, resamples=500, seed=7)
    other = confusion_intervals(labels, pc, pb, classes=2, confidence=0.9, resamples=500, seed=8)
    assert first == again and first != other


def test_multiclass_confusion_and_auc(pairs: dict[str, np.ndarray]) -> None:
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 3, 900)
    scores_c = rng.random((900, 3)) + np.eye(3)[labels] * 0.5
    scores_b = scores_c + rng.normal(0, 0.2, (900, 3))
    result = confusion_intervals(
        labels,
        scores_c.argmax(1),
        scores_b.argmax(1),
        classes=3,
        confidence=0.95,
        resamples=1000,
        seed=0,
    )
    assert set(result) >= {"accuracy", "f1_macro", "precision_macro", "recall_macro"}
    low, high = result["f1_macro"][1].low, result["f1_macro"][1].high
    assert low <= result["f1_macro"][0] <= high
    delta, auc = delong_interval(labels, scores_c, scores_b, confidence=0.95)
    assert auc.low < delta < auc.high and auc.method == "DeLong"
