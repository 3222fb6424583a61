"""Publishing on GitLab: the MR note, the commit status, and the files GitLab CI reads
(`artifacts:reports:metrics`, a JUnit report for the test widget and a dotenv report for
downstream jobs)."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

from mlgate.core.approval import Policy
from mlgate.core.comments import CommentMode
from mlgate.core.verdict import Verdict
from mlgate.errors import MlgateError
from mlgate.files.atomic import write_text_atomic
from mlgate.files.published import write_published
from mlgate.publish import PublishOutcome, status_name, status_text
from mlgate.report.junit import junit_report
from mlgate.report.markdown import marker, render_markdown

GITLAB_NOTE_CHARS = 1_000_000
DEFAULT_APPROVAL = Policy()


def publish_gitlab(
    verdict: Verdict,
    *,
    mode: CommentMode,
    status: bool,
    out_dir: Path,
    number: int | None = None,
    approval: Policy = DEFAULT_APPROVAL,
) -> PublishOutcome:
    from mlgate.adapters.gitlab import JOB_TOKEN_HELP, GitLab, GitLabTarget
    from mlgate.adapters.gitlab_env import from_environment

    context = from_environment(iid=number)
    body = render_markdown(
        verdict,
        max_chars=GITLAB_NOTE_CHARS,
        full_report="the pipeline",
        full_report_url=context.pipeline_url,
    )
    comment_file = out_dir / "mlgate-comment.md"
    write_text_atomic(comment_file, body)
    write_text_atomic(out_dir / "metrics.txt", metrics_report(verdict))
    write_text_atomic(out_dir / "mlgate.env", dotenv_report(verdict))
    write_text_atomic(out_dir / "mlgate-junit.xml", junit_report(verdict))
    problems: list[str] = []
    url = action = None
    if context.token is None:
        problems.append(
            JOB_TOKEN_HELP
            if context.job_token_only
            else "no token: set GITLAB_TOKEN (a project access token with the api scope)"
        )
        return PublishOutcome(comment_file=comment_file, problems=problems)
    gitlab = GitLab(GitLabTarget(url=context.url, project=context.project, token=context.token))
    try:
        if context.iid is None and os.environ.get("CI_PIPELINE_SOURCE") in REQUEST_SOURCES:
            url, action = _request_issue(verdict, context, approval)
        elif context.iid is None:
            problems.append("not a merge request pipeline and no --pr: the report was not posted")
        else:
            posted = gitlab.publish_note(
                iid=context.iid,
                marker=marker(verdict.model),
                body=body,
                mode=mode,
                web_url=context.mr_url,
            )
            url, action = posted.url, posted.action.value
        if status and context.head_sha:
            gitlab.set_status(
                sha=context.head_sha,
                state="failed" if not verdict.passed else "success",
                name=status_name(verdict),
                description=status_text(verdict),
                target_url=context.pipeline_url,
            )
    except MlgateError as exc:
        problems.append(str(exc))
    write_published(out_dir, model=verdict.model, comment_url=url, author=None)
    return PublishOutcome(
        comment_url=url, comment_action=action, comment_file=comment_file, problems=problems
    )


def metrics_report(verdict: Verdict) -> str:
    """OpenMetrics-style ``name value`` lines for ``artifacts:reports:metrics``: GitLab shows
    each metric's change against the target branch in the MR widget."""
    lines = []
    for row in verdict.metrics:
        if row.candidate is None or not math.isfinite(row.candidate):
            continue
        lines.append(f"{_metric_name(row.name)} {row.candidate:.10g}")
    return "".join(f"{line}\n" for line in lines)


def dotenv_report(verdict: Verdict) -> str:
    """``artifacts:reports:dotenv``: the verdict as variables for later jobs."""
    values = {
        "MLGATE_VERDICT": verdict.status.value,
        "MLGATE_MODEL": verdict.model or "",
        "MLGATE_CANDIDATE_VERSION": verdict.candidate.model_version or "",
        "MLGATE_BASELINE_VERSION": (verdict.baseline.model_version or "")
        if verdict.baseline
        else "",
        "MLGATE_COMMIT": verdict.candidate.commit or "",
    }
    return "".join(f"{key}={_dotenv_value(value)}\n" for key, value in values.items())


def _metric_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_:]", "_", name)
    return cleaned if re.match(r"[A-Za-z_:]", cleaned) else f"_{cleaned}"


def _dotenv_value(value: str) -> str:
    # GitLab's dotenv report takes one line per variable; keep values to a safe alphabet.
    return re.sub(r"[^A-Za-z0-9._:/@+-]", "_", value)


# Pipelines with no merge request whose report goes to the model's promotion-request issue.
REQUEST_SOURCES = frozenset({"trigger", "api", "schedule"})


def _request_issue(verdict: Verdict, context: Any, approval: Policy) -> tuple[str | None, str]:
    from mlgate.adapters.gitlab import GitLabTarget
    from mlgate.adapters.gitlab_issues import GitLabTracker
    from mlgate.core.requests import HowToApprove
    from mlgate.publish.requests import post_request

    tracker = GitLabTracker(
        GitLabTarget(url=context.url, project=context.project, token=context.token)
    )
    how = HowToApprove(command=approval.command, run_url=context.pipeline_url, platform="gitlab")
    return post_request(verdict, tracker=tracker, how=how, max_chars=GITLAB_NOTE_CHARS)
