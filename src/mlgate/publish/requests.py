"""The promotion-request issue (core/requests.py plans it): posted by ``mlgate publish`` /
``gate`` when a run has no pull or merge request — a registry event, a schedule, a manual
run — and closed by ``mlgate promote`` when the version it shows is promoted."""

from __future__ import annotations

from typing import Any

from mlgate.core.requests import (
    HowToApprove,
    RequestState,
    plan_request,
    plan_request_close,
    read_request,
    request_marker,
)
from mlgate.core.tracking import Step
from mlgate.core.verdict import Verdict
from mlgate.report.markdown import render_markdown
from mlgate.report.text import md

LABELS = ("mlgate", "promotion-request")


def post_request(
    verdict: Verdict, *, tracker: Any, how: HowToApprove, max_chars: int
) -> tuple[str | None, str]:
    """Open or update the model's request issue: ``(its URL, opened|updated)``."""
    from mlgate.adapters.clock import now_utc

    model = verdict.model or "model"
    marker = request_marker(model)
    existing = tracker.find_issue(marker=marker)
    before = read_request(existing.body) if existing is not None else None
    version = verdict.candidate.model_version
    state = RequestState(
        version=version,
        commit=verdict.candidate.commit,
        status=verdict.status.value,
        # The first time the request showed this version: commands must come after it.
        shown_at=before.shown_at
        if before is not None and before.version == version and before.shown_at
        else now_utc(),
    )
    # The report is cut to leave room for the request's own lines (a few hundred chars).
    report = render_markdown(verdict, max_chars=max_chars - 2_000, full_report="the job summary")
    plan = plan_request(model=model, state=state, report=report, existing=existing, how=how, md=md)
    if plan.step is Step.OPEN:
        issue = tracker.open_issue(title=plan.title, body=plan.body, labels=LABELS, marker=marker)
        return issue.url, "opened"
    tracker.update_issue(existing.number, title=plan.title, body=plan.body)
    if plan.comment:
        tracker.comment_issue(existing.number, body=plan.comment)
    return existing.url, "updated"


def close_request(*, tracker: Any, model: str, version: str, alias: str) -> str | None:
    """Close the request when it shows ``version`` (just promoted); its URL, else None."""
    existing = tracker.find_issue(marker=request_marker(model))
    if existing is None:
        return None
    plan = plan_request_close(existing, version=version, alias=alias, md=md)
    if plan.step is not Step.CLOSE:
        return None
    tracker.comment_issue(existing.number, body=plan.comment)
    tracker.close_issue(existing.number)
    return str(existing.url) if existing.url else None
