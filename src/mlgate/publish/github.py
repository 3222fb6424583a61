"""Publishing on GitHub: the PR comment, the job summary, the commit status, annotations
and step outputs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlgate.core.approval import Policy
from mlgate.core.comments import CommentMode
from mlgate.core.verdict import Verdict
from mlgate.core.workflow import annotation_commands, mask
from mlgate.errors import MlgateError
from mlgate.files.atomic import write_text_atomic
from mlgate.files.published import write_published
from mlgate.publish import PublishOutcome, status_name, status_text
from mlgate.report.markdown import marker, render_markdown

GITHUB_COMMENT_CHARS = 65_536
DEFAULT_APPROVAL = Policy()
SUMMARY_CHARS = 1_000_000


def publish_github(
    verdict: Verdict,
    *,
    mode: CommentMode,
    status: bool,
    out_dir: Path,
    number: int | None = None,
    head_sha: str | None = None,
    min_interval: float | None = None,
    approval: Policy = DEFAULT_APPROVAL,
) -> PublishOutcome:
    from mlgate.adapters.github import GitHubTarget, ReadOnlyToken
    from mlgate.adapters.github_env import append, from_environment, write_step_outputs
    from mlgate.adapters.github_issues import GitHubTracker

    context = from_environment(number=number)
    commands = [mask(context.token)] if context.token else []
    full = render_markdown(verdict, max_chars=SUMMARY_CHARS)
    if context.step_summary is not None:
        append(context.step_summary, full + "\n")
    how = _how_to_promote(verdict, head_sha or context.head_sha, approval.command)
    body = (
        render_markdown(
            verdict,
            max_chars=GITHUB_COMMENT_CHARS - len(how),
            full_report="the job summary",
            full_report_url=context.run_url,
        )
        + how
    )
    comment_file = out_dir / "mlgate-comment.md"
    write_text_atomic(comment_file, body)
    commands += annotation_commands(verdict)
    problems: list[str] = []
    url = action = author = None
    if context.token is None:
        problems.append(
            "no token: set GITHUB_TOKEN (permissions: pull-requests: write, statuses: write)"
        )
    else:
        github = GitHubTracker(  # the client, with the issue methods a request needs
            GitHubTarget(
                api_url=context.api_url, repository=context.repository, token=context.token
            ),
            min_interval=min_interval,
        )
        try:
            if context.number is None and _requests_approval(os.environ):
                url, action = _request_issue(verdict, github, context, approval)
            elif context.number is None:
                problems.append(
                    "not a pull request event and no --pr: the report was not commented"
                )
            else:
                published = github.publish_comment(
                    number=context.number, marker=marker(verdict.model), body=body, mode=mode
                )
                url, action, author = published.url, published.action.value, published.author
            sha = head_sha or context.head_sha
            if status and sha:
                github.set_status(
                    sha=sha,
                    state="failure" if not verdict.passed else "success",
                    context=status_name(verdict),
                    description=status_text(verdict),
                    target_url=context.run_url,
                )
        except ReadOnlyToken as exc:
            problems.append(
                f"{exc}. A fork's pull request gets a read-only token, so the report could not be "
                f"commented; it is in {comment_file} — upload it as an artifact and post it from a "
                "trusted workflow_run job (docs/publishing.md)."
            )
        except MlgateError as exc:
            problems.append(str(exc))
    write_published(out_dir, model=verdict.model, comment_url=url, author=author)
    write_step_outputs(
        {
            "verdict": verdict.status.value,
            "report-path": str(comment_file),
            "comment-url": url or "",
            "model-version": verdict.candidate.model_version or "",
        }
    )
    return PublishOutcome(
        comment_url=url,
        comment_action=action,
        comment_file=comment_file,
        problems=problems,
        workflow_commands=commands,
    )


# Events with no pull request whose report goes to the model's promotion-request issue.
REQUEST_EVENTS = frozenset({"repository_dispatch", "workflow_dispatch", "schedule"})


def _requests_approval(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_EVENT_NAME", "") in REQUEST_EVENTS


def _request_issue(
    verdict: Verdict, tracker: Any, context: Any, approval: Policy
) -> tuple[str | None, str]:
    from mlgate.core.requests import HowToApprove
    from mlgate.publish.requests import post_request

    how = HowToApprove(
        command=approval.command,
        environment=os.environ.get("MLGATE_ENVIRONMENT") or approval.environment,
        run_url=context.run_url,
        platform="github",
    )
    return post_request(verdict, tracker=tracker, how=how, max_chars=GITHUB_COMMENT_CHARS)


def _how_to_promote(verdict: Verdict, sha: str | None, command: str) -> str:
    """The exact command that approves this commit, for a report that may be promoted."""
    if not verdict.passed or not sha or not verdict.candidate.model_version:
        return ""
    command = command.replace("`", "")
    short = "".join(ch for ch in sha[:12] if ch in "0123456789abcdefABCDEF")
    return (
        f"\n\n**To promote** commit `{short}`: approve the pull request on it, or comment "
        f"`{command} {short}` — a command naming the commit stays bound to it."
    )
