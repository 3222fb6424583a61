"""The drift of what the model outputs (its scores, or its predicted classes) and of the
labels that arrived, against production's evaluation-time predictions — or, without them,
the sample stored with the version — measured exactly as features are."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.core.columns import ColumnNames
from mlgate.core.drift import FeatureDrift, judge_feature
from mlgate.core.drift_family import decided
from mlgate.core.drift_settings import DriftSettings

if TYPE_CHECKING:
    from mlgate.monitor.outcome_data import Reference

Columns = dict[str, Any]


def output_drift(
    columns: Columns,
    *,
    labelled: Any,
    names: ColumnNames,
    reference: Reference,
    settings: DriftSettings,
) -> tuple[FeatureDrift, ...]:
    """The model's scores (or predicted classes) and the labels, against the reference
    predictions (else the stored sample, for the columns it has), measured as features are."""
    theirs = reference.columns if reference.columns is not None else reference.sample
    if theirs is None:
        return ()
    their_names = reference.names
    pairs = []
    if names.score in columns and their_names.score in theirs:
        pairs.append(("score", columns[names.score], theirs[their_names.score]))
    elif names.prediction in columns and their_names.prediction in theirs:
        pairs.append(("prediction", columns[names.prediction], theirs[their_names.prediction]))
    if their_names.label in theirs:
        pairs.append(("label", columns[names.label][labelled], theirs[their_names.label]))
    measured = [measure_output(name, ours, ref, settings) for name, ours, ref in pairs]
    return decided(measured, settings=settings)


def measure_output(
    name: str, current: Any, reference: Any, settings: DriftSettings
) -> FeatureDrift:
    """One output column of two samples, measured and judged as a feature is."""
    import numpy as np

    from mlgate.core.stats.feature_drift import measure_categorical, measure_numeric

    numeric = current.dtype.kind == "f" and reference.dtype.kind == "f"
    if numeric and not (np.all(np.mod(reference[~np.isnan(reference)], 1) == 0)):
        measured = measure_numeric(
            reference.astype(float),
            current.astype(float),
            bins=settings.bins,
            binning=settings.binning,
        )
        return judge_feature(name, "numeric", measured, settings=settings)
    categories, codes = _codes(reference, current)
    measured = measure_categorical((categories, codes[0]), (categories, codes[1]))
    return judge_feature(name, "categorical", measured, settings=settings)


def _codes(reference: Any, current: Any) -> tuple[Any, tuple[Any, Any]]:
    """Both sides' values as codes into their shared categories (-1 where missing); numbers
    are matched as numbers and only the distinct ones turned into text."""
    import numpy as np

    if reference.dtype.kind in "iuf" and current.dtype.kind in "iuf":
        ref, cur = reference.astype(float), current.astype(float)
        distinct = np.union1d(np.unique(ref[~np.isnan(ref)]), np.unique(cur[~np.isnan(cur)]))
        labels = np.asarray(
            [str(int(v)) if float(v).is_integer() else repr(float(v)) for v in distinct],
            dtype=object,
        )
        codes = tuple(
            np.where(np.isnan(side), -1, np.searchsorted(distinct, side)).astype(np.int64)
            for side in (ref, cur)
        )
        return labels, (codes[0], codes[1])
    ref_text, cur_text = _as_text(reference), _as_text(current)
    categories = np.unique(np.concatenate([ref_text, cur_text]))
    return categories, (
        np.searchsorted(categories, ref_text),
        np.searchsorted(categories, cur_text),
    )


def _as_text(values: Any) -> Any:
    import numpy as np

    if values.dtype.kind == "f" and np.all(np.mod(values[~np.isnan(values)], 1) == 0):
        return values[~np.isnan(values)].astype(np.int64).astype(str)
    return values.astype(str)
