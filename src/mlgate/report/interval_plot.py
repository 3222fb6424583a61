"""Each gated metric's change drawn against its tolerance, as text.

One line per metric on a common scale: the change is divided by the metric's own tolerance
and turned so that better is to the right, so ``┊`` — one tolerance worse — is the same
place on every line, and a regression is an interval wholly left of it while noise is an
interval across ``│`` (no change). Text in a code block reads the same on GitHub, GitLab
and in a terminal, and unlike a chart it cannot join unrelated metrics with lines.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mlgate.core.verdict import MetricRow
from mlgate.report.text import clean, signed

WIDTH = 41  # columns of the axis; odd, so that no change sits in the middle
MAX_SCALE = 8  # tolerances either side, at most; beyond, the line ends in an arrow
NAME_WIDTH = 18


@dataclass(frozen=True, kw_only=True)
class Plot:
    text: str  # the lines, without the code fence
    metrics: tuple[str, ...]  # the metrics drawn
    left_out: tuple[str, ...]  # gated metrics with no change to draw (no tolerance, no value)

    def markdown(self) -> str:
        return f"```text\n{self.text}\n```"


def tolerance(row: MetricRow) -> float | None:
    """The largest change the rule lets pass, in the metric's units: the tighter of
    max_drop/max_rise and max_drop_pct/max_rise_pct (of production's value)."""
    rule = row.rule
    if rule is None or row.baseline is None or not math.isfinite(row.baseline):
        return None
    found = []
    if rule.tolerance is not None and rule.tolerance > 0:
        found.append(rule.tolerance)
    if rule.tolerance_pct is not None and rule.tolerance_pct > 0 and row.baseline != 0:
        found.append(rule.tolerance_pct / 100 * abs(row.baseline))
    return min(found) if found else None


def interval_plot(
    rows: Sequence[MetricRow],
    *,
    confidence: float | None,
    words: Mapping[str, str] | None = None,
) -> Plot | None:
    """None when no gated metric has a change to draw. ``words`` names a metric's outcome
    in place of its row status (the canary's pass / fail / inconclusive)."""
    drawn: list[tuple[MetricRow, float, float, float | None, float | None]] = []
    left_out: list[str] = []
    for row in rows:
        if not row.gated:
            continue
        tol, delta = tolerance(row), row.delta
        if tol is None or delta is None or not math.isfinite(delta):
            left_out.append(row.name)
            continue
        sign = 1.0 if row.higher_is_better else -1.0
        low = high = None
        if row.interval is not None and math.isfinite(row.interval.low + row.interval.high):
            low, high = sorted((sign * row.interval.low / tol, sign * row.interval.high / tol))
        drawn.append((row, tol, sign * delta / tol, low, high))
    if not drawn:
        return None
    extent = max(
        min(abs(v), MAX_SCALE) for _, _, g, lo, hi in drawn for v in (g, lo, hi) if v is not None
    )
    scale = min(MAX_SCALE, max(2, math.ceil(extent)))
    lines = [_header(scale), _ticks(scale)]
    said = words or {}
    lines += [_line(row, g, lo, hi, scale, said.get(row.name)) for row, _, g, lo, hi in drawn]
    ci = f"{confidence * 100:.4g}% interval" if confidence else "interval"
    lines.append("")
    lines.append(f"● change  ├─┤ {ci}  ┊ one tolerance worse  │ no change")
    lines.append("(each line in units of its metric's tolerance; better is to the right)")
    return Plot(
        text="\n".join(line.rstrip() for line in lines),
        metrics=tuple(row.name for row, *_ in drawn),
        left_out=tuple(left_out),
    )


def _position(value: float, scale: int) -> int:
    middle = WIDTH // 2
    clipped = max(-scale, min(scale, value))  # also ±inf, from a tiny tolerance
    return max(0, min(WIDTH - 1, round(middle + clipped / scale * middle)))


def _header(scale: int) -> str:
    middle = WIDTH // 2
    left, right = " worse ◀", "▶ better "
    axis = left + "─" * (middle - len(left)) + "┼" + "─" * (middle - len(right)) + right
    return " " * NAME_WIDTH + " " + axis


def _ticks(scale: int) -> str:
    cells = [" "] * (WIDTH + 4)
    for value, text in (
        (-scale, f"-{scale}"),
        (-1, "-1"),
        (0, "0"),
        (1, "+1"),
        (scale, f"+{scale}"),
    ):
        at = _position(value, scale)
        start = max(0, min(len(cells) - len(text), at - len(text) // 2))
        if all(c == " " for c in cells[max(0, start - 1) : start + len(text) + 1]):
            cells[start : start + len(text)] = list(text)
    return " " * NAME_WIDTH + " " + "".join(cells)


def _line(  # noqa: PLR0917 (the drawn row's numbers, in the order they are computed)
    row: MetricRow,
    change: float,
    low: float | None,
    high: float | None,
    scale: int,
    word: str | None = None,
) -> str:
    cells = [" "] * WIDTH
    if low is not None and high is not None:
        start, end = _position(low, scale), _position(high, scale)
        for at in range(start, end + 1):
            cells[at] = "─"
    # The markers stay visible where the interval crosses them.
    cells[_position(0, scale)] = "│"
    cells[_position(-1, scale)] = "┊"
    if low is not None and high is not None:
        cells[start] = "◀" if low < -scale else "├"
        cells[end] = "▶" if high > scale else "┤"
    at = _position(change, scale)
    cells[at] = "◀" if change < -scale else "▶" if change > scale else "●"
    return f"{_name(row.name)} {''.join(cells)}  {_numbers(row, word)}"


def _numbers(row: MetricRow, word: str | None = None) -> str:
    assert row.delta is not None
    text = f"Δ {signed(row.delta)}"
    if row.interval is not None:
        text += f" [{signed(row.interval.low)}, {signed(row.interval.high)}]"
        if row.significant is False:
            text += " n.s."
    else:
        text += " (point estimate)"
    return f"{text}  {word or row.status.value}"


def _name(name: str) -> str:
    """Padded to a fixed width by how wide it shows; a backtick could end the fence."""
    text = clean(name, limit=NAME_WIDTH).replace("`", "'")
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    while width > NAME_WIDTH:
        text = text[:-2] + "…"
        width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * (NAME_WIDTH - width)
