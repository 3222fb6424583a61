"""``mlgate publish``: a verdict to where reviewers look — the PR/MR comment, the job
summary, the commit status and the CI's own reports — or, locally, the terminal and files.
One module per platform; what they share is here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mlgate.core.checks import Status
from mlgate.core.verdict import Verdict
from mlgate.report.text import clean


@dataclass(frozen=True, kw_only=True)
class PublishOutcome:
    comment_url: str | None = None
    comment_action: str | None = None
    comment_file: Path | None = None
    problems: list[str] = field(default_factory=list)
    workflow_commands: list[str] = field(default_factory=list)


def status_name(verdict: Verdict) -> str:
    return f"mlgate/{clean(verdict.model or 'model', limit=80)}"


def status_text(verdict: Verdict) -> str:
    """One plain line for a commit status (no Markdown: statuses show raw text)."""
    failed = [row.name for row in verdict.metrics if row.gated and row.status is Status.FAIL]
    if verdict.passed:
        return "passed" if verdict.baseline else "no production model yet; bounds passed"
    names = ", ".join(clean(n, limit=30) for n in failed[:3])
    return f"failed: {names}" if names else "failed"
