"""The report's one line on where the numbers came from — and its fallbacks — rendered as
GitHub shows it, with everything from the outside escaped."""

from __future__ import annotations

from dataclasses import replace

import cmarkgfm
from cmarkgfm.cmark import Options

from mlgate.core.evidence import Evidence, Source, point_estimates
from mlgate.core.verdict import Verdict
from mlgate.report.evidence_view import evidence_line, evidence_notes
from mlgate.report.markdown import render_markdown
from mlgate.report.terminal import render_terminal


def github_html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def with_evidence(verdict: Verdict, evidence: Evidence, confidence: float | None = 0.95) -> Verdict:
    significance = {"mode": "significant", "confidence": confidence} if confidence else None
    return replace(verdict, evidence=evidence, significance=significance)


def test_intervals_name_their_source_and_what_stays_a_point_value(passing: Verdict) -> None:
    verdict = with_evidence(
        passing, Evidence(source=Source.LOGGED, examples=171, point_only=("latency_p95_ms",))
    )
    line = evidence_line(verdict)
    assert line == (
        "🔬 **Evidence** — from the predictions both runs logged; latency\\_p95\\_ms is a logged "
        "point value."
    )
    assert line in render_markdown(verdict)
    assert "evidence from the predictions both runs logged" in render_terminal(verdict)


def test_point_estimates_say_why_and_what_to_do(passing: Verdict) -> None:
    verdict = with_evidence(
        passing,
        point_estimates(
            "neither run logged per-example predictions", "log them with mlgate.log_predictions"
        ),
        confidence=None,
    )
    html = github_html(render_markdown(verdict))
    assert "⚠️ <strong>Point estimates only</strong> — no intervals: neither run logged" in html
    assert "log them with mlgate.log_predictions." in html
    assert "no intervals: neither run logged per-example predictions" in render_terminal(verdict)


def test_fallback_notes_follow_the_line(passing: Verdict) -> None:
    note = (
        "the logged predictions do not pair: 3 ids only in runs:/x; both models were scored instead"
    )
    verdict = with_evidence(passing, Evidence(source=Source.SCORED, examples=10, notes=(note,)))
    (shown,) = evidence_notes(verdict)
    assert shown.startswith("the logged predictions do not pair")
    markdown = render_markdown(verdict)
    assert "<br>↪️ the logged predictions do not pair" in markdown
    assert "↪ the logged predictions do not pair" in render_terminal(verdict)


def test_hostile_text_in_the_evidence_cannot_inject_markup(passing: Verdict) -> None:
    hostile = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) @team"
    verdict = with_evidence(
        passing,
        Evidence(source=Source.FILES, examples=5, notes=(hostile,), point_only=(hostile,)),
    )
    html = github_html(render_markdown(verdict))
    assert "<img" not in html and 'href="javascript' not in html
    assert "@team" not in html


def test_no_production_means_no_line(first_model: Verdict) -> None:
    verdict = with_evidence(first_model, Evidence(source=Source.LOGGED, examples=5))
    assert evidence_line(verdict) == "" and evidence_notes(verdict) == []
