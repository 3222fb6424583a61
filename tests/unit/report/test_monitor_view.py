"""The monitoring report as Markdown and text: hostile names from the data escaped, the
window table and trend chart, partial labels said, and the size limit kept."""

from __future__ import annotations

from mlgate.core.checks import Status
from mlgate.core.drift import DataSide, DriftReport, FeatureDrift, FeatureStatus, Kind
from mlgate.core.interval import Interval
from mlgate.core.monitoring import MonitorReport
from mlgate.core.performance import PerformanceReport, Window
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import MetricRow
from mlgate.report.monitor_view import monitor_document, monitor_terminal

HOSTILE = "<img src=x onerror=alert(1)>|`x`"


def row(name: str, live: float, status: Status = Status.PASS) -> MetricRow:
    return MetricRow(
        name=name,
        baseline=0.9,
        candidate=live,
        status=status,
        rule=MetricRule(name=name, tolerance=0.03),
        interval=Interval(low=live - 0.92, high=live - 0.88, confidence=0.95, method="Wilson"),
    )


def report(windows: int = 5, features: int = 3) -> MonitorReport:
    days = tuple(
        Window(
            start=f"2026-11-{d + 1:02d}",
            served=1000,
            labelled=1000 if d < windows - 1 else 300,
            rows=(row(HOSTILE, 0.9 - d / 100), row("f1", 0.88)),
        )
        for d in range(windows)
    )
    performance = PerformanceReport(
        model="churn",
        version="3",
        reference="models:/churn@champion",
        outcomes=f"{HOSTILE}.csv",
        served=1000 * windows,
        labelled=1000 * windows - 700,
        rows=(row(HOSTILE, 0.85, Status.FAIL), row("f1", 0.88)),
        windows=days,
        window="day",
        settings={"min_labels": 30},
    )
    drift = DriftReport(
        kind=Kind.DRIFT,
        model="churn",
        reference=DataSide(label="r", rows=9),
        current=DataSide(label="c", rows=9),
        features=tuple(
            FeatureDrift(name=f"{HOSTILE}{i}", kind="numeric", status=FeatureStatus.OK)
            for i in range(features)
        ),
    )
    return MonitorReport(model="churn", drift=drift, performance=performance)


def test_hostile_names_are_escaped_everywhere() -> None:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    text = monitor_document(report())
    # Rendered as GitHub does, with raw HTML let through: no tag comes out of the data.
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    assert "<img" not in html and "&lt;img" in html
    assert text.startswith("<!-- mlgate:drift model=churn -->\n## mlgate monitoring · churn")
    assert "📉" in text and "Wilson" in text


def test_windows_the_chart_and_partial_labels() -> None:
    text = monitor_document(report())
    assert "By day:" in text and "| 2026-11-05 | 1,000 | 300 (30%) ⏳ |" in text
    assert "Labels cover only part of 1 window so far (lowest: 30% on 2026-11-05)" in text
    assert text.count("xychart-beta") == 2  # the first two metrics
    assert "by day: live (blue) vs at evaluation (red)" in text
    single = monitor_document(report(windows=1))
    assert "xychart-beta" not in single  # one point is no trend


def test_the_size_limit_is_kept() -> None:
    big = report(windows=60, features=3000)
    text = monitor_document(big, max_chars=65_536)
    assert len(text) <= 65_536 and "Model performance" in text


def test_terminal_text_has_no_markdown_and_no_control_characters() -> None:
    text = monitor_terminal(report())
    assert text.startswith("mlgate monitor: WARN")
    assert "performance: degradation in 1 metric" in text
    assert "\x1b" not in text
