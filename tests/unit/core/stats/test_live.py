"""Live metrics against the reference: each metric's interval method, a fixed reference
(the recorded metric) against a sampled one, regression, multiclass, and coverage of the
unpaired intervals by simulation."""

from __future__ import annotations

import numpy as np
import pytest

from mlgate.core.stats.live import Sample, compare, summarise, values


def binary(n: int, accuracy: float, seed: int, *, scores: bool = True) -> Sample:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    predicted = np.where(rng.random(n) < accuracy, labels, 1 - labels)
    score = np.clip(np.where(predicted == 1, 0.7, 0.3) + rng.normal(0, 0.15, n), 0, 1)
    return Sample(
        task="binary",
        classes=("0", "1"),
        labels=labels,
        predicted=predicted,
        scores=score if scores else None,
    )


NAMES = ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")


def run(
    live: Sample, reference: Sample | None, recorded: dict[str, float] | None = None, seed: int = 0
):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    theirs = summarise(reference, names=NAMES, resamples=500, rng=rng) if reference else None
    return compare(
        live,
        reference=theirs,
        recorded=recorded or {},
        names=NAMES,
        confidence=0.95,
        resamples=500,
        rng=rng,
    )


def test_each_metric_gets_its_method() -> None:
    found = run(binary(3000, 0.85, 1), binary(3000, 0.9, 2))
    methods = {name: e.interval.method for name, e in found.items() if e.interval}
    assert methods == {
        "accuracy": "Newcombe (Wilson)",
        "precision": "Newcombe (Wilson)",
        "recall": "Newcombe (Wilson)",
        "f1": "multinomial bootstrap",
        "roc_auc": "DeLong",
        "log_loss": "normal (delta method)",
    }
    accuracy = found["accuracy"]
    assert accuracy.interval is not None
    assert accuracy.interval.low < accuracy.live - accuracy.reference < accuracy.interval.high  # type: ignore[operator]
    assert accuracy.interval.high < 0


def test_a_recorded_reference_has_no_sampling_error_of_its_own() -> None:
    live = binary(3000, 0.85, 1)
    sampled = run(live, binary(3000, 0.9, 2))
    recorded = run(live, None, {"accuracy": 0.9, "f1": 0.9, "roc_auc": 0.9, "unknown": 1.0})
    assert recorded["accuracy"].interval.method == "Wilson"  # type: ignore[union-attr]
    for name in ("accuracy", "f1", "roc_auc"):
        narrow, wide = recorded[name].interval, sampled[name].interval
        assert narrow is not None and wide is not None
        assert narrow.high - narrow.low < wide.high - wide.low, name
    assert recorded["precision"].interval is None  # nothing recorded to compare with
    assert "unknown" not in recorded


def test_without_scores_only_the_confusion_metrics() -> None:
    found = run(binary(500, 0.8, 3, scores=False), binary(500, 0.8, 4, scores=False))
    assert set(found) == {"accuracy", "precision", "recall", "f1"}


def test_regression_and_multiclass() -> None:
    rng = np.random.default_rng(5)
    truth = rng.normal(size=2000)
    live = Sample(
        task="regression", classes=(), labels=truth, predicted=truth + rng.normal(0, 0.6, 2000)
    )
    ref = Sample(
        task="regression", classes=(), labels=truth, predicted=truth + rng.normal(0, 0.5, 2000)
    )
    found = compare(
        live,
        reference=summarise(ref, names=("mae", "rmse", "r2"), resamples=0, rng=rng),
        recorded={},
        names=("mae", "rmse", "r2"),
        confidence=0.95,
        resamples=0,
        rng=rng,
    )
    assert found["rmse"].live == pytest.approx(0.6, abs=0.03)
    for name in ("mae", "rmse"):
        interval = found[name].interval
        assert interval is not None and interval.low > 0, name  # worse, and shown to be
    r2 = found["r2"].interval
    assert r2 is not None and r2.high < 0
    labels = rng.integers(0, 3, 900)
    three = Sample(task="multiclass", classes=("a", "b", "c"), labels=labels, predicted=labels)
    assert values(three)["accuracy"] == 1.0 and values(three)["f1_macro"] == 1.0


def test_unpaired_intervals_cover_the_true_difference() -> None:
    covered = {"accuracy": 0, "f1": 0, "roc_auc": 0}
    for i in range(200):
        found = run(binary(1500, 0.86, 100 + i), binary(1500, 0.86, 10_000 + i), seed=i)
        for name in covered:
            interval = found[name].interval
            assert interval is not None
            covered[name] += interval.low <= 0 <= interval.high  # the same model: Δ = 0
    for name, hits in covered.items():
        assert 0.90 <= hits / 200 <= 0.99, (name, hits)
