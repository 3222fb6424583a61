"""The drift of what the model outputs (scores or predicted classes) and of the labels that
arrived, for outcomes Spark reads: measured as monitor/output_drift.py measures them in
memory, with the reference (production's evaluation-time sample) summarised here and the
outcomes on the executors (monitor/spark_drift.py's passes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.core.columns import ColumnNames
from mlgate.core.drift import FeatureDrift
from mlgate.core.drift_family import decided
from mlgate.core.drift_settings import DriftSettings

if TYPE_CHECKING:
    from mlgate.monitor.outcome_data import Reference


def outputs_on_spark(
    frame: Any, *, names: ColumnNames, reference: Reference, settings: DriftSettings
) -> tuple[FeatureDrift, ...]:
    theirs = reference.columns if reference.columns is not None else reference.sample
    if theirs is None:
        return ()
    their = reference.names
    pairs = []  # (output, the outcomes' column, the reference's values, labelled rows only)
    if names.score in frame.columns and their.score in theirs:
        pairs.append(("score", names.score, theirs[their.score], False))
    elif names.prediction in frame.columns and their.prediction in theirs:
        pairs.append(("prediction", names.prediction, theirs[their.prediction], False))
    if their.label in theirs:
        pairs.append(("label", names.label, theirs[their.label], True))
    measured = [
        _measure(name, frame, column, values, labelled_only=labelled_only, settings=settings)
        for name, column, values, labelled_only in pairs
    ]
    return decided(measured, settings=settings)


def _measure(
    name: str,
    frame: Any,
    column: str,
    reference: Any,
    *,
    labelled_only: bool,
    settings: DriftSettings,
) -> FeatureDrift:
    import numpy as np

    from mlgate.files.tables import Table
    from mlgate.monitor.spark_drift import light, run_pass, spark_types
    from mlgate.monitor.spark_partials import Plan
    from mlgate.monitor.streamed import add_reference
    from mlgate.monitor.summaries import finish_reference, fresh_states, judge

    spark_type = spark_types(frame.select(column).schema)[column]
    # As output_drift decides: numbers when both sides hold fractions, else categories.
    whole = reference.dtype.kind == "f" and bool(
        np.all(np.mod(reference[~np.isnan(reference)], 1) == 0)
    )
    numeric = spark_type == "float" and reference.dtype.kind == "f" and not whole
    features = [(name, not numeric)]
    capacity = max(len(reference), 1_000)  # the sample whole: KS exact
    ref_state = fresh_states(features, capacity=capacity)
    table = Table(path=None, rows=len(reference), columns={name: _column(name, reference)})  # type: ignore[arg-type]
    add_reference(table, ref_state)
    finish_reference(ref_state, settings)
    current = frame.where(frame[column].isNotNull()) if labelled_only else frame
    cur_state = fresh_states(features, capacity=1_000)
    plan = Plan("current", features, capacity, settings.max_categories, light(ref_state))
    run_pass(
        current.select(current[column].alias(name)),
        plan,
        cur_state,
        doing=f"measuring the drift of the {name}s",
    )
    return judge(name, ref_state[name], cur_state[name], settings)


def _column(name: str, values: Any) -> Any:
    """The reference's values as a table column (numbers as numbers, text as categories)."""
    import numpy as np

    from mlgate.files.tables import TableColumn

    if values.dtype.kind in "iufb":
        return TableColumn(name=name, type="float", chunks=(values.astype(float),))
    text = np.asarray([str(v) for v in values.tolist()], dtype=object)
    categories, codes = np.unique(text, return_inverse=True)
    return TableColumn(
        name=name, type="string", categories=categories.astype(object), codes=codes.astype(np.int64)
    )
