"""Scoring a model on evaluation data: the per-example predictions re-scoring compares.

Models load as MLflow pyfunc (the ``local`` extra plus the model's own libraries); the
data is read with pandas, which pyfunc needs anyway. Class probabilities come from the
underlying model's ``predict_proba`` when it has one (scikit-learn and the like), so
ROC AUC and log loss can be re-scored as well; otherwise only the label metrics are.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgate.core.columns import ColumnNames
from mlgate.core.refs import first_line
from mlgate.errors import InputError, ServiceError

Columns = dict[str, Any]  # name → numpy array, as predictions files are read


class ScoringError(Exception):
    """The model could not be loaded or scored; the message says which and why."""


class DoesNotLoad(ScoringError):
    """The model itself does not load (not the store: that is a ServiceError)."""


def read_frame(path: Path) -> Any:
    """A CSV, Parquet or JSON Lines file as a pandas DataFrame."""
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        if suffix in (".jsonl", ".ndjson"):
            return pd.read_json(path, lines=True)
        return pd.read_csv(path)
    except (OSError, ValueError, ImportError) as exc:
        raise InputError(f"{path}: cannot read the evaluation data ({first_line(exc)})") from None


def score(
    uri: str,
    frame: Any,
    *,
    label: str,
    names: ColumnNames,
    keep: Sequence[str],
    workdir: Path,
) -> Columns:
    """The model at ``uri`` on ``frame`` (its ``label`` column held out) → columns named
    as a predictions file's (``names``), with ``keep`` (slice columns) copied over."""
    import numpy as np

    from mlgate.adapters.models import ModelLoadError, StoreUnavailable, load_model
    from mlgate.core.stats.paired import positive_class

    try:
        loaded = load_model(uri, workdir=workdir)
    except StoreUnavailable as exc:
        raise ServiceError(str(exc)) from None  # not the model's fault: exit 3, not a fallback
    except ModelLoadError as exc:
        raise DoesNotLoad(f"cannot load {uri}: {exc}") from None
    features = frame.drop(columns=[label])
    model = loaded.model
    try:
        predicted = _one_column(model.predict(features))
    except Exception as exc:  # a model's own code may raise anything
        raise ScoringError(f"{uri} failed to predict: {first_line(exc)}") from None
    labels = frame[label].to_numpy()
    columns: Columns = {
        names.id: np.arange(len(frame)),
        names.label: labels,
        names.prediction: predicted,
    }
    probabilities, classes = _probabilities(model, features)
    if probabilities is not None and classes is not None:
        texts = [_text(c) for c in classes]
        if len(texts) == 2:
            positive = positive_class(labels, names.positive)
            if positive in texts:
                columns[names.score] = probabilities[:, texts.index(positive)]
        else:
            for i, text in enumerate(texts):
                columns[f"{names.score}_{text}"] = probabilities[:, i]
    for column in keep:
        if column in frame.columns:
            columns[column] = frame[column].to_numpy()
    return columns


def _one_column(output: Any) -> Any:
    import numpy as np

    values = np.asarray(output.to_numpy() if hasattr(output, "to_numpy") else output)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ScoringError(
            f"the model returns {values.shape[1]} values per example; re-scoring needs one "
            "(the predicted class or value)"
        )
    return values


def _probabilities(model: Any, features: Any) -> tuple[Any, Any]:
    """``predict_proba`` of the model under the pyfunc wrapper, with its classes."""
    import numpy as np

    try:
        raw = model.get_raw_model()
    except (AttributeError, NotImplementedError):
        return None, None
    method, classes = getattr(raw, "predict_proba", None), getattr(raw, "classes_", None)
    if not callable(method) or classes is None:
        return None, None
    try:
        values = np.asarray(method(features), dtype=float)
    except Exception:  # without probabilities only label metrics are re-scored
        return None, None
    if values.ndim != 2 or values.shape[1] != len(classes):
        return None, None
    return values, list(classes)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
