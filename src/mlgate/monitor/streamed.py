"""Drift on tables larger than the memory budget (``drift.memory_mb``), one batch at a time.

1. The reference is read once: per category, exact counts; per number, a quantile sketch
   (exact while its points fit, see core/stats/sketch.py) and the missing count.
2. The bin edges come from the reference (its deciles); where the sketch had to compact,
   the reference is read a second time to count its bins exactly.
3. The current data is read once: exact bin counts, and for KS the exact count of values
   below and at each of the reference's points. KS D is then exact when the reference
   sketch is, and within the sketch's bound (reported) when it is not.

Category counts and PSI bins are always exact. Medians of streamed current data are
estimated at the reference's points (shown with ≈).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from mlgate.core.drift import DataSide, DriftReport, FeatureDrift, Kind, judge_feature
from mlgate.core.drift_family import decided
from mlgate.core.drift_settings import DriftSettings
from mlgate.errors import InputError
from mlgate.files.streaming import Layout, batches
from mlgate.files.tables import Table, TableColumn, as_categories

Array = Any
_MB = 1 << 20
KS_POINTS = 1 << 15  # a compacted reference's points for KS (an exact one keeps all of its own)


@dataclass
class _Numbers:
    sketch: Any
    missing: int = 0
    edges: Array = None
    counts: Array = None  # bin counts (exact)
    below: Array = None  # current: how many values are < each reference point
    upto: Array = None  # current: how many values are ≤ each reference point
    present: int = 0
    points: Array = None  # reference: distinct values, and the count ≤ each
    cumulative: Array = None


@dataclass
class _Categories:
    counts: dict[str, int] = field(default_factory=dict)
    missing: int = 0


def fits(reference: Layout, current: Layout, settings: DriftSettings) -> bool:
    return reference.estimated_bytes() + current.estimated_bytes() <= settings.memory_mb * _MB


def compare_streamed(
    reference: Layout,
    current: Layout,
    *,
    settings: DriftSettings,
    features: list[tuple[str, bool]],  # (name, compared as categories)
    drifted_schema: list[FeatureDrift],
    schema: tuple[Any, ...],
    kind: Kind,
    labels: tuple[str, str],
    model: str | None,
    capacity: int | None = None,
) -> DriftReport:
    """``capacity``: the points each reference sketch may hold (default: from the budget)."""
    budget = settings.memory_mb * _MB
    columns = [name for name, _ in features]
    # The budget's shares: an eighth for one batch as read (and as much again for the
    # per-feature copies measured from it); a quarter for the reference sketches, whose
    # points cost ~48 bytes each (value, weight, cumulative count, and the current
    # side's two running counts at every point).
    batch_rows = max(10_000, budget // 8 // (8 * max(len(columns), 1)))
    numeric = [name for name, categorical in features if not categorical]
    capacity = capacity or max(10_000, budget // 4 // (48 * max(len(numeric), 1)))
    from mlgate.core.stats.sketch import QuantileSketch

    def fresh() -> dict[str, Any]:
        return {
            name: _Categories() if categorical else _Numbers(sketch=QuantileSketch(capacity))
            for name, categorical in features
        }

    ref_state, cur_state = fresh(), fresh()
    ref_rows = _read(reference, columns, batch_rows, lambda t: _add_reference(t, ref_state))
    for state in ref_state.values():
        if isinstance(state, _Numbers):
            state.sketch.reduce(KS_POINTS)  # fewer points: fewer searches per batch
            _edges(state, settings)
    if any(isinstance(s, _Numbers) and not s.sketch.exact for s in ref_state.values()):
        _read(reference, columns, batch_rows, lambda t: _count_bins(t, ref_state))
    cur_rows = _read(current, columns, batch_rows, lambda t: _add_current(t, cur_state, ref_state))
    measured = [_judge(name, ref_state[name], cur_state[name], settings) for name, _ in features]
    errors = [
        s.sketch.error / s.sketch.count
        for s in ref_state.values()
        if isinstance(s, _Numbers) and s.sketch.count and not s.sketch.exact
    ]
    summary = {**settings.summary(), "streamed": True}
    if errors:
        summary["ks_error"] = float(max(errors))
    return DriftReport(
        kind=kind,
        model=model,
        reference=DataSide(label=labels[0], rows=ref_rows),
        current=DataSide(label=labels[1], rows=cur_rows),
        features=decided(measured + drifted_schema, settings=settings),
        schema=schema,
        settings=summary,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


def _read(
    where: Layout, columns: list[str], batch_rows: int, handle: Callable[[Table], None]
) -> int:
    import pyarrow as pa

    rows = 0
    pool = pa.default_memory_pool()
    for table in batches(where, columns=columns, batch_rows=batch_rows):
        handle(table)
        rows += table.rows
        del table
        pool.release_unused()  # the batch's buffers back to the system, not kept for reuse
    return rows


def _in_threads(table: Table, work: Callable[[str, TableColumn], None]) -> None:
    with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, 4)) as pool:
        list(pool.map(lambda name: work(name, table.columns[name]), list(table.columns)))


def _categorical_counts(column: TableColumn, state: _Categories) -> None:
    import numpy as np

    column = as_categories(column) if column.numeric else column
    codes = column.codes
    counts = np.bincount(codes[codes >= 0], minlength=len(column.categories))
    for label, count in zip(column.categories.tolist(), counts.tolist(), strict=True):
        if count:
            state.counts[label] = state.counts.get(label, 0) + int(count)
    state.missing += int((codes < 0).sum())


def _add_reference(table: Table, states: dict[str, Any]) -> None:
    import numpy as np

    def work(name: str, column: TableColumn) -> None:
        state = states[name]
        if isinstance(state, _Categories):
            _categorical_counts(column, state)
            return
        values = column.numbers()
        missing = np.isnan(values)
        state.missing += int(missing.sum())
        state.sketch.add(values[~missing] if missing.any() else values)

    _in_threads(table, work)


def _edges(state: _Numbers, settings: DriftSettings) -> None:
    import numpy as np

    from mlgate.core.stats.distance import bin_counts, quantile_edges, uniform_edges
    from mlgate.core.stats.sketch import quantile_edges_weighted

    points, cumulative = state.sketch.points()
    state.points, state.cumulative = points, cumulative
    state.present = state.sketch.count
    if settings.binning == "uniform":
        # Over the reference's range (the current data's is not known yet when streaming).
        state.edges = uniform_edges(points, points, settings.bins or None)
    elif state.sketch.exact:
        state.edges = quantile_edges(state.sketch.sorted_values(), settings.bins or 10)
    else:
        state.edges = quantile_edges_weighted(points, cumulative, settings.bins or 10)
    if state.sketch.exact:
        state.counts = bin_counts(state.sketch.sorted_values(), state.edges)
    else:
        state.counts = np.zeros(len(state.edges) + 1, dtype=np.int64)


def _count_bins(table: Table, states: dict[str, Any]) -> None:
    import numpy as np

    from mlgate.core.stats.distance import bin_counts

    def work(name: str, column: TableColumn) -> None:
        state = states[name]
        if isinstance(state, _Numbers):
            values = column.numbers()
            values = values[~np.isnan(values)]
            values.sort()
            state.counts += bin_counts(values, state.edges)

    _in_threads(table, work)


def _add_current(table: Table, states: dict[str, Any], reference: dict[str, Any]) -> None:
    import numpy as np

    from mlgate.core.stats.distance import bin_counts

    def work(name: str, column: TableColumn) -> None:
        state = states[name]
        if isinstance(state, _Categories):
            _categorical_counts(column, state)
            return
        ref = reference[name]
        points = ref.points
        values = column.numbers()
        missing = np.isnan(values)
        values = values[~missing]
        state.missing += int(missing.sum())
        state.present += len(values)
        # Sorted once (a few ms: numpy's vectorised sort), the batch answers every count by
        # a binary search per point or edge — ~20× faster than placing each value.
        values.sort()
        binned = bin_counts(values, ref.edges)
        below = np.searchsorted(values, points, side="left")  # values < each point
        upto = np.searchsorted(values, points, side="right")  # values ≤ each point
        # Each feature's state is one worker's own (the pool maps over features).
        state.counts = binned if state.counts is None else state.counts + binned
        state.below = below if state.below is None else state.below + below
        state.upto = upto if state.upto is None else state.upto + upto

    _in_threads(table, work)


def _judge(name: str, ref: Any, cur: Any, settings: DriftSettings) -> FeatureDrift:
    import numpy as np

    from mlgate.core.stats.distance import TestResult, kolmogorov_sf
    from mlgate.core.stats.feature_drift import MISSING, measured_categorical, measured_numeric

    if isinstance(ref, _Categories):
        labels = list(ref.counts) + [c for c in cur.counts if c not in ref.counts]
        left = np.asarray([ref.counts.get(c, 0) for c in labels], dtype=np.int64)
        right = np.asarray([cur.counts.get(c, 0) for c in labels], dtype=np.int64)
        if ref.missing or cur.missing:
            labels.append(MISSING)
            left, right = np.append(left, ref.missing), np.append(right, cur.missing)
        measured = measured_categorical(labels, left, right)
        return judge_feature(name, "categorical", measured, settings=settings)
    points, cumulative = ref.points, ref.cumulative
    n, m = ref.sketch.count, cur.present
    ks = TestResult(statistic=math.nan, p_value=math.nan)
    if n and m and cur.upto is not None:
        k = len(points)
        at_or_below, below = cur.upto[:k], cur.below[:k]
        f1 = cumulative / n
        f1_before = np.concatenate([[0.0], f1[:-1]])
        # F1 is flat between reference points: the supremum of |F1 − F2| is reached at a
        # point (right values) or just before one (left limits).
        d = max(
            float(np.abs(f1 - at_or_below / m).max()), float(np.abs(f1_before - below / m).max())
        )
        root = math.sqrt(n * m / (n + m))
        ks = TestResult(statistic=d, p_value=kolmogorov_sf((root + 0.12 + 0.11 / root) * d))
    cur_counts = (
        cur.counts if cur.counts is not None else np.zeros(len(ref.edges) + 1, dtype=np.int64)
    )
    measured = measured_numeric(
        ks,
        (ref.counts, ref.missing, n),
        (cur_counts, cur.missing, m),
        summaries=(_reference_median(ref), _current_median(points, cur, m)),
    )
    return judge_feature(name, "numeric", measured, settings=settings)


def _reference_median(ref: _Numbers) -> str:
    from mlgate.core.stats.feature_drift import median_text
    from mlgate.core.stats.sketch import median_weighted

    if ref.sketch.exact:
        return median_text(ref.sketch.sorted_values())
    value = median_weighted(*ref.sketch.points())
    return "" if math.isnan(value) else f"median ≈ {value:.4g}"


def _current_median(points: Array, cur: Any, m: int) -> str:
    import numpy as np

    if not m or cur.upto is None or not len(points):
        return ""
    at = int(np.searchsorted(cur.upto, m / 2, side="left"))
    return f"median ≈ {float(points[min(at, len(points) - 1)]):.4g}"


def shared_features(
    names: Iterable[str],
    types: dict[str, str],
    current_types: dict[str, str],
    settings: DriftSettings,
) -> list[tuple[str, bool]]:
    """(name, as categories) for the features both files have, as compare_tables decides."""
    from mlgate.files.tables import TIME_TYPES

    out = []
    for name in names:
        limits = settings.for_feature(name)
        if limits.ignore or types[name] in TIME_TYPES or current_types[name] in TIME_TYPES:
            continue
        numeric = types[name] in ("integer", "float") and current_types[name] in (
            "integer",
            "float",
        )
        categorical = limits.categorical if limits.categorical is not None else not numeric
        out.append((name, categorical))
    if settings.max_features and len(out) > settings.max_features:
        raise InputError(
            f"{len(out)} features to compare, more than drift.max_features "
            f"({settings.max_features}); raise it or list columns to ignore"
        )
    return out
