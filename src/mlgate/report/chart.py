"""Mermaid ``xychart-beta`` charts of candidate (bars) against production (a line).

xychart-beta has no legend, stacks several bar series on top of each other and grows
bars from the axis minimum; so each chart has one bar series (the candidate), production
as a line, an axis that starts at zero, and metrics of similar magnitude only — accuracy
and latency never share an axis. A chart with negative values draws both as lines, since
a bar below zero would point the wrong way; a metric alone on its scale gets a chart of its
own with two categories, candidate and production (a one-point line would not show).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlgate.core.verdict import MetricRow

MAX_METRICS_PER_CHART = 10
MAX_CHARTS = 3
_LABEL_LIMIT = 24
_PALETTE = "#4C78A8, #E45756"  # candidate bars, production line
_INIT = '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "' + _PALETTE + '"}}}}%%'
_STEPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


@dataclass(frozen=True, kw_only=True)
class Chart:
    mermaid: str
    metrics: tuple[str, ...]


def build_charts(rows: Sequence[MetricRow], *, with_baseline: bool) -> tuple[list[Chart], int]:
    """Charts for the gated rows that have finite values; also how many gated rows are not
    on any chart (missing or non-finite values, or past the limits)."""
    usable = [
        row
        for row in rows
        if row.gated and _finite(row.candidate) and (not with_baseline or _finite(row.baseline))
    ]
    groups = _group_by_magnitude(usable, with_baseline=with_baseline)
    charts: list[Chart] = []
    shown = 0
    for group in groups:
        if len(charts) == MAX_CHARTS:
            break
        charted = group[:MAX_METRICS_PER_CHART]
        chart = _chart(charted, with_baseline=with_baseline)
        if chart is not None:
            charts.append(chart)
            shown += len(charted)
    return charts, sum(1 for row in rows if row.gated) - shown


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _values(row: MetricRow, *, with_baseline: bool) -> list[float]:
    values = [row.candidate]
    if with_baseline:
        values.append(row.baseline)
    return [v for v in values if v is not None]


def _group_by_magnitude(rows: list[MetricRow], *, with_baseline: bool) -> list[list[MetricRow]]:
    """Proportion-like metrics (all values in [-1, 1]: accuracy, AUC, R², correlations)
    share one chart; the others group with metrics within 10× of their size."""
    proportions: list[MetricRow] = []
    others: list[MetricRow] = []
    for row in rows:
        values = _values(row, with_baseline=with_baseline)
        (proportions if all(-1 <= v <= 1 for v in values) else others).append(row)
    others.sort(key=lambda r: max(abs(v) for v in _values(r, with_baseline=with_baseline)))
    groups = [proportions] if proportions else []
    current: list[MetricRow] = []
    smallest = 0.0
    for row in others:
        size = max(abs(v) for v in _values(row, with_baseline=with_baseline))
        if current and size > 10 * max(smallest, 1e-300):
            groups.append(current)
            current = []
        if not current:
            smallest = size
        current.append(row)
    if current:
        groups.append(current)
    order = {id(row): index for index, row in enumerate(rows)}
    return [sorted(group, key=lambda r: order[id(r)]) for group in groups]  # table order


def _chart(rows: list[MetricRow], *, with_baseline: bool) -> Chart | None:
    values = [v for r in rows for v in _values(r, with_baseline=with_baseline)]
    low, high = _axis(min(values), max(values))
    # Bars grow from the axis minimum, so below zero a bar would point the wrong way:
    # there values are drawn as lines instead. A line needs two points to be seen.
    bars = low >= 0
    if len(rows) == 1 and with_baseline:
        return _single(rows[0], low, high, bars=bars)
    if len(rows) == 1 and not bars:
        return None
    candidate = f"[{', '.join(_num(r.candidate) for r in rows)}]"
    if not with_baseline:
        title = "Candidate"
    elif bars:
        title = "Candidate (bars) vs production (line)"
    else:
        title = "Candidate (blue line) vs production (red line)"
    series = [f"    {'bar' if bars else 'line'} {candidate}"]
    if with_baseline:
        series.append(f"    line [{', '.join(_num(r.baseline) for r in rows)}]")
    labels = ", ".join(f'"{_label(r.name)}"' for r in rows)
    return Chart(
        mermaid=_mermaid(title, labels, low, high, series), metrics=tuple(r.name for r in rows)
    )


def _single(row: MetricRow, low: float, high: float, *, bars: bool) -> Chart:
    """One metric on its own scale: candidate and production side by side."""
    kind = "bar" if bars else "line"
    series = [f"    {kind} [{_num(row.candidate)}, {_num(row.baseline)}]"]
    title = _label(row.name)
    return Chart(
        mermaid=_mermaid(title, '"candidate", "production"', low, high, series),
        metrics=(row.name,),
    )


def _mermaid(
    title: str,
    labels: str,
    low: float,
    high: float,
    series: list[str],
    *,
    axis: str = "value",
    horizontal: bool = False,
) -> str:
    return "\n".join(
        [
            "```mermaid",
            _INIT,
            "xychart-beta horizontal" if horizontal else "xychart-beta",
            f'    title "{title}"',
            f"    x-axis [{labels}]",
            f'    y-axis "{axis}" {_num(low)} --> {_num(high)}',
            *series,
            "```",
        ]
    )


def _axis(low: float, high: float) -> tuple[float, float]:
    if low >= 0 and high <= 1:
        return 0.0, 1.0
    bottom = min(0.0, _nice(low, up=False))
    top = max(0.0, _nice(high, up=True))
    if top == bottom:
        top = bottom + 1
    return bottom, top


def _nice(value: float, *, up: bool) -> float:
    """The axis end for ``value``: away from zero to a round step (1, 1.2, 1.5 … 8 × a
    power of ten) with 10% headroom; an end on the other side of zero from ``value`` is 0."""
    if value == 0 or (value > 0) != up:
        return 0.0
    target = abs(value) * 1.1
    if not math.isfinite(target):
        return value
    step = 10.0 ** math.floor(math.log10(target))
    rounded = next((f * step for f in _STEPS if f * step >= target), target)
    return rounded if value > 0 else -rounded


def _label(name: str) -> str:
    text = re.sub(r"[^A-Za-z0-9 _.%/+-]", "_", name)
    return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 1] + "…"


def _num(value: float | None) -> str:
    assert value is not None
    return f"{value:.6g}"


def bars_against_line(
    title: str, names: Sequence[str], bars: Sequence[float], line: float, *, axis: str
) -> str:
    """One bar per name (values ≥ 0) and a flat line at ``line`` (a threshold), drawn
    horizontally: names (feature names are long) get a line of their own each."""
    low, high = 0.0, _nice(max([*bars, line]), up=True) or 1.0
    labels = ", ".join(f'"{_label(name)}"' for name in names)
    series = [
        f"    bar [{', '.join(_num(v) for v in bars)}]",
        f"    line [{', '.join(_num(line) for _ in bars)}]",
    ]
    return _mermaid(title, labels, low, high, series, axis=axis, horizontal=True)
