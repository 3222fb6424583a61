"""Where each piece of a per-example predictions file is: plain data, no numpy."""

from __future__ import annotations

from dataclasses import dataclass

TASKS = ("auto", "binary", "multiclass", "regression")


@dataclass(frozen=True, kw_only=True)
class ColumnNames:
    """Where each piece of a predictions file is (``predictions:`` in mlgate.yml)."""

    id: str = "id"
    label: str = "label"
    prediction: str = "prediction"
    score: str = "score"  # binary: P(positive); multiclass: score_<class> columns
    task: str = "auto"  # auto, binary, multiclass, regression
    positive: str | None = None  # binary: the positive class (default: 1, true, or the 2nd)
