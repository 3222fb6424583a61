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

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mlgate.core.drift import DataSide, DriftReport, FeatureDrift, Kind
from mlgate.core.drift_settings import DriftSettings
from mlgate.errors import InputError
from mlgate.files.streaming import Layout, batches
from mlgate.files.tables import Table, TableColumn
from mlgate.monitor.summaries import (
    Categories,
    Numbers,
    add_categories,
    drift_from,
    finish_reference,
    fresh_states,
)

_MB = 1 << 20


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
    columns = [name for name, _ in features]
    batch_rows = batch_rows_for(settings, len(columns))
    ref_state, ref_rows = summarise_reference(
        reference, features, settings=settings, capacity=capacity
    )
    cur_state = fresh_states(features, capacity=1_000)
    cur_rows = _read(current, columns, batch_rows, lambda t: add_current(t, cur_state, ref_state))
    return drift_from(
        ref_state,
        cur_state,
        features=features,
        settings=settings,
        drifted_schema=drifted_schema,
        schema=schema,
        kind=kind,
        sides=(DataSide(label=labels[0], rows=ref_rows), DataSide(label=labels[1], rows=cur_rows)),
        model=model,
        notes={"streamed": True},
    )


def batch_rows_for(settings: DriftSettings, columns: int) -> int:
    """Rows per batch read: an eighth of drift.memory_mb for one batch as read (and as much
    again for the per-feature copies measured from it)."""
    return max(10_000, settings.memory_mb * _MB // 8 // (8 * max(columns, 1)))


def summarise_reference(
    reference: Layout,
    features: list[tuple[str, bool]],
    *,
    settings: DriftSettings,
    capacity: int | None = None,
) -> tuple[dict[str, Any], int]:
    """The reference's states, edges set, read once (twice when a sketch had to compact);
    and its row count. A quarter of drift.memory_mb holds the sketches, whose points cost
    ~48 bytes each (value, weight, cumulative count, and the current side's two running
    counts at every point)."""
    columns = [name for name, _ in features]
    batch_rows = batch_rows_for(settings, len(columns))
    numeric = [name for name, categorical in features if not categorical]
    budget = settings.memory_mb * _MB
    capacity = capacity or max(10_000, budget // 4 // (48 * max(len(numeric), 1)))
    states = fresh_states(features, capacity=capacity)
    rows = _read(reference, columns, batch_rows, lambda t: add_reference(t, states))
    finish_reference(states, settings)
    if any(isinstance(s, Numbers) and not s.sketch.exact for s in states.values()):
        _read(reference, columns, batch_rows, lambda t: count_bins(t, states, states))
    return states, rows


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


def add_reference(table: Table, states: dict[str, Any]) -> None:
    import numpy as np

    def work(name: str, column: TableColumn) -> None:
        state = states[name]
        if isinstance(state, Categories):
            add_categories(column, state)
            return
        values = column.numbers()
        missing = np.isnan(values)
        state.missing += int(missing.sum())
        state.sketch.add(values[~missing] if missing.any() else values)

    _in_threads(table, work)


def count_bins(table: Table, states: dict[str, Any], reference: dict[str, Any]) -> None:
    """Exact bin counts at the reference's edges (``reference``: the states holding them)."""
    import numpy as np

    from mlgate.core.stats.distance import bin_counts

    def work(name: str, column: TableColumn) -> None:
        state = states[name]
        if isinstance(state, Numbers):
            values = column.numbers()
            values = values[~np.isnan(values)]
            values.sort()
            binned = bin_counts(values, reference[name].edges)
            state.counts = binned if state.counts is None else state.counts + binned

    _in_threads(table, work)


def add_current(table: Table, states: dict[str, Any], reference: dict[str, Any]) -> None:
    import numpy as np

    from mlgate.core.stats.distance import bin_counts

    def work(name: str, column: TableColumn) -> None:
        state = states[name]
        if isinstance(state, Categories):
            add_categories(column, state)
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


def compared_features(
    reference: dict[str, str], current: dict[str, str], settings: DriftSettings, *, label: str
) -> tuple[list[Any], list[tuple[str, bool]]]:
    """The schema's changes (ignored columns left out) and the features both sides share
    that no breaking change removed; ``label`` names the current data in errors."""
    from mlgate.monitor.tables import schema_changes

    changes = [
        c for c in schema_changes(reference, current) if not settings.for_feature(c.column).ignore
    ]
    broken = {c.column for c in changes if c.breaking}
    names = [n for n in reference if n in current and n not in broken]
    try:
        return changes, shared_features(names, reference, current, settings)
    except InputError as exc:
        raise InputError(f"{label}: {exc}") from None


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
