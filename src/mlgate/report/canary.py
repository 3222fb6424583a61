"""A canary report as a reviewer reads it — Markdown for the job summary, the PR comment
and ``mlgate-canary.md``, and plain text for a terminal: the decision and why, the
traffic, one row per rule (stable, canary, Δ with its interval, sample sizes, and for an
inconclusive rule the traffic that would decide it), and the gate's interval plot."""

from __future__ import annotations

from mlgate.core.canary import CanaryReport, Decision, Judgement, exit_code
from mlgate.core.checks import Status
from mlgate.core.verdict import MetricRow
from mlgate.report.interval_plot import interval_plot
from mlgate.report.markdown import marker as report_marker
from mlgate.report.text import md, md_code, number, number_pair, signed

ICON = {Decision.PASS: "✅", Decision.FAIL: "❌", Decision.INCONCLUSIVE: "⏸️"}
STATUS = {
    Decision.PASS: Status.PASS,
    Decision.FAIL: Status.FAIL,
    Decision.INCONCLUSIVE: Status.WARN,
}


def marker(model: str | None) -> str:
    """The hidden line that identifies the canary report for ``model`` in a PR/MR thread
    (the gate report's encoding, under its own name)."""
    return report_marker(model).replace("mlgate:report", "mlgate:canary", 1)


def canary_markdown(report: CanaryReport) -> str:
    decision = report.decision
    model = report.model or "(model not named)"
    lines = [
        marker(report.model),
        f"## {ICON[decision]} Canary {decision.value}: {md(model)}",
        "",
        f"**{_headline(decision)}** {md(report.reason, limit=600)}",
        "",
        _traffic(report),
        "",
        "| Metric | Rule | Stable | Canary | Δ canary − stable "
        f"({_percent(report.confidence)} CI) | n stable / canary | Decision |",
        "|---|---|---:|---:|---|---:|---|",
    ]
    lines += [_row(j) for j in report.judgements]
    plot = interval_plot(
        [_metric_row(j) for j in report.judgements],
        confidence=report.confidence,
        words={j.name: j.decision.value for j in report.judgements},
    )
    if plot is not None:
        lines += ["", plot.markdown()]
    lines += ["", "<details><summary>Why, metric by metric</summary>", ""]
    lines += [
        f"- **{md(j.name)}** ({j.decision.value}): {md(j.reason, limit=600)}"
        for j in report.judgements
    ]
    lines += ["", "</details>", ""]
    how = [f"Source: {md_code(report.source)}"]
    if report.window:
        how.append(f"window {md_code(report.window)}")
    if report.at:
        how.append(f"at {md_code(report.at)}")
    if report.looks > 1:
        family = 1 - (1 - report.confidence) * report.looks
        how.append(
            f"{_percent(report.confidence)} intervals: {family:.0%} over canary.looks "
            f"{report.looks}"
        )
    lines.append(" · ".join(how) + ".")
    methods = sorted({j.method for j in report.judgements if j.method})
    for note in (*(f"{m}." for m in methods), *report.notes):
        lines.append(f"- {md(note, limit=400)}")
    lines += ["", _exit_line(decision)]
    return "\n".join(lines) + "\n"


def canary_terminal(report: CanaryReport) -> str:
    decision = report.decision
    lines = [
        f"mlgate canary: {decision.value.upper()} — {report.reason}",
        _traffic(report, markdown=False),
    ]
    for j in report.judgements:
        stable, canary = number_pair(j.stable, j.canary)
        ci = _ci(j)
        needed = f"; about {j.needed:,} more {j.unit} would decide it" if j.needed else ""
        lines.append(
            f"  {j.decision.value:<12} {j.name}: stable {stable}, canary {canary}, "
            f"Δ {signed(j.delta, digits=3)}{ci} (n {j.n_stable:,}/{j.n_canary:,}){needed}"
        )
    return "\n".join(lines)


def _percent(confidence: float) -> str:
    """95%, or 99.5% for a look's share of it: never rounded to 100%."""
    return f"{confidence * 100:.4g}%"


def _headline(decision: Decision) -> str:
    return {
        Decision.PASS: "The canary is shown not worse than the stable version.",
        Decision.FAIL: "The canary is worse than the stable version.",
        Decision.INCONCLUSIVE: "Not decided yet:",
    }[decision]


def _traffic(report: CanaryReport, *, markdown: bool = True) -> str:
    parts = []
    for side in ("stable", "canary"):
        traffic = report.traffic.get(side)
        if traffic is None:
            continue
        bits = []
        if traffic.requests is not None:
            bits.append(f"{traffic.requests:,} requests")
        if traffic.errors is not None:
            bits.append(f"{traffic.errors:,} errors")
        if traffic.labelled is not None:
            bits.append(f"{traffic.labelled:,} labelled")
        name = report.variants.get(side, side)
        shown = md_code(name) if markdown else name
        parts.append(f"{side} ({shown}): {', '.join(bits) or 'not measured'}")
    return ("Traffic — " if markdown else "  traffic: ") + "; ".join(parts)


def _row(j: Judgement) -> str:
    stable, canary = number_pair(j.stable, j.canary)
    if j.name == "output_drift" and j.canary is not None:
        stable, canary = "—", f"PSI {number(j.canary, digits=3)}"
    delta = "—" if j.delta is None else f"{signed(j.delta, digits=3)}{_ci(j)}"
    decided = f"{ICON[j.decision]} {j.decision.value}"
    if j.decision is Decision.INCONCLUSIVE:
        decided += (
            f": about {j.needed:,} more {j.unit}" if j.needed else f": {md(j.reason, limit=120)}"
        )
    counted = "" if j.counted else " (warn only)"
    return (
        f"| {md(j.name)} | {md(j.rule.describe())}{counted} | {stable} | {canary} | {delta} | "
        f"{j.n_stable:,} / {j.n_canary:,} | {decided} |"
    )


def _ci(j: Judgement) -> str:
    if j.interval is None:
        return ""
    return f" [{signed(j.interval.low, digits=3)}, {signed(j.interval.high, digits=3)}]"


def _metric_row(j: Judgement) -> MetricRow:
    """The judgement as the gate's row, so that the interval plot draws it the same way."""
    return MetricRow(
        name=j.name,
        baseline=j.stable,
        candidate=j.canary,
        status=STATUS[j.decision],
        rule=j.rule if j.rule.checks_change else None,
        interval=j.interval,
    )


def _exit_line(decision: Decision) -> str:
    code = exit_code(decision)
    return f"<sub>mlgate canary exits {code} ({decision.value}); docs/canary.md</sub>"
