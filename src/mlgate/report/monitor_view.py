"""A MonitorReport → Markdown (``mlgate monitor``'s report and the tracking issue) and
plain text: feature drift (the drift view's section), the drift of the model's outputs and
labels, and live performance against the reference — overall, by window, with a trend
chart. Metric, feature and file names are data: every one is escaped."""

from __future__ import annotations

import math

from mlgate.core.checks import Status, plural
from mlgate.core.drift import FeatureDrift, FeatureStatus
from mlgate.core.monitoring import MonitorReport
from mlgate.core.performance import PerformanceReport
from mlgate.core.verdict import MetricRow
from mlgate.report.chart import line_against_line
from mlgate.report.drift_view import drift_marker, drift_section
from mlgate.report.icons import ICONS
from mlgate.report.text import clean, md, md_code, number, signed

CHART_METRICS = 2  # trend charts in one report
_ROW_ICONS = {Status.FAIL: "📉", Status.WARN: "⚠️", Status.PASS: "✅", Status.NEW: "🆕"}


def monitor_section(report: MonitorReport, *, show: int = 30, chart: bool = True) -> str:
    parts = [f"{ICONS[report.status]} **Monitoring** — {md(report.headline(), limit=600)}"]
    for part in (report.drift, report.skew):
        if part is not None:
            parts.append(drift_section(part, show=show, chart=chart))
    if report.outputs:
        parts.append(_outputs(report.outputs))
    if report.performance is not None:
        parts.append(performance_section(report.performance, chart=chart, show=show))
    for problem in report.problems:
        parts.append(f"⚠️ {md(problem, limit=300)}")
    return "\n\n".join(p.strip() for p in parts) + "\n"


def monitor_document(report: MonitorReport, *, max_chars: int = 65_536) -> str:
    head = drift_marker(report.model) + "\n"
    model = f" · {md(report.model, limit=120)}" if report.model else ""
    title = f"## mlgate monitoring{model}\n\n"
    show = 25
    while True:
        text = head + title + monitor_section(report, show=show, chart=show >= 10)
        if len(text) <= max_chars or show == 0:
            return text[:max_chars]
        show = show // 2 if show > 1 else 0


def _outputs(features: tuple[FeatureDrift, ...]) -> str:
    lines = [
        "#### What the model outputs, and the labels",
        "",
        "| | Output | PSI | KS D / JS | p | Reference | Live | Why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in features:
        m = f.measured
        icon = ICONS[Status.WARN] if f.status is FeatureStatus.DRIFT else "✅"
        if f.status is FeatureStatus.TOO_FEW:
            icon = "➖"
        lines.append(
            f"| {icon} | {md_code(f.name, limit=40)} | {_n(m.psi if m else None)} | "
            f"{_n(m.distance if m else None)} | {_p(m.p_value if m else None)} | "
            f"{md(m.reference_summary, limit=60) if m else '—'} | "
            f"{md(m.current_summary, limit=60) if m else '—'} | "
            f"{md('; '.join(f.reasons), limit=160)} |"
        )
    return "\n".join(lines)


def performance_section(report: PerformanceReport, *, chart: bool = True, show: int = 30) -> str:
    icon = ICONS[report.status]
    lines = [
        f"#### {icon} Model performance — {md(report.headline(), limit=400)}",
        "",
        f"Live: {report.labelled:,} labelled of {report.served:,} served "
        f"({report.coverage:.0%}) in {md_code(report.outcomes, limit=120)} · reference: "
        f"{md(report.reference, limit=200)}.",
        "",
        "| | Metric | Reference | Live | Δ | Interval for Δ | Rule | Why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [_metric_row(r) for r in report.rows]
    if report.settings.get("engine") == "spark":
        said = f"Computed on Spark from sums per partition ({report.settings.get('partitions')})"
        if "auc_error" in report.settings:
            said += (
                f"; ROC AUC from score bins, within ±{float(report.settings['auc_error']):.2g} "
                "of its exact value"
            )
        lines += ["", said + "."]
    if report.windows:
        lines += ["", *_windows(report, show=show)]
        if chart:
            lines += ["", *_charts(report)]
    return "\n".join(lines)


def _metric_row(row: MetricRow) -> str:
    interval = row.interval
    shown = "—"
    if interval is not None:
        shown = (
            f"{signed(interval.low)} … {signed(interval.high)} "
            f"({interval.confidence * 100:.4g}%, {md(interval.method, limit=40)})"
        )
    return (
        f"| {_ROW_ICONS.get(row.status, 'ℹ️')} | {md_code(row.name, limit=40)} | "
        f"{number(row.baseline)} | {number(row.candidate)} | {signed(row.delta)} | {shown} | "
        f"{md(row.rule.describe(), limit=60) if row.rule else ''} | "
        f"{md('; '.join(row.reasons), limit=200)} |"
    )


def _windows(report: PerformanceReport, *, show: int) -> list[str]:
    names = [r.name for r in report.rows][:4]
    header = " | ".join(md_code(n, limit=30) for n in names)
    lines = [
        f"By {report.window}:",
        "",
        f"| Window | Served | Labelled | {header} |",
        "|---|---|---|" + "---|" * len(names),
    ]
    for window in report.windows[-show:]:
        cells = []
        by_name = {r.name: r for r in window.rows}
        for name in names:
            row = by_name.get(name)
            if row is None:
                cells.append("—")
            else:
                mark = " 📉" if row.status is Status.FAIL else ""
                cells.append(f"{number(row.candidate)}{mark}")
        coverage = f"{window.labelled:,} ({window.coverage:.0%})"
        if window.coverage < 1:
            coverage += " ⏳"
        lines.append(
            f"| {window.start} | {window.served:,} | {coverage} | " + " | ".join(cells) + " |"
        )
    if len(report.windows) > show:
        lines.append(f"… and {plural(len(report.windows) - show, 'earlier window')}")
    partial = [w for w in report.windows if w.coverage < 1]
    if partial:
        lowest = min(partial, key=lambda w: w.coverage)
        lines += [
            "",
            f"⏳ Labels cover only part of {plural(len(partial), 'window')} so far (lowest: "
            f"{lowest.coverage:.0%} on {lowest.start}); windows with fewer than "
            f"{report.settings.get('min_labels', 30)} labels are not judged.",
        ]
    return lines


def _charts(report: PerformanceReport) -> list[str]:
    out: list[str] = []
    for metric in report.rows[:CHART_METRICS]:
        points = [
            (w.start, r.candidate)
            for w in report.windows
            for r in w.rows
            if r.name == metric.name and r.candidate is not None and math.isfinite(r.candidate)
        ]
        if len(points) < 2 or metric.baseline is None or not math.isfinite(metric.baseline):
            continue
        out += [
            line_against_line(
                f"{metric.name} by {report.window}: live (blue) vs at evaluation (red)",
                [p[0][5:] for p in points],
                [float(p[1]) for p in points],
                float(metric.baseline),
                axis=metric.name,
            ),
            "",
        ]
    return out


def monitor_terminal(report: MonitorReport) -> str:
    from mlgate.report.drift_view import drift_terminal

    lines = [f"mlgate monitor: {report.status.value.upper()}", clean(report.headline(), limit=400)]
    for part in (report.drift, report.skew):
        if part is not None:
            lines.append(drift_terminal(part))
    for f in report.outputs:
        m = f.measured
        lines.append(
            f"  output {clean(f.name, limit=30)}: {f.status.value}"
            + (f", PSI {_n(m.psi)}" if m else "")
            + (f" ({clean('; '.join(f.reasons), limit=100)})" if f.reasons else "")
        )
    if report.performance is not None:
        p = report.performance
        lines.append(f"performance: {clean(p.headline(), limit=300)}")
        for r in p.rows:
            interval = (
                f" [{signed(r.interval.low)}, {signed(r.interval.high)}]" if r.interval else ""
            )
            lines.append(
                f"  {r.status.value:<6} {clean(r.name, limit=30)}: reference "
                f"{number(r.baseline)}, live {number(r.candidate)}, Δ {signed(r.delta)}"
                f"{interval}  {clean('; '.join(r.reasons), limit=120)}"
            )
    return "\n".join(lines)


def _n(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else number(value, digits=3)


def _p(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return "<0.001" if value < 0.001 else f"{value:.3f}"
