"""mlgate: gate ML model promotion on evidence, in CI and on a laptop."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "log_predictions"]


def log_predictions(
    ids: Sequence[Any],
    labels: Sequence[Any],
    *,
    predictions: Sequence[Any] | None = None,
    scores: Any = None,
    slices: Mapping[str, Sequence[Any]] | None = None,
    run_id: str | None = None,
) -> str:
    """Keep a run's per-example predictions on its evaluation set, so that ``mlgate
    evaluate`` compares this model with another on paired intervals — without loading
    either model.

    Call it in the evaluation script, inside ``mlflow.start_run()`` (or name the run with
    ``run_id``), after logging the evaluation data with ``mlflow.log_input``: the digest of
    that dataset is recorded with the predictions, and predictions are only ever paired
    with another run's made on the same data.

    ``ids`` name the examples (unique; the same ids across runs pair them); ``labels`` are
    the true values; ``predictions`` the predicted class or value and/or ``scores``: for a
    binary task P(positive class), for multiclass a mapping ``{class: scores}`` or a
    DataFrame with one column per class. ``slices`` maps column names (country, segment…)
    to one value per example. Returns the artifact's URI
    (``runs:/RUN_ID/mlgate/predictions.parquet``).
    """
    from mlgate.evaluate.logged import log_predictions as log

    return log(ids, labels, predictions=predictions, scores=scores, slices=slices, run_id=run_id)
