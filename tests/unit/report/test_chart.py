"""Mermaid charts: one bar series (candidate) + production as a line, axes from zero,
metrics of different magnitudes on different charts, safe labels."""

from __future__ import annotations

import math

from mlgate.core.checks import Status
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import MetricRow
from mlgate.report.chart import MAX_CHARTS, MAX_METRICS_PER_CHART, build_charts


def row(
    name: str, baseline: float | None, candidate: float | None, gated: bool = True
) -> MetricRow:
    return MetricRow(
        name=name,
        baseline=baseline,
        candidate=candidate,
        status=Status.PASS,
        rule=MetricRule(name=name) if gated else None,
    )


def test_proportions_share_a_zero_to_one_axis_and_others_are_apart() -> None:
    charts, left_out = build_charts(
        [
            row("acc", 0.9, 0.91),
            row("f1", 0.8, 0.79),
            row("latency", 38.2, 40.1),
            row("size_mb", 41.5, 44.0),
            row("rows", 1e6, 1.1e6),
        ],
        with_baseline=True,
    )
    assert left_out == 0
    assert [c.metrics for c in charts] == [("acc", "f1"), ("latency", "size_mb"), ("rows",)]
    assert 'x-axis ["candidate", "production"]' in charts[2].mermaid
    assert "bar [1.1e+06, 1e+06]" in charts[2].mermaid
    first = charts[0].mermaid
    assert 'x-axis ["acc", "f1"]' in first
    assert 'y-axis "value" 0 --> 1' in first
    assert "bar [0.91, 0.79]" in first and "line [0.9, 0.8]" in first
    assert first.count("bar [") == 1
    assert 'y-axis "value" 0 --> 50' in charts[1].mermaid
    assert 'y-axis "value" 0 --> 1.5e+06' in charts[2].mermaid


def test_negative_values_extend_the_axis_and_draw_lines_not_bars() -> None:
    charts, _ = build_charts([row("r2", -0.5, 2.0), row("r2_adj", -0.4, 1.5)], with_baseline=True)
    mermaid = charts[0].mermaid
    assert 'y-axis "value" -0.6 --> 2.5' in mermaid
    assert "bar [" not in mermaid
    assert "    line [2, 1.5]\n    line [-0.5, -0.4]" in mermaid
    assert 'title "Candidate (blue line) vs production (red line)"' in mermaid


def test_a_metric_alone_on_its_scale_gets_two_categories() -> None:
    charts, _ = build_charts([row("r2", 0.35, -0.12)], with_baseline=True)
    mermaid = charts[0].mermaid
    assert 'title "r2"' in mermaid
    assert 'x-axis ["candidate", "production"]' in mermaid
    assert "    line [-0.12, 0.35]" in mermaid


def test_a_lone_negative_value_without_baseline_is_not_charted() -> None:
    charts, left_out = build_charts([row("r2", None, -0.12)], with_baseline=False)
    assert (charts, left_out) == ([], 1)


def test_without_baseline_only_bars() -> None:
    charts, _ = build_charts([row("acc", None, 0.9)], with_baseline=False)
    assert "line [" not in charts[0].mermaid
    assert 'title "Candidate"' in charts[0].mermaid


def test_unusable_rows_are_left_out_and_counted() -> None:
    rows = [
        row("nan", 0.5, math.nan),
        row("nobase", None, 0.5),
        row("ungated", 0.5, 0.5, gated=False),
        row("ok", 0.5, 0.6),
    ]
    charts, left_out = build_charts(rows, with_baseline=True)
    assert [c.metrics for c in charts] == [("ok",)]
    assert left_out == 2  # ungated rows are not candidates for the chart at all


def test_limits() -> None:
    rows = [row(f"m{i}", 0.5, 0.5) for i in range(MAX_METRICS_PER_CHART + 3)]
    rows += [
        row(f"big{i}", 10.0 ** (3 * i + 2), 10.0 ** (3 * i + 2)) for i in range(MAX_CHARTS + 1)
    ]
    charts, left_out = build_charts(rows, with_baseline=True)
    assert len(charts) == MAX_CHARTS
    assert len(charts[0].metrics) == MAX_METRICS_PER_CHART
    assert left_out == len(rows) - sum(len(c.metrics) for c in charts)


def test_labels_cannot_break_the_chart() -> None:
    charts, _ = build_charts(
        [row('a"] bar [1\n```', 0.1, 0.2), row("b", 0.1, 0.2)], with_baseline=True
    )
    mermaid = charts[0].mermaid
    assert mermaid.count("```") == 2  # only the fence itself
    assert 'x-axis ["a__ bar _1____", "b"]' in mermaid
