"""The "Per class" part of the template context: each class's recall and precision on
both models, lost classes first, escaped and formatted."""

from __future__ import annotations

from typing import Any

from mlgate.core.checks import Status, plural
from mlgate.core.classes import ClassRow
from mlgate.core.verdict import Verdict
from mlgate.report.icons import ICONS
from mlgate.report.text import md, signed


def classes_context(verdict: Verdict, *, show: int) -> dict[str, Any] | None:
    if not verdict.classes:
        return None
    rows = sorted(
        verdict.classes, key=lambda r: (r.status is Status.PASS, r.recall_delta)
    )  # lost classes first, then the largest recall drops
    lost = [r for r in rows if r.status is not Status.PASS]
    summary = f"{plural(len(rows), 'class', 'classes')}" + (
        f", {plural(len(lost), 'lost')}" if lost else ", none lost"
    )
    return {
        "summary": summary,
        "open": bool(lost),
        "rows": [_row(r) for r in rows[:show]],
        "more": plural(len(rows) - show, "more class", "more classes") if len(rows) > show else "",
    }


def _row(row: ClassRow) -> dict[str, str]:
    return {
        "icon": ICONS[row.status],
        "name": md(row.name, limit=60),
        "support": f"{row.support:,}",
        "predicted": f"{row.predicted[0]:,} → {row.predicted[1]:,}",
        "recall": f"{row.recall[0]:.3g} → {row.recall[1]:.3g}",
        "recall_ci": _ci(row.recall_ci.low, row.recall_ci.high),
        "precision": f"{row.precision[0]:.3g} → {row.precision[1]:.3g}",
        "precision_ci": _ci(row.precision_ci.low, row.precision_ci.high),
        "reason": md(row.reason, limit=200) if row.reason else "",
    }


def _ci(low: float, high: float) -> str:
    return f"[{signed(low, digits=3)}, {signed(high, digits=3)}]"
