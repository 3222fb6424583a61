"""What the helpers share: calling a model, shaping its output, and describing examples
in failure messages ("row 12: 0 → 1")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

Predict = Callable[[Any], Any]


class ModelTestFailure(AssertionError):
    """A model test's expectation did not hold. The message says which examples, how
    many, and by how much."""

    __module__ = "mlgate.testing"  # how pytest names it in a failure


def predict_fn(model: Any, predict: Predict | None) -> Predict:
    """``predict`` if given, else the model's own ``predict`` (an MLflow pyfunc model, a
    scikit-learn estimator …), or the model itself when it is a plain function."""
    if predict is not None:
        return predict
    method = getattr(model, "predict", None)
    if callable(method):
        return method  # type: ignore[no-any-return]
    if callable(model):
        return model  # type: ignore[no-any-return]
    raise TypeError(f"{type(model).__name__} has no predict(); pass predict=…")


def outputs(predict: Predict, data: Any, *, expected_rows: int | None = None) -> np.ndarray:
    """The model's predictions for ``data`` as a numpy array: one row per example, 1-D
    when the model returns one value per example."""
    import numpy as np

    raw = predict(data)
    values = np.asarray(raw.to_numpy() if hasattr(raw, "to_numpy") else raw)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim == 0:
        values = values.reshape(1)
    if expected_rows is not None and len(values) != expected_rows:
        raise ModelTestFailure(
            f"the model returned {len(values)} predictions for {expected_rows} examples"
        )
    return values


def select_output(values: np.ndarray, output: int | str | None, *, what: str) -> np.ndarray:
    """One number per example: the column ``output`` of a multi-output prediction."""
    import numpy as np

    if values.ndim == 1:
        if output not in (None, 0):
            raise ValueError(f"{what}: the model returns one value per example; drop output=")
        chosen = values
    elif output is None:
        raise ValueError(
            f"{what}: the model returns {values.shape[1]} values per example; "
            "say which with output=<column index>"
        )
    elif isinstance(output, str):
        raise ValueError(f"{what}: output= must be a column index for array predictions")
    else:
        chosen = values[:, output]
    try:
        return np.asarray(chosen, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{what}: needs numeric predictions (a score or a regression value), "
            f"got {chosen.dtype}; pass predict= returning scores"
        ) from None


def changed_mask(before: np.ndarray, after: np.ndarray, *, atol: float) -> np.ndarray:
    """Per example: did the prediction change (beyond ``atol`` for numbers)?"""
    import numpy as np

    if before.shape != after.shape:
        raise ModelTestFailure(
            f"the predictions changed shape under the perturbation: {before.shape} → {after.shape}"
        )
    differs: np.ndarray
    if np.issubdtype(before.dtype, np.number) and np.issubdtype(after.dtype, np.number):
        differs = ~np.isclose(before, after, rtol=0.0, atol=atol, equal_nan=True)
    else:
        differs = np.asarray(before != after, dtype=bool)
    if differs.ndim > 1:
        return np.asarray(differs.reshape(len(before), -1).any(axis=1))
    return differs


def row_labels(data: Any, count: int) -> list[Any]:
    """How to name example i in a message: the DataFrame's index label, else its position."""
    index = getattr(data, "index", None)
    if index is not None and len(index) == count:
        return list(index)
    return list(range(count))


def show(value: Any) -> str:
    """A prediction, short: 0.3141 rather than 0.31415926535, [0.1, 0.9] for a row."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return "[" + ", ".join(show(v) for v in value.tolist()[:6]) + "]"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "0%"
