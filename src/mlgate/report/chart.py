"""Mermaid ``xychart-beta`` bar charts against a threshold line (the drift report's PSI
per feature).

xychart-beta has no legend, stacks several bar series on top of each other and grows bars
from the axis minimum: so one bar series, values ≥ 0 on an axis from zero, the threshold as
a flat line, and the chart drawn horizontally, as feature names are long.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_LABEL_LIMIT = 24
_PALETTE = "#4C78A8, #E45756"  # bars, the line
_INIT = '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "' + _PALETTE + '"}}}}%%'
_STEPS = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


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


def line_against_line(
    title: str, labels: Sequence[str], values: Sequence[float], reference: float, *, axis: str
) -> str:
    """A metric over time as a line, and a flat line at ``reference`` (what it was at
    evaluation): the axis spans both with a little room, so a drop reads as a drop."""
    low, high = min([*values, reference]), max([*values, reference])
    room = (high - low) * 0.15 or abs(high) * 0.05 or 0.05
    names = ", ".join(f'"{_label(name)}"' for name in labels)
    series = [
        f"    line [{', '.join(_num(v) for v in values)}]",
        f"    line [{', '.join(_num(reference) for _ in values)}]",
    ]
    return _mermaid(title, names, low - room, high + room, series, axis=axis)
