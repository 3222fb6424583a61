"""Per-example predictions kept with a run: ``mlgate.log_predictions``, which evaluation
scripts call, and what a comparison reads back from both runs.

The artifact is a predictions file with the default column names (``id``, ``label``,
``prediction``, ``score`` or ``score_<class>``, slice columns) — the same columns a user
writes when following the convention without importing mlgate.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.core.columns import ColumnNames
from mlgate.core.dataset import Dataset
from mlgate.errors import InputError, UsageError

if TYPE_CHECKING:
    from mlgate.core.provenance import DataComparison, EvaluationSettings

NAMES = ColumnNames()  # logged predictions always use the default names


def log_predictions(
    ids: Sequence[Any],
    labels: Sequence[Any],
    *,
    predictions: Sequence[Any] | None = None,
    scores: Any = None,
    slices: Mapping[str, Sequence[Any]] | None = None,
    run_id: str | None = None,
) -> str:
    """Keep a run's per-example predictions on its evaluation set (see mlgate.log_predictions)."""
    from mlgate.adapters.registry import Registry
    from mlgate.adapters.run_predictions import active_run_id, tracking_uri

    columns = prediction_columns(ids, labels, predictions=predictions, scores=scores, slices=slices)
    run = run_id or active_run_id()
    if not run:
        raise UsageError(
            "mlgate.log_predictions: no active MLflow run; call it inside mlflow.start_run() "
            "or pass run_id="
        )
    return keep_predictions(columns, run_id=run, registry=Registry(tracking_uri=tracking_uri()))


def keep_predictions(
    columns: dict[str, Any], *, run_id: str, registry: Any, dataset: Dataset | None = None
) -> str:
    """``columns`` as the run's predictions artifact; the dataset they were made on (by
    default the evaluation dataset the run logged) is recorded with them."""
    from mlgate.adapters.run_predictions import RunPredictions
    from mlgate.files.predictions import write_predictions

    runs = RunPredictions(registry)
    made_on = dataset if dataset is not None else runs.run_dataset(run_id)
    with tempfile.TemporaryDirectory(prefix="mlgate-predictions-") as folder:
        path = write_predictions(Path(folder), columns)
        return runs.log(run_id, path, dataset=made_on)


def prediction_columns(
    ids: Sequence[Any],
    labels: Sequence[Any],
    *,
    predictions: Sequence[Any] | None,
    scores: Any,
    slices: Mapping[str, Sequence[Any]] | None,
) -> dict[str, Any]:
    """The helper's arguments as checked columns: one value per example everywhere."""
    import numpy as np

    if predictions is None and scores is None:
        raise UsageError("mlgate.log_predictions: give predictions=, scores= or both")
    columns: dict[str, Any] = {
        NAMES.id: _column(ids, "ids"),
        NAMES.label: _column(labels, "labels"),
    }
    count = len(columns[NAMES.id])
    if count == 0:
        raise UsageError("mlgate.log_predictions: no examples")
    if len(np.unique(columns[NAMES.id])) != count:
        raise UsageError("mlgate.log_predictions: ids must be unique (one row per example)")
    if predictions is not None:
        columns[NAMES.prediction] = _column(predictions, "predictions")
    if scores is not None:
        columns.update(_scores(scores))
    for name, values in (slices or {}).items():
        if name in columns or name.startswith(f"{NAMES.score}_"):
            raise UsageError(f"mlgate.log_predictions: slice {name!r} clashes with a column")
        columns[str(name)] = _column(values, f"slice {name!r}")
    for name, values in columns.items():
        if len(values) != count:
            raise UsageError(
                f"mlgate.log_predictions: {name} has {len(values)} values for {count} ids"
            )
    return columns


def _column(values: Any, what: str) -> Any:
    import numpy as np

    array = np.asarray(values.to_numpy() if hasattr(values, "to_numpy") else values)
    if array.ndim != 1:
        raise UsageError(f"mlgate.log_predictions: {what} must be one value per example")
    return array


def _scores(scores: Any) -> dict[str, Any]:
    """A 1-D score (binary: P(positive)), or per class: a mapping or a DataFrame whose
    columns are the classes."""
    import numpy as np

    if hasattr(scores, "columns") and hasattr(scores, "to_numpy"):  # a DataFrame
        return {f"{NAMES.score}_{c}": _column(scores[c], f"scores[{c!r}]") for c in scores.columns}
    if isinstance(scores, Mapping):
        return {f"{NAMES.score}_{c}": _column(v, f"scores[{c!r}]") for c, v in scores.items()}
    array = np.asarray(scores)
    if array.ndim == 2:
        raise UsageError(
            "mlgate.log_predictions: per-class scores need their classes: pass a mapping "
            "{class: scores} or a DataFrame with one column per class"
        )
    return {NAMES.score: _column(array, "scores")}


@dataclass(frozen=True, kw_only=True)
class Side:
    """One run's logged predictions, read."""

    uri: str
    columns: dict[str, Any]
    digest: str | None


def read_logged(run_id: str | None, *, registry: Any, folder: Path) -> Side | None:
    """The run's logged predictions as columns; None when there are none. A file that is
    not a predictions file is an input error naming the run's artifact."""
    from mlgate.adapters.run_predictions import RunPredictions
    from mlgate.files.predictions import read_predictions

    if not run_id:
        return None
    found = RunPredictions(registry).find(run_id, folder=folder / run_id)
    if found is None:
        return None
    try:
        columns = read_predictions(found.path, role="logged")
    except InputError as exc:
        detail = str(exc).split(": ", 1)[-1]
        raise InputError(f"{found.uri}: {detail}") from None
    for needed in (NAMES.id, NAMES.label):
        if needed not in columns:
            have = ", ".join(sorted(columns)[:12])
            raise InputError(f"{found.uri}: no column {needed!r} (columns: {have})")
    if NAMES.prediction not in columns and not any(c.startswith(NAMES.score) for c in columns):
        raise InputError(f"{found.uri}: no {NAMES.prediction!r} or {NAMES.score!r} column")
    return Side(uri=found.uri, columns=columns, digest=found.digest)


def identify(
    ours: Side, theirs: Side, *, previous: DataComparison, settings: EvaluationSettings
) -> DataComparison:
    """Two runs that record no evaluation data but logged per-example predictions: their
    ids and labels are the evaluation set's identity, whatever else is recorded. The same
    → compared on them; different → not the same data (refused, or compared across
    datasets when evaluation.allow_cross_dataset says so)."""
    from mlgate.core.provenance import Outcome
    from mlgate.core.stats.labels import PairingError
    from mlgate.core.stats.paired import examples_digest

    found = []
    for side in (ours, theirs):
        try:
            digest = examples_digest(side.columns[NAMES.id], side.columns[NAMES.label])
        except PairingError as exc:
            raise InputError(f"{side.uri}: {exc}") from None
        count = len(side.columns[NAMES.id])
        found.append(
            Dataset(
                name=f"{count:,} examples of the logged predictions (ids and labels)",
                digest=digest,
                source=side.uri,
                origin="predictions",
            )
        )
    candidate, baseline = found
    if candidate.digest == baseline.digest:
        return replace(
            previous,
            outcome=Outcome.SAME,
            candidate=candidate,
            baseline=baseline,
            confirmed="the logged predictions' ids and labels",
        )
    outcome = Outcome.CROSS_DATASET if settings.allow_cross_dataset else Outcome.REFUSED
    return replace(
        previous,
        outcome=outcome,
        candidate=candidate,
        baseline=baseline,
        reason=(
            previous.reason
            or "neither run records its evaluation data, and their logged predictions' ids "
            "and labels differ"
        ),
    )


def metrics_alone(side: Side, *, task: str, positive: str | None) -> dict[str, float]:
    """Every metric one run's logged predictions give, with no other side to pair with
    (a first version): so that floors and ceilings are checked on the same numbers a
    comparison with production would use."""
    import numpy as np

    from mlgate.core.stats.labels import PairingError, TaskError
    from mlgate.core.stats.live import Sample, values
    from mlgate.core.stats.paired import single
    from mlgate.errors import ConfigError

    names = ColumnNames(task=task, positive=positive)
    try:
        found = single(
            side.columns,
            names=names,
            take=np.arange(len(side.columns[NAMES.id])),
            source=side.uri,
        )
    except TaskError as exc:
        raise ConfigError(str(exc)) from None
    except PairingError as exc:
        raise InputError(str(exc)) from None
    return values(Sample.of(found))
