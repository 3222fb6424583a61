"""The "Slices" part of the template context: the worst slices, escaped and formatted."""

from __future__ import annotations

from typing import Any

from mlgate.core.checks import plural
from mlgate.core.slices import p_text
from mlgate.core.verdict import SliceRow, Verdict
from mlgate.report.icons import ICONS
from mlgate.report.text import md, number_pair, signed


def slices_context(verdict: Verdict, *, show: int) -> dict[str, Any] | None:
    if not verdict.slices and not verdict.slices_skipped:
        return None
    rows = list(verdict.slices)
    regressed = [r for r in rows if r.status.value in ("fail", "warn")]
    values = {(r.column, r.value) for r in rows}
    summary = (
        f"{plural(len(values), 'slice')} compared, {plural(len(regressed), 'regression')} "
        "after Holm's correction across all slice tests"
    )
    if verdict.slices_skipped:
        summary += f"; {plural(verdict.slices_skipped, 'slice')} too small to judge"
    return {
        "summary": summary,
        "rows": [_row(r) for r in rows[:show]],
        "more": plural(len(rows) - show, "more slice test") if len(rows) > show else "",
    }


def _row(row: SliceRow) -> dict[str, str]:
    baseline, candidate = number_pair(row.baseline, row.candidate)
    interval = row.interval
    return {
        "icon": ICONS[row.status],
        "slice": f"{md(row.column, limit=40)} = {md(row.value, limit=60)}",
        "examples": f"{row.examples:,}",
        "metric": md(row.metric, limit=40),
        "baseline": baseline,
        "candidate": candidate,
        "delta": signed(row.delta, digits=3),
        "ci": f"[{signed(interval.low, digits=3)}, {signed(interval.high, digits=3)}]",
        # Our own digits and "<": nothing to escape.
        "p": p_text(row.p_adjusted, interval.resamples) if row.p_adjusted is not None else "—",
    }
