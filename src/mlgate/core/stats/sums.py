"""Live outcomes as sums that add across partitions — what a Spark executor sends for its
rows — and the same :class:`~mlgate.core.stats.live.Summary` the in-memory route computes
from the examples:

- classification: the confusion matrix (exact); accuracy, precision, recall as Newcombe
  proportions and the other confusion metrics' multinomial bootstrap, exactly as in memory;
- log loss: count, mean and centred sum of squares (Chan's pairwise update) — the same mean
  and delta-method variance;
- ROC AUC: per class, positives and negatives counted in ``AUC_BINS`` equal score bins on
  [0, 1]. Pairs in one bin count as ties, so the AUC is within ``auc_error`` = ½·Σ pᵦqᵦ/(mn)
  of the exact one (stated with it); DeLong's variance comes from the same bins;
- regression: count, means and the centred cross-products of (|e|, e², y, y²): MAE, RMSE,
  R² and their delta-method variances.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlgate.core.stats import metrics as m
from mlgate.core.stats import unpaired as u

Array = Any
AUC_BINS = 1 << 14


@dataclass
class Moments:
    """Count, means and centred cross-products of some per-example columns."""

    n: int = 0
    mean: Array = None
    cross: Array = None  # Σ (x − mean)(x − mean)ᵀ

    @classmethod
    def of(cls, columns: Array) -> Moments:
        columns = np.asarray(columns, dtype=float)
        if columns.ndim == 1:
            columns = columns[:, None]
        if not len(columns):
            return cls()
        mean = columns.mean(axis=0)
        centred = columns - mean
        return cls(n=len(columns), mean=mean, cross=centred.T @ centred)

    def add(self, other: Moments) -> None:
        if not other.n:
            return
        if not self.n:
            self.n, self.mean, self.cross = other.n, other.mean.copy(), other.cross.copy()
            return
        n = self.n + other.n
        gap = other.mean - self.mean
        self.cross = self.cross + other.cross + np.outer(gap, gap) * (self.n * other.n / n)
        self.mean = self.mean + gap * (other.n / n)
        self.n = n


@dataclass
class OutcomeSums:
    """One window's (or the whole table's) labelled outcomes, as sums."""

    task: str
    classes: tuple[str, ...]
    scores: bool = False  # the outcomes carry scores (ROC AUC and log loss computable)
    cells: Array = None  # (k, k) confusion [true, predicted]
    losses: Moments = field(default_factory=Moments)
    positives: Array = None  # (classes scored, AUC_BINS) counts
    negatives: Array = None
    regression: Moments = field(default_factory=Moments)  # columns |e|, e², y, y²

    @property
    def n(self) -> int:
        if self.task == "regression":
            return self.regression.n
        return int(self.cells.sum()) if self.cells is not None else 0

    def add(self, other: OutcomeSums) -> None:
        self.scores = self.scores or other.scores
        self.cells = _plus(self.cells, other.cells)
        self.positives = _plus(self.positives, other.positives)
        self.negatives = _plus(self.negatives, other.negatives)
        self.losses.add(other.losses)
        self.regression.add(other.regression)


def _plus(a: Array, b: Array) -> Array:
    if b is None:
        return a
    return b.copy() if a is None else a + b


def sums_of(sample: Any) -> OutcomeSums:
    """A live :class:`~mlgate.core.stats.live.Sample`'s sums (on an executor)."""
    out = OutcomeSums(
        task=sample.task, classes=tuple(sample.classes), scores=sample.scores is not None
    )
    if not sample.n:
        return out
    if sample.task == "regression":
        y = np.asarray(sample.labels, dtype=float)
        e = np.asarray(sample.predicted, dtype=float) - y
        out.regression = Moments.of(np.column_stack([np.abs(e), e * e, y, y * y]))
        return out
    k = len(sample.classes)
    out.cells = m.confusion(sample.labels, sample.predicted, k)
    if sample.scores is not None:
        scores = np.asarray(sample.scores, dtype=float)
        out.losses = Moments.of(m.log_loss_per_example(sample.labels, scores))
        columns = scores[:, None] if scores.ndim == 1 else scores
        scored = [1] if scores.ndim == 1 else list(range(k))
        bins = np.minimum((columns * AUC_BINS).astype(np.int64), AUC_BINS - 1)
        out.positives = np.zeros((len(scored), AUC_BINS), dtype=np.int64)
        out.negatives = np.zeros((len(scored), AUC_BINS), dtype=np.int64)
        for row, cls in enumerate(scored):
            positive = sample.labels == cls
            out.positives[row] = np.bincount(bins[positive, row], minlength=AUC_BINS)
            out.negatives[row] = np.bincount(bins[~positive, row], minlength=AUC_BINS)
    return out


def values_and_variances(sums: OutcomeSums) -> tuple[dict[str, float], dict[str, float]]:
    """The metric values and the sampling variances the in-memory route derives from the
    examples (live.summarise), from the sums."""
    if sums.task == "regression":
        return _regression(sums.regression)
    found = {name: float(v) for name, v in m.from_confusion(sums.cells).items()}
    variances: dict[str, float] = {}
    if sums.positives is not None:
        found["roc_auc"], variances["roc_auc"] = binned_auc(sums.positives, sums.negatives)
        losses = sums.losses
        found["log_loss"] = float(losses.mean[0])
        variances["log_loss"] = (
            float(losses.cross[0, 0] / (losses.n - 1) / losses.n) if losses.n > 1 else 0.0
        )
    return found, variances


def binned_auc(positives: Array, negatives: Array) -> tuple[float, float]:
    """Macro ROC AUC over the scored classes and DeLong's variance, from per-bin counts."""
    parts = [_auc_one(p, q) for p, q in zip(positives, negatives, strict=True)]
    if len(parts) == 1:
        return parts[0]
    k = len(parts)
    return float(np.mean([a for a, _ in parts])), float(np.sum([v for _, v in parts]) / k**2)


def _auc_one(p: Array, q: Array) -> tuple[float, float]:
    m_, n_ = int(p.sum()), int(q.sum())
    if m_ < 2 or n_ < 2:
        return math.nan, math.nan
    below_q = np.cumsum(q) - q  # negatives in lower bins
    below_p = np.cumsum(p) - p
    v10 = (below_q + q / 2) / n_  # each positive's share of negatives below it (ties ½)
    v01 = 1.0 - (below_p + p / 2) / m_
    auc = float((p * v10).sum() / m_)
    var10 = float((p * (v10 - auc) ** 2).sum() / (m_ - 1))
    var01 = float((q * (v01 - auc) ** 2).sum() / (n_ - 1))
    return auc, var10 / m_ + var01 / n_


def auc_error(positives: Array, negatives: Array) -> float:
    """How far the binned AUC may be from the exact one: half the share of (positive,
    negative) pairs that fell in one bin (the largest over the scored classes)."""
    worst = 0.0
    for p, q in zip(positives, negatives, strict=True):
        pairs = float(p.sum()) * float(q.sum())
        if pairs:
            worst = max(worst, float((p.astype(float) * q).sum()) / pairs / 2)
    return worst


def _regression(moments: Moments) -> tuple[dict[str, float], dict[str, float]]:
    n = moments.n
    if not n:
        return {}, {}
    mean, cross = moments.mean, moments.cross
    spread = float(cross[2, 2])
    values = {
        "mae": float(mean[0]),
        "rmse": float(math.sqrt(mean[1])),
        "r2": 1.0 - n * float(mean[1]) / spread if spread > 0 else float("nan"),
    }
    # The delta method as live.py's mean_function: gᵀ·S·g / n² for the statistic's gradient.
    root = math.sqrt(mean[1]) if mean[1] > 0 else math.nan
    d = spread / n  # the labels' variance: m(y²) − m(y)², without the cancellation
    gradients = {
        "mae": {0: 1.0},
        "rmse": {1: 1 / (2 * root)} if root > 0 else {1: math.nan},
        "r2": {1: -1 / d, 2: -2 * mean[1] * mean[2] / d**2, 3: mean[1] / d**2}
        if d > 0
        else {1: math.nan},
    }
    variances = {}
    for name, parts in gradients.items():
        g = np.zeros(4)
        for at, value in parts.items():
            g[at] = value
        variances[name] = float(g @ cross @ g) / n**2
    return values, variances


def proportions_of(cells: Array) -> dict[str, tuple[int, int]]:
    """The proportions Newcombe's interval takes, as live.summarise finds them."""
    out = {}
    for name in u.PROPORTIONS:
        found = _proportion(cells, name)
        if found is not None:
            out[name] = found
    return out


def _proportion(cells: Array, name: str) -> tuple[int, int] | None:
    k = cells.shape[0]
    if name in ("accuracy", "precision_micro", "recall_micro"):
        return int(np.trace(cells)), int(cells.sum())
    if k != 2 or name not in ("precision", "recall"):
        return None
    tp, fp, fn = int(cells[1, 1]), int(cells[0, 1]), int(cells[1, 0])
    return (tp, tp + fp) if name == "precision" else (tp, tp + fn)
