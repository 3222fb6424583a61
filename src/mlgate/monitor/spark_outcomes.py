"""``monitor --outcomes table:… --engine spark``: production's live metrics from outcomes
too large for one machine. Nothing is joined or collected on the driver:

1. a small digest (the rows of each distinct label and prediction, and the first rows)
   fixes the task and the classes, as the in-memory route decides them;
2. one pass on the executors reads each partition's rows as the in-memory route reads a
   file (core/stats/paired.single), and sums them per window — the day or week the time
   column puts each row in (core/stats/sums.py: confusion counts, log-loss moments, score
   bins, regression moments);
3. the driver adds the partitions' sums and judges them as the in-memory route judges its
   examples (monitor/live_verdict.py) — the same intervals, ROC AUC's within the stated
   binning bound;
4. the outputs' drift (scores or predictions, and labels) is measured by the Spark drift
   engine against production's evaluation-time sample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.adapters.spark import Source, read, session, spark_errors, summaries
from mlgate.core.columns import ColumnNames
from mlgate.core.performance import PerformanceSettings
from mlgate.errors import InputError
from mlgate.files.config import Config
from mlgate.monitor.engine import Engine

if TYPE_CHECKING:
    from mlgate.monitor.outcome_data import Outcomes, Reference

DIGEST_ROWS = 10_000
ALL = ""  # the key of the rows when there are no windows


@dataclass(frozen=True)
class _Plan:
    names: ColumnNames
    source: str
    task: str
    classes: tuple[str, ...]
    settings: PerformanceSettings
    buffer_rows: int = 131_072


def outcomes_on_spark(
    source: str,
    *,
    reference: Reference,
    config: Config,
    settings: PerformanceSettings,
    engine: Engine,
) -> Outcomes:
    from mlgate.core.stats.sums import auc_error
    from mlgate.monitor.live_verdict import WindowSide, judge_live_side, sums_side
    from mlgate.monitor.outcome_data import Outcomes, reference_sample

    spark = session(engine.remote)
    table = Source(source, where=engine.where)
    frame = read(spark, table, role="outcomes")
    names = config.columns
    for needed, what in ((names.id, "one id per served prediction"), (names.label, "the labels")):
        if needed not in frame.columns:
            have = ", ".join(sorted(frame.columns)[:12])
            raise InputError(f"{table.label()}: no column {needed!r} ({what}; columns: {have})")
    _unique_ids(frame, names.id, table)
    ref = reference_sample(reference)
    task, classes = digest_task_and_classes(frame, names, table.label(), ref=ref)
    plan = _Plan(names=names, source=table.label(), task=task, classes=classes, settings=settings)
    served: dict[str, int] = {}
    windows: dict[str, Any] = {}
    partitions = 0
    from mlgate.monitor.spark_partials import unpack

    for key, blob in summaries(frame, _partition(plan), doing=f"summing {table.label()}"):
        if key == "\x00end":
            partitions += 1
            continue
        count, sums = unpack(blob)
        served[key] = served.get(key, 0) + count
        if key in windows:
            windows[key].add(sums)
        else:
            windows[key] = sums
    overall = _total(windows.values(), task=task, classes=classes)
    sides = [
        WindowSide(start=key, served=served[key], side=sums_side(windows[key]))
        for key in sorted(windows)
        if key != ALL
    ]
    notes: dict[str, Any] = {"engine": "spark", "partitions": partitions}
    if overall.positives is not None:
        notes["auc_error"] = auc_error(overall.positives, overall.negatives)
    report = judge_live_side(
        sums_side(overall),
        sides,
        ref=ref,
        reference=reference,
        config=config,
        settings=settings,
        outcomes=table.label(),
        served=sum(served.values()),
        notes=notes,
    )
    from mlgate.monitor.spark_outputs import outputs_on_spark

    outputs = outputs_on_spark(frame, names=names, reference=reference, settings=config.drift)
    return Outcomes(performance=report, outputs=outputs)


def _total(parts: Any, *, task: str, classes: tuple[str, ...]) -> Any:
    from mlgate.core.stats.sums import OutcomeSums

    total = OutcomeSums(task=task, classes=classes)
    for part in parts:
        total.add(part)
    return total


def _unique_ids(frame: Any, column: str, table: Source) -> None:
    """One row per served prediction: ids seen twice, counted on the executors."""
    from mlgate.adapters.spark import repeated

    with spark_errors(f"checking the ids of {table.label()}", table=table.label()):
        shown, total = repeated(frame, column)
    if not shown:
        return
    raise InputError(
        f"{table.label()}: column {column!r}: {total} ids appear more than once "
        f"({', '.join(repr(str(v)) for v in shown)}); give one row per served prediction"
    )


def digest_task_and_classes(
    frame: Any, names: ColumnNames, source: str, *, ref: Any
) -> tuple[str, tuple[str, ...]]:
    """As the in-memory route decides them, from a digest: a row of each distinct label
    and prediction (every class the data holds) and the first rows."""
    from mlgate.files.predictions import arrow_values
    from mlgate.monitor.outcome_data import present, sample_of

    with spark_errors(f"reading the classes of {source}", table=source):
        parts = [frame.limit(DIGEST_ROWS)]
        for column in (names.label, names.prediction):
            if column in frame.columns:
                parts.append(frame.dropDuplicates([column]).limit(DIGEST_ROWS))
        digest = parts[0]
        for part in parts[1:]:
            digest = digest.unionByName(part)
        arrow = digest.toArrow()
    columns = {name: arrow_values(arrow.column(name)) for name in arrow.column_names}
    take = present(columns[names.label])
    found = sample_of(columns, names=names, take=take, source=source, like=ref)
    return found.task, tuple(found.classes)


def _partition(plan: _Plan) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        from mlgate.monitor.spark_partials import gathered, pack, summary_batch

        served: dict[str, int] = {}
        sums: dict[str, Any] = {}
        for table in gathered(batches, plan.buffer_rows):
            _add(plan, table, served, sums)
        keys = sorted(served)
        yield summary_batch(
            [*keys, "\x00end"], [*(pack((served[k], sums[k])) for k in keys), pack(None)]
        )

    return run


def _add(plan: _Plan, table: Any, served: dict[str, int], sums: dict[str, Any]) -> None:
    """One buffer of rows: read as a predictions file is, summed per window."""
    import numpy as np

    from mlgate.core.stats.live import Sample
    from mlgate.core.stats.paired import single
    from mlgate.core.stats.sums import sums_of
    from mlgate.files.predictions import arrow_values
    from mlgate.monitor.outcome_data import present, timestamps, window_starts

    columns = {name: arrow_values(table.column(name)) for name in table.column_names}
    names = plan.names
    labelled = present(columns[names.label])
    sample = Sample.of(
        single(
            columns,
            names=names,
            take=labelled,
            source=plan.source,
            classes=plan.classes,
            task=plan.task,
        )
    )
    times = timestamps(plan.source, columns, plan.settings)
    if times is None or not plan.settings.window:
        keys, index = np.asarray([ALL]), np.zeros(len(labelled), dtype=np.int64)
    else:
        starts, index = np.unique(window_starts(times, plan.settings.window), return_inverse=True)
        keys = starts.astype(str)
    labelled_index = index[labelled]
    for i, key in enumerate(keys.tolist()):
        part = sums_of(sample.subset(labelled_index == i))
        served[key] = served.get(key, 0) + int((index == i).sum())
        if key in sums:
            sums[key].add(part)
        else:
            sums[key] = part
