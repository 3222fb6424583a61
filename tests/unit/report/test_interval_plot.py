"""The interval plot: each gated metric's change in units of its own tolerance, better to
the right, so the tolerance mark is in one place on every line; regressions, noise and
improvements told apart by where the interval lies."""

from __future__ import annotations

import math
import unicodedata

import pytest

from mlgate.core.checks import Status
from mlgate.core.interval import Interval
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import MetricRow
from mlgate.report.interval_plot import WIDTH, interval_plot, tolerance


def row(
    name: str,
    baseline: float | None,
    candidate: float | None,
    *,
    ci: tuple[float, float] | None = None,
    higher: bool = True,
    tol: float | None = 0.01,
    pct: float | None = None,
    status: Status = Status.PASS,
    significant: bool | None = None,
) -> MetricRow:
    return MetricRow(
        name=name,
        baseline=baseline,
        candidate=candidate,
        status=status,
        rule=MetricRule(name=name, higher_is_better=higher, tolerance=tol, tolerance_pct=pct),
        interval=Interval(low=ci[0], high=ci[1], confidence=0.95, method="bootstrap")
        if ci
        else None,
        significant=significant,
    )


def axis(line: str) -> str:
    """The plotted cells of a metric's line (after the name column)."""
    return line[19 : 19 + WIDTH]


def lines_of(*rows: MetricRow) -> dict[str, str]:
    plot = interval_plot(rows, confidence=0.95)
    assert plot is not None
    found = {}
    for line in plot.text.splitlines()[2:]:
        name = line[:18].strip()
        if name and not line.startswith(("●", "(")):
            found[name] = line
    return found


@pytest.mark.parametrize(
    ("tol", "pct", "baseline", "expected"),
    [
        (0.01, None, 0.9, 0.01),
        (None, 5.0, 0.8, 0.04),
        (0.01, 5.0, 0.1, 0.005),  # the tighter of the two
        (None, 5.0, 0.0, None),  # a percentage of nothing
        (None, None, 0.9, None),  # bounds only
    ],
)
def test_the_tolerance_in_the_metrics_units(
    tol: float | None, pct: float | None, baseline: float, expected: float | None
) -> None:
    found = tolerance(row("m", baseline, baseline, tol=tol, pct=pct))
    assert found == pytest.approx(expected) if expected is not None else found is None


def test_a_regression_lies_left_of_the_tolerance_and_noise_across_no_change() -> None:
    lines = lines_of(
        row("regressed", 0.90, 0.86, ci=(-0.05, -0.03), significant=True, status=Status.FAIL),
        row("noise", 0.90, 0.895, ci=(-0.02, 0.01), significant=False),
    )
    regressed, noise = axis(lines["regressed"]), axis(lines["noise"])
    tolerance_at, zero_at = noise.index("┊"), noise.index("│")
    assert tolerance_at < zero_at
    assert regressed.index("┤") < tolerance_at, "the whole interval is beyond the tolerance"
    assert noise.index("├") < zero_at < noise.index("┤"), "the interval crosses no change"
    assert "n.s." in lines["noise"] and "fail" in lines["regressed"]


def test_lower_is_better_is_turned_so_that_worse_is_left() -> None:
    lines = lines_of(
        row("latency", 40.0, 48.0, higher=False, tol=4.0, ci=(6.0, 10.0), significant=True),
        row("accuracy", 0.9, 0.95, ci=(0.03, 0.07), significant=True),
    )
    latency, accuracy = axis(lines["latency"]), axis(lines["accuracy"])
    zero = accuracy.index("│")
    assert latency.index("●") < zero, "a rise in latency is worse: left"
    assert accuracy.index("●") > zero, "a rise in accuracy is better: right"
    assert "Δ +8" in lines["latency"], "the numbers stay in the metric's own units and sign"


def test_the_tolerance_mark_is_in_the_same_column_on_every_line() -> None:
    lines = lines_of(
        row("a", 0.9, 0.89, ci=(-0.02, 0.0), tol=0.01),
        row("b", 100.0, 99.0, ci=(-3.0, 1.0), tol=2.0),
        row("c", 0.5, 0.6, ci=(0.05, 0.15), pct=10.0, tol=None),
    )
    columns = {name: axis(line).find("┊") for name, line in lines.items()}
    marks = {c for c in columns.values() if c >= 0}
    assert len(marks) == 1, columns


def test_beyond_the_scale_ends_in_arrows() -> None:
    lines = lines_of(row("far", 0.9, 0.0, ci=(-1.0, -0.8), tol=0.001, status=Status.FAIL))
    cells = axis(lines["far"])
    assert cells.startswith("◀"), cells


def test_point_estimates_are_drawn_and_said_to_be_so() -> None:
    lines = lines_of(row("acc", 0.9, 0.905))
    assert "●" in axis(lines["acc"]) and "├" not in lines["acc"]
    assert "(point estimate)" in lines["acc"]


def test_what_cannot_be_drawn_is_listed_and_ungated_rows_are_ignored() -> None:
    ungated = MetricRow(name="other", baseline=1.0, candidate=2.0, status=Status.INFO)
    plot = interval_plot(
        [
            row("acc", 0.9, 0.91),
            row("auc_floor", 0.9, 0.91, tol=None),
            row("new", None, 0.5),
            row("nan", 0.9, math.nan),
            ungated,
        ],
        confidence=None,
    )
    assert plot is not None
    assert plot.metrics == ("acc",)
    assert plot.left_out == ("auc_floor", "new", "nan")


def test_nothing_to_draw_is_no_plot() -> None:
    assert interval_plot([row("floor", 0.9, 0.91, tol=None)], confidence=0.95) is None
    assert interval_plot([], confidence=0.95) is None


def test_names_cannot_end_the_code_block_and_keep_the_columns_aligned() -> None:
    names = ("```\n# injected", "精度" * 12, "a" * 40)
    plot = interval_plot(
        [row(name, 0.9, 0.905, ci=(0.002, 0.008)) for name in names], confidence=0.95
    )
    assert plot is not None
    assert "```" not in plot.text
    markdown = plot.markdown()
    assert markdown.startswith("```text\n") and markdown.count("```") == 2
    body = plot.text.splitlines()[2:5]
    columns = set()
    for line in body:
        head = line[: line.index("┊")]
        columns.add(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in head))
    assert len(columns) == 1, "the axis starts in the same column whatever the name"


def test_the_legend_names_the_confidence() -> None:
    plot = interval_plot([row("acc", 0.9, 0.9, ci=(-0.01, 0.01))], confidence=0.8)
    assert plot is not None and "├─┤ 80% interval" in plot.text
