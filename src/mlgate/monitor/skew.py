"""Training–serving skew by key: the same rows (request or entity ids) in the offline
feature table and the online log, value against value. Distributions can agree while a
feature is computed differently online; this finds that."""

from __future__ import annotations

from typing import Any

from mlgate.core.mismatch import Mismatch
from mlgate.errors import InputError
from mlgate.files.tables import Table, TableColumn, as_text

EXAMPLES = 5


def key_mismatches(
    training: Table,
    serving: Table,
    *,
    key: str,
    features: list[str],
    tolerance: float,
) -> list[Mismatch]:
    import numpy as np

    for table in (training, serving):
        if key not in table.columns:
            raise InputError(f"{table.path}: no key column {key!r} (skew.key / --key)")
    left = _keys(training, key)
    right = _keys(serving, key)
    common, at_left, at_right = np.intersect1d(left, right, assume_unique=True, return_indices=True)
    if not len(common):
        raise InputError(
            f"{serving.path}: no {key} value is also in {training.path}; "
            "are both files keyed the same way?"
        )
    mismatches = []
    for name in features:
        a, b = training.columns[name], serving.columns[name]
        if a.numeric and b.numeric:
            x, y = a.numbers()[at_left], b.numbers()[at_right]
            same = np.isclose(x, y, rtol=tolerance, atol=0.0) | (np.isnan(x) & np.isnan(y))
        else:
            same = as_text(a)[at_left] == as_text(b)[at_right]
        differing = np.flatnonzero(~same)
        mismatches.append(
            Mismatch(
                feature=name,
                compared=len(common),
                differing=len(differing),
                examples=tuple(str(k) for k in common[differing[:EXAMPLES]]),
            )
        )
    return mismatches


def _keys(table: Table, key: str) -> Any:
    import numpy as np

    column: TableColumn = table.columns[key]
    keys = as_text(column)
    present = keys != None  # noqa: E711 (elementwise on an object array)
    keys = keys[present].astype(str)
    distinct, counts = np.unique(keys, return_counts=True)
    if len(distinct) < len(keys):
        repeated = distinct[counts > 1][0]
        raise InputError(
            f"{table.path}: key {key} is not unique ({repeated!r} appears "
            f"{int(counts[counts > 1][0])} times)"
        )
    if len(keys) < table.rows:
        raise InputError(f"{table.path}: {table.rows - len(keys)} rows have no {key}")
    return keys
