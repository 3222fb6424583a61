"""Verdict → plain text for a terminal: the headline, an aligned table, the reasons."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from mlgate.core.checks import Status, plural
from mlgate.core.model_tests import ModelTests, ordered, summary_text
from mlgate.core.verdict import Identity, MetricRow, Overall, Verdict
from mlgate.report.interval_plot import interval_plot
from mlgate.report.text import clean, number_pair, signed

_WORDS = {Overall.PASS: "PASSED", Overall.FAIL: "FAILED", Overall.NO_BASELINE: "NO BASELINE"}
_COLORS = {
    Status.FAIL: "red",
    Status.WARN: "yellow",
    Status.MISSING: "yellow",
    Status.NEW: "cyan",
    Status.PASS: "green",
    Status.INFO: None,
}
Style = Callable[[str, str | None], str]


def render_terminal(verdict: Verdict, *, color: bool = False) -> str:
    style = _styler(color)
    model = clean(verdict.model or "model", limit=80)
    overall_color = {Overall.PASS: "green", Overall.FAIL: "red", Overall.NO_BASELINE: "cyan"}
    lines = [style(f"mlgate · {model}: {_WORDS[verdict.status]}", overall_color[verdict.status])]
    lines.append(_summary(verdict))
    if verdict.data is not None and verdict.data.outcome.value == "cross_dataset":
        lines.append(style("compared across different evaluation datasets", "yellow"))
    if verdict.significance:
        settings = verdict.significance
        examples = settings.get("examples")
        on = f" on {examples:,} paired examples" if examples else ""
        lines.append(
            f"decided in mode {settings.get('mode')}, "
            f"{float(settings.get('confidence', 0.95)):.0%} intervals{on}"
        )
    for check in verdict.checks:
        lines.append(
            style(
                f"  {check.status.value.upper()} {check.name}: {clean(check.summary)}",
                _COLORS[check.status],
            )
        )
    lines.extend(_evidence(verdict, style))
    if verdict.metrics:
        lines.append("")
        lines.extend(_table(verdict.metrics, style))
    plot = interval_plot(verdict.metrics, confidence=(verdict.significance or {}).get("confidence"))
    if plot is not None and verdict.baseline is not None:
        lines.append("")
        lines.extend(plot.text.splitlines())
    reasons = [
        row
        for row in verdict.metrics
        if row.reasons and row.status in (Status.FAIL, Status.WARN, Status.MISSING)
    ]
    if reasons:
        lines.append("")
        for row in reasons:
            lines.append(
                f"  {clean(row.name, limit=60)}: {clean('; '.join(row.reasons), limit=200)}"
            )
    if verdict.tests is not None:
        lines.append("")
        lines.extend(_tests(verdict.tests, style))
    if verdict.drift is not None:
        lines.append("")
        lines.append(f"data drift: {clean(verdict.drift.headline(), limit=200)}")
        for feature in verdict.drift.drifted[:5]:
            why = clean("; ".join(feature.reasons), limit=160)
            lines.append(style(f"  {clean(feature.name, limit=60)}: {why}", "yellow"))
    if verdict.param_changes or verdict.signature_changes:
        lines.append("")
        lines.extend(_changes(verdict))
    return "\n".join(lines) + "\n"


def _evidence(verdict: Verdict, style: Style) -> list[str]:
    evidence = verdict.evidence if verdict.baseline is not None else None
    if evidence is None:
        return []
    if evidence.intervals:
        lines = [f"evidence {clean(evidence.origin(), limit=300)}"]
    else:
        lines = [style(clean(evidence.summary(), limit=300), "yellow")]
    return lines + [f"  ↪ {clean(note, limit=300)}" for note in evidence.notes]


def _tests(tests: ModelTests, style: Style) -> list[str]:
    lines = [f"model tests: {summary_text(tests)}"]
    if tests.problem:
        lines.append(style(f"  {clean(tests.problem, limit=200)}", "red"))
    for test in ordered(tests.tests):
        if not test.outcome.broken:
            break
        kind = "critical" if test.critical else "non-critical"
        color = "red" if test.critical else "yellow"
        head = style(f"  FAIL {kind}", color)
        lines.append(f"{head} {clean(test.nodeid, limit=100)}: {clean(test.message, limit=300)}")
    return lines


def _summary(verdict: Verdict) -> str:
    candidate = _name(verdict.candidate)
    if verdict.baseline is None:
        return f"candidate {candidate} · no production model yet: only floors and ceilings checked"
    baseline = _name(verdict.baseline)
    gated = verdict.gated_rows()
    failed = sum(1 for r in gated if r.status is Status.FAIL)
    checks = [c.name for c in verdict.checks if c.status is Status.FAIL]
    failed_checks = (
        f"; {plural(len(checks), 'check')} failed ({', '.join(checks)})" if checks else ""
    )
    return (
        f"candidate {candidate} vs production {baseline} · {len(gated)} gated, {failed} failed"
        f"{failed_checks}"
    )


def _name(identity: Identity) -> str:
    if identity.model_version:
        return f"version {clean(identity.model_version, limit=40)}"
    return clean(identity.label, limit=60)


def _table(rows: tuple[MetricRow, ...], style: Style) -> list[str]:
    with_ci = any(row.interval for row in rows)
    header = ["status", "metric", "production", "candidate", "Δ", "Δ%", "rule"]
    if with_ci:
        header.insert(5, "CI of Δ")
    body = []
    for row in rows:
        baseline, candidate = number_pair(row.baseline, row.candidate)
        rel = row.rel_delta
        cells = [
            row.status.value,
            clean(row.name, limit=40),
            baseline,
            candidate,
            signed(row.delta) + (" n.s." if row.significant is False and row.delta else ""),
            signed(rel * 100, suffix="%") if rel is not None else "—",
            clean(row.rule.describe(), limit=40) if row.rule else "not gated",
        ]
        if with_ci:
            ci = row.interval
            cells.insert(5, f"[{signed(ci.low)}, {signed(ci.high)}]" if ci else "—")
        body.append(cells)
    widths = [max(_width(cells[i]) for cells in [header, *body]) for i in range(len(header))]
    right = {2, 3, 4, 6} if with_ci else {2, 3, 4, 5}

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _width(cell))
            out.append(pad + cell if i in right else cell + pad)
        return "  " + "  ".join(out).rstrip()

    lines = [line(header)]
    for row, cells in zip(rows, body, strict=True):
        text = line(cells)
        status = cells[0]
        lines.append(text.replace(status, style(status, _COLORS[row.status]), 1))
    return lines


def _changes(verdict: Verdict) -> list[str]:
    lines = ["what changed:"]
    for p in verdict.param_changes:
        before = clean(p.before, limit=40) if p.before is not None else "(absent)"
        after = clean(p.after, limit=40) if p.after is not None else "(absent)"
        lines.append(f"  param {clean(p.name, limit=60)}: {before} → {after}")
    for s in verdict.signature_changes:
        flag = "BREAKING " if s.breaking else ""
        before = clean(s.before or "—", limit=40)
        after = clean(s.after or "—", limit=40)
        lines.append(
            f"  {flag}{s.section}.{clean(s.column, limit=60)} {s.change}: {before} → {after}"
        )
    return lines


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _styler(color: bool) -> Style:
    if not color:
        return lambda text, _color: text

    import click

    return lambda text, fg: click.style(text, fg=fg, bold=fg in ("red", "green")) if fg else text
