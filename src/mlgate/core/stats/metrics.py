"""Metrics from per-example predictions, computed the way scikit-learn computes them
(tests hold them to 1e-9 of it), plus the confusion counts they derive from.

Classification labels are class indices ``0..k-1`` (binary: 1 is the positive class);
scores are the positive class's probability (binary) or one column per class.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = Any  # numpy arrays; numpy's own typing is too loose to help here


def safe_divide(num: Array, den: Array) -> Array:
    """num / den, 0 where den is 0 (scikit-learn's zero_division=0)."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


def binary_from_counts(tp: Array, fp: Array, fn: Array, tn: Array) -> dict[str, Array]:
    """Accuracy, precision, recall and F1 from confusion counts (any shape, broadcast)."""
    n = tp + fp + fn + tn
    return {
        "accuracy": safe_divide(tp + tn, n),
        "precision": safe_divide(tp, tp + fp),
        "recall": safe_divide(tp, tp + fn),
        "f1": safe_divide(2 * tp, 2 * tp + fp + fn),
    }


def multiclass_from_confusion(confusion: Array) -> dict[str, Array]:
    """Accuracy and macro/micro precision, recall and F1 from confusion matrices of shape
    (..., k, k) indexed [true, predicted]. Macro averages over every class (as
    scikit-learn does over the labels present in truth or prediction: pass only those)."""
    confusion = np.asarray(confusion, dtype=float)
    tp = np.diagonal(confusion, axis1=-2, axis2=-1)
    predicted = confusion.sum(axis=-2)
    actual = confusion.sum(axis=-1)
    total = confusion.sum(axis=(-2, -1))
    precision = safe_divide(tp, predicted)
    recall = safe_divide(tp, actual)
    f1 = safe_divide(2 * tp, predicted + actual)
    accuracy = safe_divide(tp.sum(axis=-1), total)
    return {
        "accuracy": accuracy,
        "precision_macro": precision.mean(axis=-1),
        "recall_macro": recall.mean(axis=-1),
        "f1_macro": f1.mean(axis=-1),
        # With one label per example, micro precision = micro recall = micro F1 = accuracy.
        "precision_micro": accuracy,
        "recall_micro": accuracy,
        "f1_micro": accuracy,
    }


def from_confusion(confusion: Array) -> dict[str, Array]:
    """The confusion metrics of one matrix (k, k) or of many (..., k, k), [true, predicted]:
    binary (k = 2, class 1 positive) or multiclass."""
    confusion = np.asarray(confusion)
    if confusion.shape[-1] == 2:
        tn, fp = confusion[..., 0, 0], confusion[..., 0, 1]
        fn, tp = confusion[..., 1, 0], confusion[..., 1, 1]
        return binary_from_counts(tp, fp, fn, tn)
    return multiclass_from_confusion(confusion)


def confusion(labels: Array, predicted: Array, k: int) -> Array:
    return np.bincount(labels * k + predicted, minlength=k * k).reshape(k, k)


def log_loss_per_example(labels: Array, scores: Array) -> Array:
    """Each example's log loss, probabilities clipped to [eps, 1 - eps] like scikit-learn."""
    scores = np.asarray(scores, dtype=float)
    eps = np.finfo(scores.dtype).eps
    if scores.ndim == 1:
        p = np.clip(scores, eps, 1 - eps)
        return -np.where(labels == 1, np.log(p), np.log1p(-p))
    probabilities = np.clip(scores, eps, 1 - eps)
    probabilities = probabilities / probabilities.sum(axis=1, keepdims=True)
    return -np.log(probabilities[np.arange(len(labels)), labels])


def midranks(values: Array, order: Array | None = None) -> Array:
    """1-based ranks, ties sharing their average rank (scipy's rankdata 'average').
    ``order``, when given, is an argsort of ``values`` (saves sorting again)."""
    values = np.asarray(values)
    if order is None:
        order = np.argsort(values)
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(values)]
    average = (starts + ends + 1) / 2.0  # mean of ranks starts+1 … ends
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def roc_auc(labels: Array, scores: Array) -> float:
    """Binary ROC AUC by the Mann-Whitney statistic (ties count one half)."""
    positive = labels == 1
    m, n = int(positive.sum()), int((~positive).sum())
    if m == 0 or n == 0:
        return float("nan")
    ranks = midranks(scores)
    return float((ranks[positive].sum() - m * (m + 1) / 2) / (m * n))


def roc_auc_ovr_macro(labels: Array, scores: Array) -> float:
    """Multiclass one-vs-rest ROC AUC, averaged over classes (scikit-learn's 'ovr', macro)."""
    k = scores.shape[1]
    return float(np.mean([roc_auc((labels == j).astype(int), scores[:, j]) for j in range(k)]))


def regression(labels: Array, predicted: Array) -> dict[str, float]:
    errors = np.asarray(predicted, dtype=float) - np.asarray(labels, dtype=float)
    spread = float(((labels - labels.mean()) ** 2).sum())
    sse = float((errors**2).sum())
    return {
        "mae": float(np.abs(errors).mean()),
        "rmse": float(np.sqrt((errors**2).mean())),
        "r2": 1.0 - sse / spread if spread > 0 else float("nan"),
    }
