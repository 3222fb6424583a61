"""What drift knows of each side once its data is read — per number: the missing count,
the present count, exact bin counts at the reference's edges, and (current side) the exact
count of values below and at each of the reference's points; per category: exact counts —
and the FeatureDrift judged from them. The streamed engine (monitor/streamed.py) and the
Spark engine (monitor/spark_drift.py) fill these alike, batch by batch or partition by
partition; they all add."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from mlgate.core.drift import DataSide, DriftReport, FeatureDrift, Kind, judge_feature
from mlgate.core.drift_family import decided
from mlgate.core.drift_settings import DriftSettings
from mlgate.files.tables import TableColumn, as_categories

Array = Any
KS_POINTS = 1 << 15  # a compacted reference's points for KS (an exact one keeps all of its own)


@dataclass
class Numbers:
    sketch: Any
    missing: int = 0
    edges: Array = None
    counts: Array = None  # bin counts (exact)
    below: Array = None  # current: how many values are < each reference point
    upto: Array = None  # current: how many values are ≤ each reference point
    present: int = 0
    points: Array = None  # reference: distinct values, and the count ≤ each
    cumulative: Array = None


@dataclass
class Categories:
    counts: dict[str, int] = field(default_factory=dict)
    missing: int = 0


def fresh_states(features: list[tuple[str, bool]], *, capacity: int) -> dict[str, Any]:
    """An empty state per feature (name, compared as categories); ``capacity``: the points
    each number's sketch holds before it compacts (the reference side's only)."""
    from mlgate.core.stats.sketch import QuantileSketch

    return {
        name: Categories() if categorical else Numbers(sketch=QuantileSketch(capacity))
        for name, categorical in features
    }


def finish_reference(states: dict[str, Any], settings: DriftSettings) -> None:
    """Once every reference value is in: the points KS is measured at, and the bin edges."""
    for state in states.values():
        if isinstance(state, Numbers):
            state.sketch.reduce(KS_POINTS)  # fewer points: fewer searches per batch
            set_edges(state, settings)


def drift_from(
    ref_state: dict[str, Any],
    cur_state: dict[str, Any],
    *,
    features: list[tuple[str, bool]],
    settings: DriftSettings,
    drifted_schema: list[FeatureDrift],
    schema: tuple[Any, ...],
    kind: Kind,
    sides: tuple[DataSide, DataSide],
    model: str | None,
    notes: dict[str, Any],
) -> DriftReport:
    """The report from both sides' states; ``notes`` join the settings summary (the
    engine, and what it bounds: ``ks_error`` when a reference sketch compacted)."""
    measured = [judge(name, ref_state[name], cur_state[name], settings) for name, _ in features]
    errors = [
        s.sketch.error / s.sketch.count
        for s in ref_state.values()
        if isinstance(s, Numbers) and s.sketch.count and not s.sketch.exact
    ]
    summary = {**settings.summary(), **notes}
    if errors:
        summary["ks_error"] = float(max(errors))
    return DriftReport(
        kind=kind,
        model=model,
        reference=sides[0],
        current=sides[1],
        features=decided(measured + drifted_schema, settings=settings),
        schema=schema,
        settings=summary,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


def add_categories(column: TableColumn, state: Categories) -> None:
    import numpy as np

    column = as_categories(column) if column.numeric else column
    codes = column.codes
    counts = np.bincount(codes[codes >= 0], minlength=len(column.categories))
    for label, count in zip(column.categories.tolist(), counts.tolist(), strict=True):
        if count:
            state.counts[label] = state.counts.get(label, 0) + int(count)
    state.missing += int((codes < 0).sum())


def set_edges(state: Numbers, settings: DriftSettings) -> None:
    import numpy as np

    from mlgate.core.stats.distance import bin_counts, quantile_edges, uniform_edges
    from mlgate.core.stats.sketch import quantile_edges_weighted

    points, cumulative = state.sketch.points()
    state.points, state.cumulative = points, cumulative
    state.present = state.sketch.count
    if settings.binning == "uniform":
        # Over the reference's range (the current data's is not known yet when streaming).
        state.edges = uniform_edges(points, points, settings.bins or None)
    elif state.sketch.exact:
        state.edges = quantile_edges(state.sketch.sorted_values(), settings.bins or 10)
    else:
        state.edges = quantile_edges_weighted(points, cumulative, settings.bins or 10)
    if state.sketch.exact:
        state.counts = bin_counts(state.sketch.sorted_values(), state.edges)
    else:
        state.counts = np.zeros(len(state.edges) + 1, dtype=np.int64)


def judge(name: str, ref: Any, cur: Any, settings: DriftSettings) -> FeatureDrift:
    import numpy as np

    from mlgate.core.stats.distance import TestResult, kolmogorov_sf
    from mlgate.core.stats.feature_drift import MISSING, measured_categorical, measured_numeric

    if isinstance(ref, Categories):
        labels = list(ref.counts) + [c for c in cur.counts if c not in ref.counts]
        left = np.asarray([ref.counts.get(c, 0) for c in labels], dtype=np.int64)
        right = np.asarray([cur.counts.get(c, 0) for c in labels], dtype=np.int64)
        if ref.missing or cur.missing:
            labels.append(MISSING)
            left, right = np.append(left, ref.missing), np.append(right, cur.missing)
        measured = measured_categorical(labels, left, right)
        return judge_feature(name, "categorical", measured, settings=settings)
    points, cumulative = ref.points, ref.cumulative
    n, m = ref.sketch.count, cur.present
    ks = TestResult(statistic=math.nan, p_value=math.nan)
    if n and m and cur.upto is not None:
        k = len(points)
        at_or_below, below = cur.upto[:k], cur.below[:k]
        f1 = cumulative / n
        f1_before = np.concatenate([[0.0], f1[:-1]])
        # F1 is flat between reference points: the supremum of |F1 − F2| is reached at a
        # point (right values) or just before one (left limits).
        d = max(
            float(np.abs(f1 - at_or_below / m).max()), float(np.abs(f1_before - below / m).max())
        )
        root = math.sqrt(n * m / (n + m))
        ks = TestResult(statistic=d, p_value=kolmogorov_sf((root + 0.12 + 0.11 / root) * d))
    cur_counts = (
        cur.counts if cur.counts is not None else np.zeros(len(ref.edges) + 1, dtype=np.int64)
    )
    measured = measured_numeric(
        ks,
        (ref.counts, ref.missing, n),
        (cur_counts, cur.missing, m),
        summaries=(_reference_median(ref), _current_median(points, cur, m)),
    )
    return judge_feature(name, "numeric", measured, settings=settings)


def _reference_median(ref: Numbers) -> str:
    from mlgate.core.stats.feature_drift import median_text
    from mlgate.core.stats.sketch import median_weighted

    if ref.sketch.exact:
        return median_text(ref.sketch.sorted_values())
    value = median_weighted(*ref.sketch.points())
    return "" if math.isnan(value) else f"median ≈ {value + 0.0:.4g}"


def _current_median(points: Array, cur: Any, m: int) -> str:
    import numpy as np

    if not m or cur.upto is None or not len(points):
        return ""
    at = int(np.searchsorted(cur.upto, m / 2, side="left"))
    return f"median ≈ {float(points[min(at, len(points) - 1)]) + 0.0:.4g}"
