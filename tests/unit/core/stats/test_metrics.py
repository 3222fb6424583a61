"""Metrics from predictions equal scikit-learn's to 1e-9 (scikit-learn is a test
dependency only), on random data with ties, several class counts and edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as sk

from mlgate.core.stats.metrics import (
    binary_from_counts,
    confusion,
    log_loss_per_example,
    midranks,
    multiclass_from_confusion,
    regression,
    roc_auc,
    roc_auc_ovr_macro,
)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("rounding", [None, 1])  # rounded scores: many ties
def test_binary_metrics_match_scikit_learn(seed: int, rounding: int | None) -> None:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, 500)
    scores = np.clip(0.5 + 0.2 * (labels - 0.5) + rng.normal(0, 0.3, 500), 0, 1)
    if rounding is not None:
        scores = scores.round(rounding)
    predicted = (scores >= 0.5).astype(int)
    tp, fp = np.sum((labels == 1) & (predicted == 1)), np.sum((labels == 0) & (predicted == 1))
    fn, tn = np.sum((labels == 1) & (predicted == 0)), np.sum((labels == 0) & (predicted == 0))
    ours = binary_from_counts(tp, fp, fn, tn)
    assert ours["accuracy"] == pytest.approx(sk.accuracy_score(labels, predicted), abs=1e-9)
    assert ours["precision"] == pytest.approx(sk.precision_score(labels, predicted), abs=1e-9)
    assert ours["recall"] == pytest.approx(sk.recall_score(labels, predicted), abs=1e-9)
    assert ours["f1"] == pytest.approx(sk.f1_score(labels, predicted), abs=1e-9)
    assert roc_auc(labels, scores) == pytest.approx(sk.roc_auc_score(labels, scores), abs=1e-9)
    assert log_loss_per_example(labels, scores).mean() == pytest.approx(
        sk.log_loss(labels, scores), abs=1e-9
    )


def test_zero_division_is_zero_like_scikit_learn() -> None:
    ours = binary_from_counts(np.array(0), np.array(0), np.array(3), np.array(7))
    labels, predicted = np.array([1, 1, 1] + [0] * 7), np.zeros(10, dtype=int)
    assert ours["precision"] == sk.precision_score(labels, predicted, zero_division=0) == 0


@pytest.mark.parametrize("k", [3, 5])
def test_multiclass_metrics_match_scikit_learn(k: int) -> None:
    rng = np.random.default_rng(k)
    labels = rng.integers(0, k, 800)
    scores = rng.random((800, k)) + np.eye(k)[labels] * 0.3
    scores /= scores.sum(axis=1, keepdims=True)
    predicted = scores.argmax(axis=1)
    ours = multiclass_from_confusion(confusion(labels, predicted, k))
    for average in ("macro", "micro"):
        assert ours[f"precision_{average}"] == pytest.approx(
            sk.precision_score(labels, predicted, average=average), abs=1e-9
        )
        assert ours[f"recall_{average}"] == pytest.approx(
            sk.recall_score(labels, predicted, average=average), abs=1e-9
        )
        assert ours[f"f1_{average}"] == pytest.approx(
            sk.f1_score(labels, predicted, average=average), abs=1e-9
        )
    assert roc_auc_ovr_macro(labels, scores) == pytest.approx(
        sk.roc_auc_score(labels, scores, multi_class="ovr"), abs=1e-9
    )
    assert log_loss_per_example(labels, scores).mean() == pytest.approx(
        sk.log_loss(labels, scores), abs=1e-9
    )


def test_regression_metrics_match_scikit_learn() -> None:
    rng = np.random.default_rng(3)
    truth = rng.normal(10, 3, 1000)
    predicted = truth + rng.normal(0, 1, 1000)
    ours = regression(truth, predicted)
    assert ours["mae"] == pytest.approx(sk.mean_absolute_error(truth, predicted), abs=1e-9)
    assert ours["rmse"] == pytest.approx(sk.root_mean_squared_error(truth, predicted), abs=1e-9)
    assert ours["r2"] == pytest.approx(sk.r2_score(truth, predicted), abs=1e-9)


def test_midranks_average_ties() -> None:
    assert midranks(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == [3.5, 1.0, 3.5, 2.0]
