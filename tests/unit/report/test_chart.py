"""The Mermaid bar chart the drift report draws (PSI per feature against its threshold):
one bar series from zero, the threshold as a flat line, horizontal, safe labels."""

from __future__ import annotations

import re

from mlgate.report.chart import bars_against_line


def test_one_bar_per_name_and_a_flat_threshold_line() -> None:
    chart = bars_against_line("PSI", ["tenure", "plan"], [0.31, 0.05], 0.2, axis="PSI")
    lines = chart.splitlines()
    assert lines[0] == "```mermaid" and lines[-1] == "```"
    assert "xychart-beta horizontal" in lines
    assert '    x-axis ["tenure", "plan"]' in lines
    assert "    bar [0.31, 0.05]" in lines
    assert "    line [0.2, 0.2]" in lines


def test_the_axis_starts_at_zero_and_ends_at_a_round_number_past_the_largest() -> None:
    chart = bars_against_line("PSI", ["a"], [0.87], 0.2, axis="PSI")
    (axis,) = [line for line in chart.splitlines() if "y-axis" in line]
    low, high = map(float, re.findall(r"([\d.]+) --> ([\d.]+)", axis)[0])
    assert low == 0 and 0.87 < high <= 1.0


def test_all_zero_bars_still_get_an_axis() -> None:
    chart = bars_against_line("PSI", ["a"], [0.0], 0.0, axis="PSI")
    assert '"PSI" 0 --> 1' in chart


def test_labels_cannot_break_the_chart() -> None:
    chart = bars_against_line("PSI", ['a"] bar [1\n```', "b" * 60], [0.1, 0.2], 0.2, axis="PSI")
    assert chart.count("```") == 2  # only the fence itself
    (labels,) = [line for line in chart.splitlines() if "x-axis" in line]
    assert labels.count('"') == 4
    assert "…" in labels, "a long name is cut"
