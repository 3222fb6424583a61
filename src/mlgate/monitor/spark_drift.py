"""Drift and skew on Apache Spark (``--engine spark``): each side read in one pass on the
executors, with only per-partition summaries sent to the driver (monitor/spark_partials.py),
and the same DriftReport the local engines give.

The reference is a file read here, on the driver (the sample stored with a registered
version is one), or a table Spark reads; the current data is a table Spark reads. What is
exact and what is bounded is what the streamed engine states (monitor/streamed.py): bin
counts, missing counts and category counts exact, KS exact while the reference's sketch
is and within its stated bound past that; past drift.max_categories a feature's categories
are its most frequent plus "(other categories)", with the bound on the listed counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.adapters.spark import Source, read, session, spark_errors, summaries, version_of
from mlgate.core.drift import DataSide, DriftReport, Kind, schema_drift
from mlgate.core.drift_settings import DriftSettings
from mlgate.errors import InputError
from mlgate.monitor.spark_partials import (
    ROWS,
    Plan,
    Truncation,
    fold_other,
    merge,
    partition_function,
    unpack,
)
from mlgate.monitor.summaries import Numbers, drift_from, finish_reference, fresh_states

_MB = 1 << 20
PARTITION_POINTS = 32_768  # a large reference's sketch points per feature per partition


@dataclass
class _Pass:
    rows: int = 0
    partitions: int = 0
    largest: int = 0  # bytes of the largest partition's summary


def compare_on_spark(
    reference: Path | Source,
    current: Source,
    *,
    settings: DriftSettings,
    kind: Kind,
    reference_label: str,
    model: str | None,
    remote: str | None = None,
    ignore: tuple[str, ...] = (),
) -> DriftReport:
    from mlgate.monitor.streamed import compared_features
    from mlgate.monitor.tables import no_common_columns

    spark = session(remote)
    cur_frame = read(spark, current, role="current data")
    cur_types = spark_types(cur_frame.schema)
    ref_layout = None
    if isinstance(reference, Path):
        from mlgate.files.streaming import layout

        ref_layout = layout(reference, role="drift reference")
        ref_types, ref_frame = dict(ref_layout.types), None
    else:
        ref_frame = read(spark, reference, role="drift reference")
        ref_types = spark_types(ref_frame.schema)
    for name in ignore:
        ref_types.pop(name, None)
        cur_types.pop(name, None)
    if not set(ref_types) & set(cur_types):
        raise InputError(no_common_columns(reference_label, current.text))
    changes, features = compared_features(ref_types, cur_types, settings, label=current.text)
    truncation = Truncation()
    numeric = [name for name, categorical in features if not categorical]
    capacity = max(10_000, settings.memory_mb * _MB // 4 // (48 * max(len(numeric), 1)))
    if ref_layout is not None:
        from mlgate.monitor.streamed import summarise_reference

        ref_state, ref_rows = summarise_reference(
            ref_layout, features, settings=settings, capacity=capacity
        )
        ref_pass = _Pass(rows=ref_rows)
    else:
        ref_state = fresh_states(features, capacity=capacity)
        ref_pass = _reference_on_spark(
            ref_frame, ref_state, features, settings=settings, capacity=capacity,
            label=reference_label, truncation=truncation,
        )  # fmt: skip
    cur_state = fresh_states(features, capacity=1_000)
    plan = Plan("current", features, capacity, settings.max_categories, light(ref_state))
    cur_pass = run_pass(cur_frame, plan, cur_state, doing=f"summarising {current.text}",
                    truncation=truncation)  # fmt: skip
    for side, rows, label in (("current", cur_pass.rows, current.label()),
                              ("reference", ref_pass.rows, reference_label)):  # fmt: skip
        if rows == 0:
            raise InputError(f"{label}: 0 rows to compare (the {side} data is empty)")
    folded = fold_other(ref_state, cur_state, settings.max_categories)
    notes: dict[str, Any] = {
        "engine": "spark",
        "partitions": cur_pass.partitions,
        "summary_bytes": cur_pass.largest,
    }
    if folded:
        notes["categories"] = {
            "features": folded,
            "kept": settings.max_categories,
            "count_error": truncation.error,
        }
    with spark_errors(f"reading the version of {current.text}", table=current.text):
        version = version_of(spark, current)
    return drift_from(
        ref_state,
        cur_state,
        features=features,
        settings=settings,
        drifted_schema=[schema_drift(c, settings=settings) for c in changes if c.breaking],
        schema=tuple(changes),
        kind=kind,
        sides=(
            DataSide(label=reference_label, rows=ref_pass.rows),
            DataSide(label=current.label(version), rows=cur_pass.rows),
        ),
        model=model,
        notes=notes,
    )


def _reference_on_spark(
    frame: Any,
    states: dict[str, Any],
    features: list[tuple[str, bool]],
    *,
    settings: DriftSettings,
    capacity: int,
    label: str,
    truncation: Truncation,
) -> _Pass:
    """The reference read by Spark: its sketches merged, the edges set; a second pass for
    exact bin counts when a sketch had to compact (as the streamed engine does). A
    reference that fits ``capacity`` whole stays exact (each partition sends its values);
    a larger one is sketched in each partition within PARTITION_POINTS points a feature,
    which bounds what a partition sends (the bound adds up, and the report states it)."""
    with spark_errors(f"counting the reference {label}"):
        rows = frame.count()
    per_partition = capacity if rows <= capacity else min(capacity, PARTITION_POINTS)
    plan = Plan("reference", features, per_partition, settings.max_categories)
    done = run_pass(
        frame, plan, states, doing=f"summarising the reference {label}", truncation=truncation
    )
    finish_reference(states, settings)
    if any(isinstance(s, Numbers) and not s.sketch.exact for s in states.values()):
        plan = Plan("bins", features, capacity, settings.max_categories, light(states))
        bins = fresh_states(features, capacity=capacity)
        run_pass(frame, plan, bins, doing=f"counting the reference's bins {label}")
        for name, state in bins.items():
            if isinstance(state, Numbers) and state.counts is not None:
                states[name].counts = states[name].counts + state.counts
    return done


def run_pass(
    frame: Any,
    plan: Plan,
    states: dict[str, Any],
    *,
    doing: str,
    truncation: Truncation | None = None,
) -> _Pass:
    """One pass: the partition function on every partition, each summary added here as it
    arrives."""
    names = [name for name, _ in plan.features]
    done = _Pass()
    truncation = truncation or Truncation()
    size = 0
    for key, blob in summaries(frame.select(*names), partition_function(plan), doing=doing):
        size += len(blob)
        if key == ROWS:
            done.rows += unpack(blob)
            done.partitions += 1
            done.largest, size = max(done.largest, size), 0
            continue
        merge(states[key], unpack(blob), truncation, feature=key)
    return done


def light(states: dict[str, Any]) -> dict[str, Any]:
    """The reference's points and edges for the executors, without the sketches."""
    return {
        name: Numbers(sketch=None, edges=state.edges, points=state.points)
        for name, state in states.items()
        if isinstance(state, Numbers)
    }


_TYPES = {
    "byte": "integer",
    "short": "integer",
    "integer": "integer",
    "long": "integer",
    "float": "float",
    "double": "float",
    "decimal": "float",
    "boolean": "boolean",
    "string": "string",
    "varchar": "string",
    "char": "string",
    "timestamp": "timestamp",
    "timestamp_ntz": "timestamp",
    "date": "date",
}


def spark_types(schema: Any) -> dict[str, str]:
    """A Spark schema's columns as mlgate's type names (files/tables.py)."""
    return {
        field.name: _TYPES.get(field.dataType.typeName(), field.dataType.simpleString())
        for field in schema.fields
    }
