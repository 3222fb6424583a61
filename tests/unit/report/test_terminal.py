"""The terminal summary: aligned, complete, and safe from escape sequences in names."""

from __future__ import annotations

from mlgate.core.checks import Status
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import Identity, MetricRow, Overall, Verdict
from mlgate.report.terminal import render_terminal


def test_passing_summary(passing: Verdict) -> None:
    text = render_terminal(passing)
    lines = text.splitlines()
    assert lines[0] == "mlgate · churn-classifier: PASSED"
    assert lines[1] == "candidate version 7 vs production version 6 · 6 gated, 0 failed"
    header = lines[3]
    assert header.split() == ["status", "metric", "production", "candidate", "Δ", "Δ%", "rule"]
    widths = {len(line) for line in lines[3:10]}
    assert max(widths) - min(widths) < 30  # rows are aligned columns, not ragged text
    assert "  log_loss: rise of 6.17% exceeds max_rise_pct 5%" in lines
    assert "  param learning_rate: 0.1 → 0.05" in lines


def test_failing_summary_names_checks_and_breaking_changes(failing: Verdict) -> None:
    text = render_terminal(failing)
    assert text.startswith("mlgate · churn-classifier: FAILED\n")
    assert "  FAIL signature: 2 breaking signature changes" in text
    assert "  BREAKING inputs.support_calls removed: long → —" in text


def test_no_baseline(first_model: Verdict) -> None:
    assert "no production model yet: only floors and ceilings checked" in render_terminal(
        first_model
    )


def test_color_only_when_asked(failing: Verdict) -> None:
    assert "\x1b[" not in render_terminal(failing)
    assert "\x1b[31m" in render_terminal(failing, color=True)


def test_escape_sequences_in_names_are_neutralised() -> None:
    row = MetricRow(
        name="\x1b[2J\x1b]0;pwned\x07",
        baseline=1.0,
        candidate=0.0,
        status=Status.FAIL,
        rule=MetricRule(name="x", tolerance=0.1),
        reasons=("\x1b[31mboom",),
    )
    verdict = Verdict(
        model="m\x1b[1m",
        status=Overall.FAIL,
        candidate=Identity(label="c"),
        baseline=Identity(label="b"),
        metrics=(row,),
    )
    assert "\x1b" not in render_terminal(verdict)


def test_model_tests_are_listed_after_the_table(with_tests: Verdict) -> None:
    text = render_terminal(with_tests)
    lines = text.splitlines()
    start = lines.index("model tests: 2 failed, 2 passed, 1 skipped")
    assert lines[start + 1].startswith(
        "  FAIL critical tests/test_model.py::test_golden_set[0]: no regression on the golden set"
    )
    assert lines[start + 2].startswith(
        "  FAIL non-critical tests/test_model.py::test_latency: latency:"
    )
    assert "  FAIL model tests: 1 critical model test failed: test_golden_set[0]" in text


def test_intervals_get_a_column_and_the_mode_is_said(with_intervals: Verdict) -> None:
    lines = render_terminal(with_intervals).splitlines()
    assert any(
        line.startswith("decided in mode ") and "95% intervals on " in line for line in lines
    )
    header = next(line for line in lines if line.split()[:2] == ["status", "metric"])
    assert "CI of Δ" in header
    gated = [row for row in with_intervals.metrics if row.gated and row.interval]
    assert gated
    row_line = next(line for line in lines if f" {gated[0].name} " in line)
    assert "[" in row_line and "]" in row_line, "the interval is shown on the metric's row"


def test_a_change_that_is_not_significant_is_marked_so(with_intervals: Verdict) -> None:
    import dataclasses

    row = next(r for r in with_intervals.metrics if r.gated and r.interval)
    quiet = dataclasses.replace(row, significant=False, candidate=(row.baseline or 0) + 0.001)
    text = render_terminal(dataclasses.replace(with_intervals, metrics=(quiet,)))
    assert " n.s." in text


def test_a_comparison_across_datasets_is_flagged(passing: Verdict) -> None:
    import dataclasses

    from mlgate.core.provenance import DataComparison, Outcome

    data = DataComparison(outcome=Outcome.CROSS_DATASET, candidate=None, baseline=None)
    text = render_terminal(dataclasses.replace(passing, data=data))
    assert text.splitlines()[2] == "compared across different evaluation datasets"


def test_a_version_less_identity_is_named_by_its_label() -> None:
    verdict = Verdict(
        model="churn",
        status=Overall.PASS,
        candidate=Identity(label="runs:/abc/model"),
        baseline=Identity(label="x" * 100),
        metrics=(
            MetricRow(
                name="acc",
                baseline=0.5,
                candidate=0.6,
                status=Status.PASS,
                rule=MetricRule(name="acc", tolerance=0.1),
            ),
        ),
    )
    summary = render_terminal(verdict).splitlines()[1]
    assert summary.startswith("candidate runs:/abc/model vs production " + "x" * 50)
    assert len(summary) < 200
