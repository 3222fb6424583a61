"""Verdict → the template context: every string escaped, every number formatted.

Templates (built-in or a user's) only ever see these prepared strings, so a template
cannot forget to escape a metric name. What a shortened report leaves out is decided
here too, by :class:`Detail`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mlgate.core.checks import Check, Status, plural
from mlgate.core.provenance import CHECK_NAME, Outcome
from mlgate.core.verdict import Identity, MetricRow, SignatureChange, Verdict
from mlgate.report.classes_view import classes_context
from mlgate.report.evidence_view import evidence_line, evidence_notes
from mlgate.report.headline import headline
from mlgate.report.icons import ICONS
from mlgate.report.interval_plot import interval_plot
from mlgate.report.provenance_view import data_line
from mlgate.report.slices_view import slices_context
from mlgate.report.tests_view import tests_context
from mlgate.report.text import md, md_code, number_pair, signed

_KEEP_WHEN_SHORT = (Status.FAIL, Status.WARN, Status.MISSING)


@dataclass(frozen=True, kw_only=True)
class Detail:
    """How much of the verdict a rendering includes; each step down drops one part."""

    ungated: bool = True
    param_changes: bool = True
    minor_signature: bool = True
    charts: bool = True
    passing_rows: bool = True
    warning_rows: bool = True
    row_limit: int | None = None
    name_limit: int = 200
    skipped_tests: bool = True
    test_failure_limit: int = 20
    slice_rows: int = 5
    class_rows: int = 20
    drift_rows: int = 10


def build_context(
    verdict: Verdict,
    *,
    detail: Detail,
    chart: bool = True,
    full_report: str | None = None,
    full_report_url: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The template context, and the list of what ``detail`` left out (for the notice)."""
    omitted: list[str] = []
    gated = [r for r in verdict.metrics if r.gated]
    ungated = [r for r in verdict.metrics if not r.gated]
    shown = _shown_rows(gated, detail, omitted)
    charts: list[str] = []
    not_charted: tuple[str, ...] = ()
    if chart and gated and verdict.baseline is not None:
        confidence = (verdict.significance or {}).get("confidence")
        plot = interval_plot(gated, confidence=confidence)
        if plot is not None and detail.charts:
            charts, not_charted = [plot.markdown()], plot.left_out
        elif plot is not None:
            omitted.append("the interval plot")
    if ungated and not detail.ungated:
        omitted.append(f"{plural(len(ungated), 'metric')} not gated")
    params = list(verdict.param_changes)
    if params and not detail.param_changes:
        omitted.append(plural(len(params), "parameter change"))
        params = []
    signature = list(verdict.signature_changes)
    if not detail.minor_signature:
        minor = [c for c in signature if not c.breaking]
        if minor:
            omitted.append(plural(len(minor), "non-breaking signature change"))
        signature = [c for c in signature if c.breaking]
    limit = detail.name_limit
    tests, tests_omitted = tests_context(
        verdict.tests,
        failure_limit=detail.test_failure_limit,
        skipped=detail.skipped_tests,
        name_limit=limit,
    )
    omitted.extend(tests_omitted)
    context = {
        "model": md(verdict.model or "model", limit=limit),
        "status": verdict.status.value,
        "headline": headline(verdict, limit=limit),
        "identities": _identities(verdict),
        "data_line": data_line(verdict),
        "evidence_line": evidence_line(verdict),
        "evidence_notes": evidence_notes(verdict),
        "reasons": [
            _reason(row, limit) for row in shown if row.status in (Status.FAIL, Status.WARN)
        ],
        "checks": [
            {
                "name": md(c.name),
                "status": c.status.value,
                "icon": ICONS[c.status],
                "summary": md(c.summary, limit=400),
            }
            for c in verdict.checks
            if not _said_by_data_line(c, verdict)
        ],
        "rows": [_row(row, limit) for row in shown],
        "has_baseline": verdict.baseline is not None,
        "has_intervals": any(row.interval for row in verdict.metrics),
        "ci_header": _ci_header(verdict),
        "decision": _decision(verdict),
        "gated_count": len(gated),
        "ungated_rows": [_row(row, limit) for row in ungated] if detail.ungated else [],
        "ungated_count": len(ungated),
        "ungated_note": _ungated_note(verdict, ungated),
        "charts": charts,
        "not_charted": _not_charted(not_charted, limit) if charts else "",
        "param_changes": [
            {
                "name": md_code(c.name, limit=limit),
                "before": _param_value(c.before),
                "after": _param_value(c.after),
            }
            for c in params
        ],
        "param_change_count": len(verdict.param_changes),
        "signature_changes": [_signature_row(c, limit) for c in signature],
        "signature_change_count": len(verdict.signature_changes),
        "breaking_count": sum(1 for c in verdict.signature_changes if c.breaking),
        "changes_summary": _changes_summary(verdict),
        "tests": tests,
        "slices": slices_context(verdict, show=detail.slice_rows),
        "classes": classes_context(verdict, show=detail.class_rows),
        "drift": _drift(verdict, detail=detail, chart=chart),
        "omitted": omitted,
        "full_report": link(full_report, full_report_url),
        "mlgate_version": md(verdict.mlgate_version or "", limit=40),
        "config_hash": md((verdict.config_hash or "")[:19], limit=None),
    }
    return context, omitted


def _not_charted(names: tuple[str, ...], limit: int) -> str:
    if not names:
        return ""
    return ", ".join(md(name, limit=limit) for name in names[:10]) + (
        f" and {len(names) - 10} more" if len(names) > 10 else ""
    )


def _said_by_data_line(check: Check, verdict: Verdict) -> bool:
    """A data check with nothing to warn about is the data line itself."""
    return (
        check.name == CHECK_NAME
        and verdict.data is not None
        and check.status in (Status.PASS, Status.INFO)
    )


def _drift(verdict: Verdict, *, detail: Detail, chart: bool) -> str:
    """The drift section (its own rows say how many more features the JSON holds)."""
    if verdict.drift is None:
        return ""
    from mlgate.report.drift_view import drift_section

    section = drift_section(
        verdict.drift, show=detail.drift_rows, chart=chart and detail.charts, headline=False
    )
    return section.rstrip()


_SAFE_URL = re.compile(r"^https?://[^\s()<>\[\]\\`\"']+$")


def link(text: str | None, url: str | None) -> str | None:
    """Escaped text, as a link when the URL is a plain http(s) URL (anything else could
    break out of the link syntax, so it is left out)."""
    if not text:
        return None
    if url and _SAFE_URL.fullmatch(url):
        return f"[{md(text, limit=200)}]({url})"
    return md(text, limit=200)


def _shown_rows(rows: list[MetricRow], detail: Detail, omitted: list[str]) -> list[MetricRow]:
    keep = set(Status)
    if not detail.passing_rows:
        keep &= set(_KEEP_WHEN_SHORT)
    if not detail.warning_rows:
        keep = {Status.FAIL}
    shown = [r for r in rows if r.status in keep]
    dropped = len(rows) - len(shown)
    if detail.row_limit is not None and len(shown) > detail.row_limit:
        dropped_failing = len(shown) - detail.row_limit
        shown = shown[: detail.row_limit]
        omitted.append(
            f"{plural(dropped_failing, 'failing metric')} beyond the first {detail.row_limit}"
        )
    if dropped:
        omitted.append(f"{plural(dropped, 'gated metric')} that did not fail")
    return shown


def _ungated_note(verdict: Verdict, ungated: list[MetricRow]) -> str:
    """After re-scoring, a metric the predictions do not give is each side's own logged
    value, from different data: said, so the two kinds of row are not read alike."""
    if verdict.data is None or verdict.data.outcome is not Outcome.RESCORED:
        return ""
    own = [r.name for r in ungated if r.interval is None and r.baseline is not None]
    if not own:
        return ""
    names = ", ".join(md(name, limit=40) for name in own[:5]) + (" …" if len(own) > 5 else "")
    return (
        f"{names}: each side's own logged value, on its own evaluation data (not re-scored); "
        "the rows with an interval were both computed on the candidate's data."
    )


def _identities(verdict: Verdict) -> str:
    candidate = f"**Candidate** {_identity(verdict.candidate)}"
    if verdict.baseline is None:
        return f"{candidate} · **Production** none yet"
    return f"{candidate} · **Production** {_identity(verdict.baseline)}"


def _identity(identity: Identity) -> str:
    parts = []
    if identity.model_version:
        parts.append(f"version {md_code(identity.model_version, limit=40)}")
    if identity.run_id:
        parts.append(f"run {md_code(identity.run_id[:12], limit=40)}")
    if identity.commit:
        parts.append(f"commit {md_code(identity.commit[:12], limit=40)}")
    if not parts:
        parts.append(md_code(identity.label, limit=80))
    return ", ".join(parts)


def _row(row: MetricRow, limit: int) -> dict[str, str]:
    baseline, candidate = number_pair(row.baseline, row.candidate)
    rel = row.rel_delta
    return {
        "name": md(row.name, limit=limit),
        "status": row.status.value,
        "icon": ICONS[row.status],
        "baseline": baseline,
        "candidate": candidate,
        "delta": _delta(row),
        "ci": _ci(row),
        "delta_pct": signed(rel * 100, digits=3, suffix="%") if rel is not None else "—",
        "rule": md(row.rule.describe(), limit=120) if row.rule else "—",
        "reasons": md("; ".join(row.reasons), limit=300),
    }


def _delta(row: MetricRow) -> str:
    delta = row.delta
    if delta is None:
        return "—"
    marker = " (n.s.)" if row.significant is False and delta != 0 else ""
    return signed(delta, digits=3) + marker


def _ci(row: MetricRow) -> str:
    if row.interval is None:
        return "—"
    return f"[{signed(row.interval.low, digits=3)}, {signed(row.interval.high, digits=3)}]"


def _ci_header(verdict: Verdict) -> str:
    levels = {row.interval.confidence for row in verdict.metrics if row.interval}
    return f"{levels.pop():.0%} CI of Δ" if len(levels) == 1 else "CI of Δ"


_MODES = {
    "point": "a change fails when its point estimate is beyond the tolerance (intervals shown "
    "for information)",
    "significant": "a change fails only when it is beyond the tolerance and its interval "
    "excludes 0; *n.s.* marks changes that are not significant",
    "non_inferiority": "a metric passes only when its interval shows the candidate is not "
    "worse than the tolerance",
}


def _decision(verdict: Verdict) -> str:
    """One line on how changes were decided, when rows carry intervals."""
    settings = verdict.significance
    if not settings:
        return ""
    mode = str(settings.get("mode", ""))
    if mode not in _MODES:  # the schema allows only these; never echo anything else
        return ""
    examples = settings.get("examples")
    paired = f"paired intervals on {examples:,} examples" if examples else "paired intervals"
    return f"Decided on evidence — mode `{mode}`: {_MODES[mode]} ({paired})."


def _reason(row: MetricRow, limit: int) -> dict[str, str]:
    return {
        "name": md(row.name, limit=limit),
        "icon": ICONS[row.status],
        "text": md("; ".join(row.reasons), limit=300),
    }


def _param_value(value: str | None) -> str:
    return "—" if value is None else md_code(value, limit=80)


def _signature_row(change: SignatureChange, limit: int) -> dict[str, str]:
    return {
        "icon": "💥" if change.breaking else "·",
        "breaking": "breaking" if change.breaking else "",
        "section": change.section,
        "column": md_code(change.column, limit=limit),
        "change": change.change,
        "before": "—" if change.before is None else md_code(change.before, limit=80),
        "after": "—" if change.after is None else md_code(change.after, limit=80),
    }


def _changes_summary(verdict: Verdict) -> str:
    parts = []
    if verdict.param_changes:
        parts.append(plural(len(verdict.param_changes), "parameter"))
    if verdict.signature_changes:
        breaking = sum(1 for c in verdict.signature_changes if c.breaking)
        text = plural(len(verdict.signature_changes), "signature change")
        if breaking:
            text += f", {breaking} breaking"
        parts.append(text)
    return "; ".join(parts)
