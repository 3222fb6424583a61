"""A mergeable quantile sketch with a deterministic error bound, for numeric features too
large to hold: weighted points whose cumulative weight estimates the empirical CDF.

Batches are added as they are (every value, weight 1) while the points fit ``capacity``:
the sketch is exact. Past it, each new batch is summarised as it arrives (sorted, the last
value of each of ``capacity / 8`` equal blocks kept, weighted by the block's size), and
when the points outgrow ``capacity`` they are *compacted*: sorted, one kept each time the
cumulative weight crosses a multiple of a step ``s`` (the last always kept, each with the
weight it stands for). Either moves the estimated count of values ≤ x by less than its
block or step for every x, so the sketch carries ``error`` — the sum of them — and

    |estimated count(≤ x) − true count(≤ x)| < error   for every x,

hence a KS distance computed against it is within ``error / count`` of the exact one.
Sketches of two parts merge by adding one's points to the other (errors add).
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = Any


class QuantileSketch:
    def __init__(self, capacity: int) -> None:
        self.capacity = max(capacity, 1_000)
        self.count = 0
        self.error = 0.0  # absolute rank error bound
        self._values: list[Array] = []
        self._weights: list[Array | None] = []  # None: every weight is 1
        self._kept = 0

    @property
    def exact(self) -> bool:
        return self.error == 0.0

    def add(self, values: Array) -> None:
        """``values``: finite floats (missing ones removed), any order. While everything
        fits, every value is kept; past that, a batch is summarised as it arrives — sorted,
        one value kept per block of ``step`` values with the block's size as its weight,
        which moves no estimated count by a block or more."""
        if not len(values):
            return
        batch = np.sort(np.asarray(values, dtype=np.float64))  # sorted runs merge fast
        n = len(batch)
        self.count += n
        weights: Array | None = None
        if not (self.exact and self._kept + n <= self.capacity):
            batch, weights = _blocks(batch, max(self.capacity // 8, 1))
            if weights is not None:
                self.error += float(weights.max())
        self._values.append(batch)
        self._weights.append(weights)
        self._kept += len(batch)
        if self._kept > self.capacity:
            self._compact()

    def reduce(self, limit: int) -> None:
        """At most ``limit`` points (compacting once more if needed; the error grows by
        that compaction's step). An exact sketch is left as it is."""
        if self.exact or self._kept <= limit:
            return
        self._compact(target=limit)

    def merge(self, other: QuantileSketch) -> None:
        for values, weights in zip(other._values, other._weights, strict=True):
            self._values.append(values)
            self._weights.append(weights)
            self._kept += len(values)
        self.count += other.count
        self.error += other.error
        if self._kept > self.capacity:
            self._compact()

    def points(self) -> tuple[Array, Array]:
        """Distinct values, ascending, and the cumulative weight up to each (the estimated
        count of values ≤ it; exact while the sketch is)."""
        values, weights = self._sorted()
        if not len(values):
            return values, weights.astype(np.int64)
        last = np.flatnonzero(np.append(values[1:] != values[:-1], True))
        cumulative = np.cumsum(weights)[last]
        return values[last], cumulative

    def sorted_values(self) -> Array:
        """Every value, sorted (only while exact)."""
        assert self.exact
        values, _ = self._sorted()
        return values

    def _sorted(self) -> tuple[Array, Array]:
        if not self._values:
            return np.empty(0), np.empty(0)
        values = np.concatenate(self._values)
        weights = np.concatenate(
            [
                np.ones(len(v)) if w is None else w
                for v, w in zip(self._values, self._weights, strict=True)
            ]
        )
        order = np.argsort(values, kind="stable")
        values, weights = values[order], weights[order]
        self._values, self._weights = [values], [weights]
        return values, weights

    def _compact(self, target: int | None = None) -> None:
        values, weights = self._sorted()
        cumulative = np.cumsum(weights)
        target = target or self.capacity // 2
        step = float(cumulative[-1]) / target
        # The first index at or past each multiple of the step, and the last.
        marks = np.searchsorted(cumulative, np.arange(1, target + 1) * step, side="left")
        keep = np.unique(np.append(np.minimum(marks, len(values) - 1), len(values) - 1))
        kept_cumulative = cumulative[keep]
        self._values = [values[keep]]
        self._weights = [np.diff(np.concatenate([[0.0], kept_cumulative]))]
        self._kept = len(keep)
        self.error += step


def _blocks(batch: Array, points: int) -> tuple[Array, Array | None]:
    """A sorted batch as the last value of each of ``points`` equal blocks, weighted by
    the block's size (the batch itself when it is no larger)."""
    n = len(batch)
    if n <= points:
        return batch, None
    ends = np.unique(np.ceil(np.arange(1, points + 1) * (n / points)).astype(np.int64) - 1)
    ends[-1] = n - 1
    weights = np.diff(np.concatenate([[-1], ends])).astype(np.float64)
    return batch[ends], weights


def quantile_edges_weighted(values: Array, cumulative: Array, bins: int) -> Array:
    """Inner bin edges at the estimated quantiles (deciles for 10 bins), without repeats;
    at most ``bins`` distinct values: one bin per value (as ``distance.quantile_edges``)."""
    if not len(values):
        return np.empty(0)
    if len(values) <= bins:
        return values[1:]
    total = float(cumulative[-1])
    # distance.quantile_edges takes the value at position round(q · (n − 1)) of the sorted
    # sample: the first value whose count reaches that position + 1.
    positions = np.round(np.linspace(0, total - 1, bins + 1)[1:-1]) + 1
    picked = np.searchsorted(cumulative, positions, side="left")
    return np.unique(values[np.minimum(picked, len(values) - 1)])


def median_weighted(values: Array, cumulative: Array) -> float:
    if not len(values):
        return float("nan")
    half = float(cumulative[-1]) / 2
    return float(values[min(int(np.searchsorted(cumulative, half, side="left")), len(values) - 1)])
