"""No regression against production on a golden set: examples the production model gets
right that the candidate must not get wrong (beyond a tolerance)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlgate.testing.predictions import (
    ModelTestFailure,
    Predict,
    outputs,
    percent,
    predict_fn,
    row_labels,
    show,
)


@dataclass(frozen=True)
class GoldenResult:
    examples: int
    baseline_right: int
    new_errors: int  # right in production, wrong in the candidate
    fixed: int  # wrong in production, right in the candidate
    regressions: tuple[str, ...]


def assert_no_regression(
    candidate: Any,
    baseline: Any,
    data: Any,
    labels: Any,
    *,
    max_new_errors: int = 0,
    max_new_error_rate: float | None = None,
    atol: float = 0.0,
    name: str = "",
    predict: Predict | None = None,
    baseline_predict: Predict | None = None,
    show_examples: int = 5,
) -> GoldenResult:
    """The candidate keeps what production gets right on the golden set ``data``.

    ``labels`` are the true outputs, or the name of the column of ``data`` that holds
    them (dropped before predicting). "Right" means equal to the label, or within
    ``atol`` of it for regression. At most ``max_new_errors`` examples — or
    ``max_new_error_rate`` of those production gets right — may newly go wrong.
    """
    __tracebackhide__ = True
    import numpy as np

    features, truth = _split(data, labels)
    got_candidate = outputs(predict_fn(candidate, predict), features, expected_rows=len(truth))
    got_baseline = outputs(
        predict_fn(baseline, baseline_predict), features, expected_rows=len(truth)
    )
    right_candidate = _right(got_candidate, truth, atol)
    right_baseline = _right(got_baseline, truth, atol)
    new_errors = np.flatnonzero(right_baseline & ~right_candidate)
    fixed = int((~right_baseline & right_candidate).sum())
    kept = int(right_baseline.sum())
    labels_shown = row_labels(features, len(truth))
    regressions = tuple(
        f"row {labels_shown[i]} (label {show(truth[i])}): production {show(got_baseline[i])}, "
        f"candidate {show(got_candidate[i])}"
        for i in new_errors
    )
    allowed = max_new_errors
    if max_new_error_rate is not None:
        if not 0.0 <= max_new_error_rate <= 1.0:
            raise ValueError("max_new_error_rate must be between 0 and 1")
        allowed = max(allowed, int(max_new_error_rate * kept))
    result = GoldenResult(
        examples=len(truth),
        baseline_right=kept,
        new_errors=len(new_errors),
        fixed=fixed,
        regressions=regressions,
    )
    if len(new_errors) > allowed:
        more = len(new_errors) - show_examples
        raise ModelTestFailure(
            f"no regression on the golden set{f' ({name})' if name else ''}: the candidate "
            f"gets {len(new_errors)} of the {kept} examples production gets right wrong "
            f"({percent(len(new_errors), kept)}; allowed {allowed}); it fixes {fixed} that "
            f"production gets wrong. "
            + "; ".join(regressions[:show_examples])
            + (f"; … and {more} more" if more > 0 else "")
        )
    return result


def _split(data: Any, labels: Any) -> tuple[Any, Any]:
    import numpy as np

    if isinstance(labels, str):
        columns = getattr(data, "columns", None)
        if columns is None or labels not in columns:
            raise ValueError(f"the golden set has no {labels!r} column with the labels")
        return data.drop(columns=[labels]), np.asarray(data[labels])
    truth = np.asarray(labels)
    if len(truth) != len(data):
        raise ValueError(f"{len(truth)} labels for {len(data)} examples")
    return data, truth


def _right(predicted: Any, truth: Any, atol: float) -> Any:
    import numpy as np

    if predicted.ndim != 1:
        raise ValueError(
            "the golden-set check needs one prediction per example (a label or a value); "
            "pass predict= returning labels"
        )
    if atol > 0:
        return np.abs(predicted.astype(float) - truth.astype(float)) <= atol
    return np.asarray(predicted == truth, dtype=bool)
