"""A logged metric against the same metric computed from per-example predictions.

When both exist the computed value decides (it carries the interval and is computed the
same way on both sides). A disagreement is exactly the signal that the predictions are not
the ones the metric was computed from, or that the metric is mislabelled (the MSE logged as
``eval_rmse``), so it is a warning in the verdict and a note on the row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from mlgate.core.checks import Check, Status
from mlgate.core.verdict import MetricRow

CHECK_NAME = "logged metrics"
# Logged metrics are often rounded or computed in float32: half a percent is agreement.
REL_TOLERANCE = 0.005
ABS_TOLERANCE = 1e-9


def disagree(logged: float, computed: float) -> bool:
    if not (math.isfinite(logged) and math.isfinite(computed)):
        return math.isfinite(logged) != math.isfinite(computed)
    return not math.isclose(logged, computed, rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE)


def disagreements(
    candidate: Mapping[str, tuple[float, float]], baseline: Mapping[str, tuple[float, float]]
) -> list[str]:
    """One phrase per disagreeing logged metric: ``eval_rmse logged 3,125 ≠ 55.94 computed
    from the predictions`` (production's marked so)."""
    out = []
    for side, found in (("", candidate), (" (production)", baseline)):
        for name, (logged, computed) in sorted(found.items()):
            if disagree(logged, computed):
                out.append(
                    f"{name}{side} logged {number(logged)} ≠ {number(computed)} computed from "
                    "the predictions"
                )
    return out


def recomputed_check(
    candidate: Mapping[str, tuple[float, float]], baseline: Mapping[str, tuple[float, float]]
) -> Check | None:
    found = disagreements(candidate, baseline)
    if not found:
        return None
    shown = "; ".join(found[:4]) + (f"; and {len(found) - 4} more" if len(found) > 4 else "")
    return Check(
        name=CHECK_NAME,
        status=Status.WARN,
        summary=f"{shown} — the computed values decide; check that the predictions are the "
        "ones the metrics were computed from, and the metrics' names",
    )


def with_logged(row: MetricRow, recomputed: Mapping[str, tuple[float, float]]) -> MetricRow:
    """The row with a note when its logged value disagrees with the computed one."""
    from dataclasses import replace

    found = recomputed.get(row.name)
    if found is None or not disagree(*found):
        return row
    note = f"logged {number(found[0])}, computed {number(found[1])} from the predictions decides"
    return replace(row, reasons=(*row.reasons, note))


def number(value: float) -> str:
    return format(value, ",.4g") if math.isfinite(value) else str(value)
