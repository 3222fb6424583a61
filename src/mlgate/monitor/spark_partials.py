"""What each Spark partition computes, on the executor, from its Arrow batches — the same
states the streamed engine fills batch by batch (monitor/summaries.py), one per feature —
and how the driver adds them up. Only these summaries leave an executor: their size is
bounded by the reference's points, the bins and drift.max_categories, never by the rows.

Imported on the executors: numpy, pyarrow and mlgate's own pure modules, no pyspark.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mlgate.monitor.summaries import Categories, Numbers, fresh_states

Array = Any
ROWS = "\x00rows"  # the key of a partition's row count (no column is named so)
PASSES = ("reference", "bins", "current")


@dataclass(frozen=True)
class Plan:
    """One pass over a side's partitions. ``reference``: the reference's points and edges
    (for the ``bins`` and ``current`` passes), without its sketches."""

    pass_: str
    features: list[tuple[str, bool]]
    capacity: int
    max_categories: int
    reference: dict[str, Any] | None = None
    buffer_rows: int = 131_072


def partition_function(plan: Plan) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """The function ``mapInArrow`` runs on each partition."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        states = fresh_states(plan.features, capacity=plan.capacity)
        rows = 0
        for table in gathered(batches, plan.buffer_rows):
            _add(plan, states, table)
            rows += table.num_rows
        names = [name for name, _ in plan.features]
        parts = [pack(_shipped(states[name], plan)) for name in names]
        # The row count last: it closes the partition's summaries.
        yield summary_batch([*names, ROWS], [*parts, pack(rows)])

    return run


def gathered(batches: Iterator[Any], rows: int) -> Iterator[Any]:
    """A partition's Arrow batches (Spark's ~10k rows each) as tables of about ``rows``
    rows: each sort and search then serves many values."""
    import pyarrow as pa

    pending: list[Any] = []
    buffered = 0
    for batch in batches:
        pending.append(batch)
        buffered += batch.num_rows
        if buffered >= rows:
            yield pa.Table.from_batches(pending)
            pending, buffered = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def _add(plan: Plan, states: dict[str, Any], table: Any) -> None:
    from mlgate.files.tables import Table, arrow_column
    from mlgate.monitor import streamed

    columns = {name: arrow_column(name, table.column(name)) for name, _ in plan.features}
    part = Table(path=None, rows=table.num_rows, columns=columns)  # type: ignore[arg-type]
    if plan.pass_ == "reference":
        streamed.add_reference(part, states)
    elif plan.pass_ == "bins":
        streamed.count_bins(part, states, plan.reference or {})
    else:
        streamed.add_current(part, states, plan.reference or {})


def _shipped(state: Any, plan: Plan) -> dict[str, Any]:
    if isinstance(state, Categories):
        return _categories(state, partition_categories(plan.max_categories))
    out: dict[str, Any] = {"missing": state.missing, "present": state.present}
    if plan.pass_ == "reference":
        out["sketch"] = state.sketch
    if state.counts is not None:
        out["counts"] = state.counts
    if state.below is not None:
        # Counts below and at each reference point, as the (small) counts between and at
        # consecutive points: mostly zeros and ones, which compress to almost nothing.
        out["between"], out["at"] = _cells(state.below, state.upto)
    return out


def _cells(below: Array, upto: Array) -> tuple[Array, Array]:
    import numpy as np

    at = upto - below
    between = below - np.concatenate([[0], upto[:-1]])
    return _small(between), _small(at)


def _uncells(between: Array, at: Array) -> tuple[Array, Array]:
    import numpy as np

    between, at = between.astype(np.int64), at.astype(np.int64)
    upto = np.cumsum(between + at)
    return upto - at, upto


def _small(counts: Array) -> Array:
    import numpy as np

    return counts.astype(np.uint32 if counts.max(initial=0) < 2**32 else np.int64)


def _categories(state: Categories, bound: int) -> dict[str, Any]:
    """Exact counts while a partition has at most ``bound`` distinct values; past it the
    ``bound`` most frequent, and what the rest add up to (``other``) with the largest count
    left out (``cut``: no left-out category had more in this partition)."""
    counts = state.counts
    if len(counts) <= bound:
        return {"counts": counts, "missing": state.missing}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    kept = dict(ranked[:bound])
    rest = ranked[bound:]
    return {
        "counts": kept,
        "missing": state.missing,
        "other": sum(c for _, c in rest),
        "cut": rest[0][1],
    }


def summary_batch(keys: list[str], parts: list[bytes]) -> Any:
    """The one Arrow batch a partition yields: (key, part) rows (adapters/spark.SCHEMA)."""
    import pyarrow as pa

    return pa.RecordBatch.from_pydict(
        {"key": keys, "part": parts},
        schema=pa.schema([("key", pa.string()), ("part", pa.binary())]),
    )


def pack(value: Any) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=5), 1)


def unpack(blob: bytes) -> Any:
    """A summary an executor of this same job sent (never data from outside the job)."""
    return pickle.loads(zlib.decompress(blob))


@dataclass
class Truncation:
    """Partitions that cut their category counts (more than PARTITION_CATEGORIES(bound)
    distinct values): per feature, how much a listed count may fall short — the sum of
    those partitions' largest left-out counts."""

    errors: dict[str, int] = field(default_factory=dict)

    @property
    def error(self) -> int:
        return max(self.errors.values(), default=0)


def partition_categories(bound: int) -> int:
    """Distinct values a partition sends per feature: four times drift.max_categories (at
    least 1,000), so the top ones overall are seldom cut anywhere."""
    return max(4 * bound, 1_000)


def merge(into: Any, part: dict[str, Any], truncation: Truncation, *, feature: str) -> None:
    """One partition's summary added to the driver's state for the feature."""
    if isinstance(into, Categories):
        for label, count in part["counts"].items():
            into.counts[label] = into.counts.get(label, 0) + count
        into.missing += part["missing"]
        if "other" in part:
            into.counts[OTHER] = into.counts.get(OTHER, 0) + part["other"]
            truncation.errors[feature] = truncation.errors.get(feature, 0) + part["cut"]
        return
    assert isinstance(into, Numbers)
    into.missing += part["missing"]
    into.present += part["present"]
    if "sketch" in part:
        into.sketch.merge(part["sketch"])
    if "counts" in part:
        into.counts = part["counts"] if into.counts is None else into.counts + part["counts"]
    if "between" in part:
        below, upto = _uncells(part["between"], part["at"])
        into.below = below if into.below is None else into.below + below
        into.upto = upto if into.upto is None else into.upto + upto


OTHER = "(other categories)"


def fold_other(reference: dict[str, Any], current: dict[str, Any], bound: int) -> list[str]:
    """A feature with more than ``bound`` categories (both sides together) keeps the
    ``bound`` most frequent over both sides; the rest join OTHER on each side alike.
    Returns the features folded."""
    folded = []
    for name, ref in reference.items():
        cur = current[name]
        if not isinstance(ref, Categories):
            continue
        total: dict[str, int] = {}
        for state in (ref, cur):
            for label, count in state.counts.items():
                total[label] = total.get(label, 0) + count
        if len(total) <= bound:
            continue
        listed = [kv for kv in total.items() if kv[0] != OTHER]
        ranked = sorted(listed, key=lambda kv: (-kv[1], kv[0]))
        keep = {label for label, _ in ranked[:bound]}
        for state in (ref, cur):
            rest = sum(c for label, c in state.counts.items() if label not in keep)
            state.counts = {k: v for k, v in state.counts.items() if k in keep}
            if rest:
                state.counts[OTHER] = rest
        folded.append(name)
    return folded
