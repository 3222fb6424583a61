"""Candidate and baseline predictions joined on the example id, checked, and put in the
form the metrics need: class indices, scores per class, slice values.

A mismatch — ids in one file only, an id twice in a file, the same id with two different
labels — is a :class:`PairingError` that says how many and shows a few.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mlgate.core.columns import ColumnNames
from mlgate.core.stats.labels import (
    SHOWN,
    PairingError,
    TaskError,
    as_text,
    classes_of,
    distinct_text,
    few,
    infer_task,
    natural,
    with_predicted,
)

Array = Any


@dataclass(frozen=True, kw_only=True)
class Side:
    predicted: Array  # class indices, or values for regression
    scores: Array | None = None  # (n,) binary P(positive); (n, k) multiclass


@dataclass(frozen=True, kw_only=True)
class PairedPredictions:
    task: str
    classes: tuple[str, ...]
    labels: Array  # class indices, or values for regression
    candidate: Side
    baseline: Side
    slices: Mapping[str, Array] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.labels)

    def subset(self, mask: Array) -> PairedPredictions:
        def side(s: Side) -> Side:
            return Side(
                predicted=s.predicted[mask],
                scores=None if s.scores is None else s.scores[mask],
            )

        return PairedPredictions(
            task=self.task,
            classes=self.classes,
            labels=self.labels[mask],
            candidate=side(self.candidate),
            baseline=side(self.baseline),
        )


def pair(
    candidate: Mapping[str, Array],
    baseline: Mapping[str, Array],
    *,
    names: ColumnNames,
    slices: Sequence[str] = (),
    sources: tuple[str, str] = ("candidate", "baseline"),
) -> PairedPredictions:
    """Join on ``names.id``; the rows come out in the candidate's id order."""
    for columns, source in ((candidate, sources[0]), (baseline, sources[1])):
        _require(columns, source, names.id, "ids")
        _require(columns, source, names.label, "labels")
        for column in slices:
            _require(columns, source, column, "the slice")
    take_c, take_b = _join(candidate[names.id], baseline[names.id], sources)
    labels_c, labels_b = candidate[names.label][take_c], baseline[names.label][take_b]
    _same_labels(labels_c, labels_b, candidate[names.id][take_c], sources)
    if labels_c.dtype.kind == "f" and np.isnan(labels_c).any():
        raise PairingError(
            f"{sources[0]}: {int(np.isnan(labels_c).sum())} examples have no {names.label}"
        )
    task = infer_task(names, labels_c, candidate, baseline)
    slice_values = {c: as_text(candidate[c][take_c]) for c in slices}
    if task == "regression":
        return PairedPredictions(
            task=task,
            classes=(),
            labels=_numbers(labels_c, sources[0], names.label),
            candidate=Side(predicted=_regression(candidate, take_c, names, sources[0])),
            baseline=Side(predicted=_regression(baseline, take_b, names, sources[1])),
            slices=slice_values,
        )
    classes = classes_of(
        with_predicted(labels_c, candidate, baseline, names=names), task, names.positive
    )
    index = {name: i for i, name in enumerate(classes)}
    return PairedPredictions(
        task=task,
        classes=classes,
        labels=_indices(labels_c, index, sources[0], names.label),
        candidate=_classified(
            candidate, take=take_c, names=names, classes=classes, index=index, source=sources[0]
        ),
        baseline=_classified(
            baseline, take=take_b, names=names, classes=classes, index=index, source=sources[1]
        ),
        slices=slice_values,
    )


def _require(columns: Mapping[str, Array], source: str, column: str, what: str) -> None:
    if column not in columns:
        have = ", ".join(sorted(columns)[:12])
        raise PairingError(f"{source}: no column {column!r} for {what} (columns: {have})")


def _join(ids_c: Array, ids_b: Array, sources: tuple[str, str]) -> tuple[Array, Array]:
    keys_c, keys_b = _keys(ids_c), _keys(ids_b)
    orders, ordered = [], []
    for keys, source in ((keys_c, sources[0]), (keys_b, sources[1])):
        if len(keys) == 0:
            raise PairingError(f"{source}: no predictions")
        order = np.argsort(keys)
        sorted_keys = keys[order]
        repeated = sorted_keys[1:] == sorted_keys[:-1]
        if repeated.any():
            duplicates = np.unique(sorted_keys[1:][repeated])
            raise PairingError(
                f"{source}: {len(duplicates)} ids appear more than once, e.g. " + few(duplicates)
            )
        orders.append(order)
        ordered.append(sorted_keys)
    sorted_c, sorted_b = ordered
    if len(sorted_c) != len(sorted_b) or not np.array_equal(sorted_c, sorted_b):
        only_c = np.setdiff1d(sorted_c, sorted_b, assume_unique=True)
        only_b = np.setdiff1d(sorted_b, sorted_c, assume_unique=True)
        parts = []
        if len(only_c):
            parts.append(f"{len(only_c)} ids only in {sources[0]} (e.g. {few(only_c)})")
        if len(only_b):
            parts.append(f"{len(only_b)} ids only in {sources[1]} (e.g. {few(only_b)})")
        raise PairingError(
            "the candidate and the baseline were not scored on the same examples: "
            + "; ".join(parts)
        )
    # Candidate row order_c[j] and baseline row order_b[j] hold the same id.
    order_c, order_b = orders
    take_b = np.empty_like(order_b)
    take_b[order_c] = order_b
    return np.arange(len(keys_c)), take_b


def examples_digest(ids: Array, labels: Array) -> str:
    """The identity of an evaluation set as per-example predictions see it: sha256 of its
    (id, label) pairs in id order, labels as text (1, 1.0 and "1" alike)."""
    keys = _keys(np.asarray(ids))
    order = np.argsort(keys, kind="stable")
    digest = hashlib.sha256()
    digest.update("\n".join(np.asarray(keys[order]).astype(str).tolist()).encode())
    digest.update(b"\0")
    digest.update("\n".join(as_text(np.asarray(labels)[order]).tolist()).encode())
    return digest.hexdigest()


def _keys(ids: Array) -> Array:
    if ids.dtype.kind in "iu":
        return ids
    if ids.dtype.kind == "f":
        if np.isnan(ids).any():
            raise PairingError(f"{int(np.isnan(ids).sum())} rows have no id")
        return ids
    return np.asarray(ids, dtype=str)


def _same_labels(labels_c: Array, labels_b: Array, ids: Array, sources: tuple[str, str]) -> None:
    if labels_c.dtype.kind in "iuf" and labels_b.dtype.kind in "iuf":
        differ = labels_c != labels_b  # numbers compare as numbers: 1 == 1.0
    else:
        differ = as_text(labels_c) != as_text(labels_b)
    if differ.any():
        where = np.flatnonzero(differ)
        shown = ", ".join(f"{ids[i]}: {labels_c[i]} vs {labels_b[i]}" for i in where[:SHOWN])
        raise PairingError(
            f"{len(where)} examples have different labels in {sources[0]} and "
            f"{sources[1]}, e.g. {shown}"
        )


def positive_class(labels: Array, positive: str | None) -> str:
    """The class a binary score is the probability of, as :func:`pair` reads it."""
    return classes_of(np.asarray(labels), "binary", positive)[1]


def _classified(
    columns: Mapping[str, Array],
    *,
    take: Array,
    names: ColumnNames,
    classes: tuple[str, ...],
    index: Mapping[str, int],
    source: str,
) -> Side:
    scores = None
    if len(classes) == 2 and names.score in columns:
        scores = _probabilities(columns[names.score][take], source, names.score)
    elif len(classes) > 2:
        wanted = [f"{names.score}_{c}" for c in classes]
        present = [w for w in wanted if w in columns]
        if present and len(present) < len(wanted):
            missing = [w for w in wanted if w not in columns]
            raise PairingError(f"{source}: score columns missing for {', '.join(missing[:SHOWN])}")
        if present:
            scores = np.column_stack([_probabilities(columns[w][take], source, w) for w in wanted])
    if names.prediction in columns:
        predicted = _indices(columns[names.prediction][take], index, source, names.prediction)
    elif scores is not None:
        predicted = (scores >= 0.5).astype(np.int64) if scores.ndim == 1 else scores.argmax(1)
    else:
        raise PairingError(
            f"{source}: needs a {names.prediction!r} column, or scores ({names.score!r})"
        )
    return Side(predicted=predicted, scores=scores)


def _regression(
    columns: Mapping[str, Array], take: Array, names: ColumnNames, source: str
) -> Array:
    _require(columns, source, names.prediction, "predictions")
    return _numbers(columns[names.prediction][take], source, names.prediction)


def _numbers(values: Array, source: str, column: str) -> Array:
    if values.dtype.kind not in "iuf":
        raise PairingError(f"{source}: {column} must be numbers for regression")
    numbers = values.astype(float)
    if not np.isfinite(numbers).all():
        bad = int((~np.isfinite(numbers)).sum())
        raise PairingError(f"{source}: {column} has {bad} empty or non-finite values")
    return numbers


def _probabilities(values: Array, source: str, column: str) -> Array:
    numbers = _numbers(values, source, column)
    outside = (numbers < 0) | (numbers > 1)
    if outside.any():
        raise PairingError(
            f"{source}: {column} must be probabilities in [0, 1]; {int(outside.sum())} are not"
        )
    return numbers


def _indices(values: Array, index: Mapping[str, int], source: str, column: str) -> Array:
    """Labels → class indices, through their distinct values (sorting 1M numbers is cheap;
    turning 1M numbers into text is not); a value that is no class is an error."""
    if values.dtype.kind in "iu" and len(values) and np.ptp(values) < 65536:
        # Small whole numbers (the usual labels): a lookup table instead of a sort.
        low = int(values.min())
        distinct = np.flatnonzero(np.bincount(values - low)) + low
        table = np.full(int(np.ptp(values)) + 1, -1, dtype=np.int64)
        table[distinct - low] = np.arange(len(distinct))
        inverse = table[values - low]
    else:
        distinct, inverse = np.unique(values, return_inverse=True)
    names = as_text(distinct)
    unknown = [name for name in names.tolist() if name not in index]
    if unknown:
        raise PairingError(
            f"{source}: {column} has values that are not among the labels: "
            + few(np.asarray(unknown))
        )
    mapping = np.asarray([index[name] for name in names.tolist()], dtype=np.int64)
    return mapping[inverse.reshape(-1)]


@dataclass(frozen=True, kw_only=True)
class Single:
    """One file's predictions on their own (served traffic), in the form the metrics need."""

    task: str
    classes: tuple[str, ...]
    labels: Array  # class indices, or values for regression
    side: Side


def single(
    columns: Mapping[str, Array],
    *,
    names: ColumnNames,
    take: Array,
    source: str,
    classes: tuple[str, ...] | None = None,
    task: str | None = None,
) -> Single:
    """The rows ``take`` of one predictions file; ``classes`` (the model's, when known
    from elsewhere) fixes the class order; a label or prediction outside them is another
    class, after them."""
    _require(columns, source, names.label, "labels")
    labels = columns[names.label][take]
    task = task or infer_task(names, labels, columns, {})
    if task == "regression":
        return Single(
            task=task,
            classes=(),
            labels=_numbers(labels, source, names.label),
            side=Side(predicted=_regression(columns, take, names, source)),
        )
    if classes is None:
        # Distinct values first: turning a million labels into text is slow.
        seen = as_text(np.unique(labels))
        if names.prediction in columns:
            seen = np.concatenate([seen, as_text(np.unique(columns[names.prediction][take]))])
        classes = classes_of(seen, task, names.positive)
    else:
        # A class the model never saw, in the labels or the predictions, is still scored:
        # every such example is wrong. Per-class scores cannot hold it, so that is an error.
        predicted = (
            {names.prediction: columns[names.prediction][take]}
            if names.prediction in columns
            else {}
        )
        seen = with_predicted(labels, predicted, names=names)
        unknown = [c for c in distinct_text(seen) if c not in classes]
        if (
            unknown
            and len(classes) > 2
            and any(column.startswith(f"{names.score}_") for column in columns)
        ):
            raise PairingError(
                f"{source}: {few(np.asarray(unknown))} are not among the model's classes "
                f"({', '.join(classes[:SHOWN])}), and its per-class scores have no column for "
                "them"
            )
        if unknown and task == "binary":
            raise TaskError(
                f"{source}: {few(np.asarray(unknown))} are not among the model's two classes "
                f"({', '.join(classes)}); set predictions.task: multiclass"
            )
        classes = (*classes, *sorted(unknown, key=natural))
    index = {name: i for i, name in enumerate(classes)}
    return Single(
        task=task,
        classes=classes,
        labels=_indices(labels, index, source, names.label),
        side=_classified(
            columns, take=take, names=names, classes=classes, index=index, source=source
        ),
    )
