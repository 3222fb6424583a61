"""The Poisson bootstrap of paired per-example terms, for evaluation sets spread over many
machines (evaluate/spark_evaluation.py).

Resample r gives example i the weight wᵢᵣ ~ Poisson(1), drawn from a counter-based generator
keyed on (seed, r, the example's key): the same example gets the same weights wherever its
row lands, so the result does not depend on the partitioning. Each partition adds its
weighted terms per resample (Σᵢ wᵢᵣ·tᵢ and Σᵢ wᵢᵣ); the driver adds the partitions' sums and
forms the percentile interval of Δ. Every metric that is a function of means (log loss,
MAE, RMSE, R²) is then bootstrapped exactly; ROC AUC is bootstrapped from per-resample
score histograms (``BOOTSTRAP_BINS``), its point estimate from ``POINT_BINS`` with the
binning bound stated, and the interval re-centred on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Array = Any
BOOTSTRAP_BINS = 256
POINT_BINS = 1 << 14
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
# P(Poisson(1) ≤ k) for k = 0 … 12, as thresholds on a uniform 64-bit word: the weight is
# how many thresholds the word reaches (inversion; past 12 is 1 in 10¹⁰ and counts 13).
_THRESHOLDS = [
    np.uint64(min(int(c * 2.0**64), 2**64 - 1))
    for c in np.cumsum([math.exp(-1) / math.factorial(k) for k in range(13)])
]


def _mix(z: Array) -> Array:
    """splitmix64's finaliser: a bijection of 64-bit words whose outputs look uniform."""
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def poisson_weights(keys: Array, *, seed: int, resamples: int, first: int = 0) -> Array:
    """(n, resamples) Poisson(1) weights for the examples ``keys`` (64-bit hashes of their
    ids) in resamples ``first`` … ``first + resamples − 1``: a function of (seed, resample,
    key) alone."""
    keys = np.asarray(keys).astype(np.uint64, copy=False)
    with np.errstate(over="ignore"):
        base = _mix(keys ^ _mix(np.uint64(seed & 0xFFFFFFFFFFFFFFFF) + _GOLDEN))
        rounds = np.arange(first + 1, first + resamples + 1, dtype=np.uint64)
        steps = (rounds * _GOLDEN)[None, :]
        words = _mix(base[:, None] + steps)
    weights = np.zeros(words.shape, dtype=np.float32)
    for threshold in _THRESHOLDS[:4]:
        weights += words >= threshold
    tail = np.flatnonzero(words >= _THRESHOLDS[3])  # weight 4 or more: 2% of the draws
    if len(tail):
        rare = words.ravel()[tail]
        flat = weights.reshape(-1)
        flat[tail] += sum((rare >= t).astype(np.float32) for t in _THRESHOLDS[4:])
    return weights


@dataclass
class ResampledSums:
    """One partition's (or all of them added) weighted sums: ``totals`` (p,) and ``count``
    unweighted; ``sums`` (R, p) and ``weights`` (R,) per resample; for ROC AUC, score
    histograms of positives and negatives per side — ``fine`` (2, 2, POINT_BINS) unweighted
    and ``resampled`` (2, 2, R, BOOTSTRAP_BINS) — [side (candidate, baseline), positive]."""

    count: int = 0
    totals: Array = None
    sums: Array = None
    weights: Array = None
    fine: Array = None
    resampled: Array = None
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, other: ResampledSums) -> None:
        self.count += other.count
        for name in ("totals", "sums", "weights", "fine", "resampled"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if theirs is not None:
                setattr(self, name, theirs.copy() if mine is None else mine + theirs)


def resampled_sums(
    terms: Array,
    keys: Array,
    *,
    seed: int,
    resamples: int,
    scores: tuple[Array, Array] | None = None,
    positive: Array | None = None,
    block: int = 32,
) -> ResampledSums:
    """One batch's sums: ``terms`` (n, p) per-example values; with ``scores`` (both sides'
    P(positive)) and ``positive`` (n,) the AUC histograms too. Resamples are drawn
    ``block`` at a time (a few MB of weights at once)."""
    terms = np.asarray(terms, dtype=np.float64)
    n = len(terms)
    out = ResampledSums(
        count=n,
        totals=terms.sum(axis=0),
        sums=np.zeros((resamples, terms.shape[1])),
        weights=np.zeros(resamples),
    )
    rows_by_label: list[tuple[int, Array]] = []
    if scores is not None:
        assert positive is not None
        rows_by_label = [(0, ~positive), (1, positive)]
        out.fine = np.zeros((2, 2, POINT_BINS))
        out.resampled = np.zeros((2, 2, resamples, BOOTSTRAP_BINS))
        fine = [np.minimum((s * POINT_BINS).astype(np.int64), POINT_BINS - 1) for s in scores]
        coarse = [f // (POINT_BINS // BOOTSTRAP_BINS) for f in fine]  # nested in the fine bins
        for side in range(2):
            for label, rows in rows_by_label:
                out.fine[side, label] = np.bincount(fine[side][rows], minlength=POINT_BINS)
    for start in range(0, resamples, block):
        stop = min(start + block, resamples)
        weights = poisson_weights(keys, seed=seed, resamples=stop - start, first=start)
        out.sums[start:stop] = weights.T.astype(np.float64) @ terms
        out.weights[start:stop] = weights.sum(axis=0, dtype=np.float64)
        if scores is not None:
            for side in range(2):
                for label, rows in rows_by_label:
                    out.resampled[side, label, start:stop] = _weighted_bins(
                        coarse[side][rows], weights[rows]
                    )
    return out


def _weighted_bins(bins: Array, weights: Array) -> Array:
    """(R, BOOTSTRAP_BINS): each resample's weighted count per bin — the rows sorted by
    bin, each bin's run of weights added at once."""
    out = np.zeros((weights.shape[1], BOOTSTRAP_BINS))
    if not len(bins):
        return out
    order = np.argsort(bins, kind="stable")
    ordered = bins[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    out[:, ordered[starts]] = np.add.reduceat(weights[order], starts, axis=0, dtype=np.float64).T
    return out


def auc_from_bins(negatives: Array, positives: Array) -> Array:
    """Mann–Whitney AUC from binned counts (…, bins); pairs in one bin count as ties."""
    below = np.cumsum(negatives, axis=-1) - negatives
    m = positives.sum(axis=-1)
    n = negatives.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (positives * (below + negatives / 2)).sum(axis=-1) / (m * n)


def auc_bound(negatives: Array, positives: Array) -> float:
    """How far a binned AUC may be from the exact one: half the share of pairs in one bin."""
    pairs = float(positives.sum()) * float(negatives.sum())
    return float((positives * negatives).sum()) / pairs / 2 if pairs else math.nan
