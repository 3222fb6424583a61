"""Where the report's numbers came from, in one line — paired intervals and their source,
or why there are none and what would give them — and the fallbacks taken on the way."""

from __future__ import annotations

from mlgate.core.verdict import Verdict
from mlgate.report.text import md


def evidence_line(verdict: Verdict) -> str:
    evidence = verdict.evidence
    if evidence is None or verdict.baseline is None:
        return ""
    if not evidence.intervals:
        return f"⚠️ **Point estimates only** — {md(evidence.summary(), limit=400)}."
    return f"🔬 **Evidence** — {md(evidence.origin(), limit=400)}."


def evidence_notes(verdict: Verdict) -> list[str]:
    evidence = verdict.evidence
    if evidence is None or verdict.baseline is None:
        return []
    return [md(note, limit=400) for note in evidence.notes]
