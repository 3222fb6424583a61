"""What the labels and predictions are: the task (binary, multiclass, regression) as
configured or inferred, the classes, and labels read as text. A task that does not fit the
predictions is a :class:`TaskError` naming ``predictions.task`` and the values that decided.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from mlgate.core.columns import ColumnNames

Array = Any
SHOWN = 5


class PairingError(ValueError):
    """The two sets of predictions cannot be compared example by example."""


class TaskError(PairingError):
    """The predictions do not fit the task (``predictions.task``): a setting to change,
    not data to re-score."""


def infer_task(
    names: ColumnNames, labels: Array, candidate: Mapping[str, Array], baseline: Mapping[str, Array]
) -> str:
    """The task: as configured, else decided by the labels and the predictions. Whole-number
    labels with fractional predictions are regression (counts, prices, scores)."""
    fractional = fractional_predictions(names, candidate, baseline)
    if names.task != "auto":
        if names.task in ("binary", "multiclass") and fractional is not None:
            raise TaskError(
                f"predictions.task is {names.task}, but {names.prediction!r} holds values that "
                f"are no class, e.g. {fractional}: set predictions.task: regression, or put "
                f"class probabilities in {names.score!r} and classes in {names.prediction!r}"
            )
        return names.task
    if labels.dtype.kind == "f" and not np.all(np.mod(labels[~np.isnan(labels)], 1) == 0):
        return "regression"
    per_class = any(c.startswith(f"{names.score}_") for c in (*candidate, *baseline))
    distinct = distinct_text(labels)
    seen = distinct_text(with_predicted(labels, candidate, baseline, names=names))
    if fractional is not None and not per_class:
        if len(distinct) <= 2 and probabilities_like(names, candidate, baseline):
            raise TaskError(
                f"the labels are {' and '.join(distinct)} but {names.prediction!r} holds "
                f"fractions in [0, 1] (e.g. {fractional}): if they are probabilities, name the "
                f"column {names.score!r} (predictions.score); if the task is regression, set "
                "predictions.task: regression"
            )
        return "regression"
    return (
        "multiclass" if len(seen) > 2 or (per_class and names.score not in candidate) else "binary"
    )


def fractional_predictions(names: ColumnNames, *sides: Mapping[str, Array]) -> str | None:
    """A prediction that is no whole number (shown), or None."""
    for columns in sides:
        values = columns.get(names.prediction)
        if values is None or values.dtype.kind != "f":
            continue
        finite = values[np.isfinite(values)]
        odd = finite[np.mod(finite, 1) != 0]
        if len(odd):
            return f"{odd[0]:g}"
    return None


def probabilities_like(names: ColumnNames, *sides: Mapping[str, Array]) -> bool:
    for columns in sides:
        values = columns.get(names.prediction)
        if values is not None and values.dtype.kind == "f":
            finite = values[np.isfinite(values)]
            if len(finite) and (finite.min() < 0 or finite.max() > 1):
                return False
    return True


def with_predicted(labels: Array, *sides: Mapping[str, Array], names: ColumnNames) -> Array:
    """The labels' distinct values and the predicted ones: a class a model predicts that
    no example has is still a class (every such prediction is wrong)."""
    seen = [as_text(np.unique(labels))]
    for columns in sides:
        if names.prediction in columns:
            seen.append(as_text(np.unique(columns[names.prediction])))
    return np.concatenate(seen)


def classes_of(labels: Array, task: str, positive: str | None) -> tuple[str, ...]:
    found = sorted(distinct_text(labels), key=natural)
    if task == "multiclass":
        return tuple(found)
    if len(found) > 2:
        raise TaskError(
            f"predictions.task is binary but the labels and predictions have {len(found)} "
            f"values: {', '.join(found[:SHOWN])}; set predictions.task: multiclass (or "
            "regression)"
        )
    if positive is not None:
        others = [c for c in found if c != positive]
        return (others[0] if others else "not " + positive, positive)
    for yes in ("1", "true", "True", "yes"):
        if yes in found:
            others = [c for c in found if c != yes]
            return (others[0] if others else "0", yes)
    if len(found) == 1:
        return (found[0], "(other)")
    return (found[0], found[1])


def natural(text: str) -> tuple[int, float, str]:
    try:
        return (0, float(text), text)
    except ValueError:
        return (1, 0.0, text)


def distinct_text(values: Array) -> list[str]:
    return list(dict.fromkeys(as_text(np.unique(values)).tolist()))


def as_text(values: Array) -> Array:
    """Labels compared as text: 1, 1.0 and "1" are the same class."""
    if values.dtype.kind == "f":
        whole = np.mod(values, 1) == 0
        if whole.all():
            return values.astype(np.int64).astype(str)
    return np.asarray(values).astype(str)


def few(values: Array) -> str:
    shown = ", ".join(str(v) for v in values[:SHOWN])
    return shown + (" …" if len(values) > SHOWN else "")
