"""``mlgate publish``: a verdict to where reviewers look — the PR comment, the job summary,
the commit status, annotations and step outputs — or, locally, the terminal and files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mlgate.core.comments import CommentMode
from mlgate.core.verdict import Verdict
from mlgate.core.workflow import annotation_commands, mask, output_block
from mlgate.errors import MlgateError, UsageError
from mlgate.report.markdown import marker, render_markdown
from mlgate.report.text import clean
from mlgate.verdict_file import write_text_atomic

GITHUB_COMMENT_CHARS = 65_536
SUMMARY_CHARS = 1_000_000


@dataclass(frozen=True, kw_only=True)
class PublishOutcome:
    comment_url: str | None = None
    comment_action: str | None = None
    comment_file: Path | None = None
    problems: list[str] = field(default_factory=list)
    workflow_commands: list[str] = field(default_factory=list)


def publish_github(
    verdict: Verdict,
    *,
    mode: CommentMode,
    status: bool,
    out_dir: Path,
    number: int | None = None,
    min_interval: float | None = None,
) -> PublishOutcome:
    from mlgate.adapters.github import GitHub, GitHubTarget, ReadOnlyToken
    from mlgate.adapters.github_env import append, from_environment

    context = from_environment(number=number)
    commands = [mask(context.token)] if context.token else []
    full = render_markdown(verdict, max_chars=SUMMARY_CHARS)
    if context.step_summary is not None:
        append(context.step_summary, full + "\n")
    body = render_markdown(
        verdict,
        max_chars=GITHUB_COMMENT_CHARS,
        full_report="the job summary",
        full_report_url=context.run_url,
    )
    comment_file = out_dir / "mlgate-comment.md"
    write_text_atomic(comment_file, body)
    commands += annotation_commands(verdict)
    problems: list[str] = []
    url = action = None
    if context.token is None:
        problems.append(
            "no token: set GITHUB_TOKEN (permissions: pull-requests: write, statuses: write)"
        )
    else:
        github = GitHub(
            GitHubTarget(
                api_url=context.api_url, repository=context.repository, token=context.token
            ),
            min_interval=min_interval,
        )
        try:
            if context.number is None:
                problems.append(
                    "not a pull request event and no --pr: the report was not commented"
                )
            else:
                published = github.publish_comment(
                    number=context.number, marker=marker(verdict.model), body=body, mode=mode
                )
                url, action = published.url, published.action.value
            if status and context.head_sha:
                github.set_status(
                    sha=context.head_sha,
                    state="failure" if not verdict.passed else "success",
                    context=f"mlgate/{clean(verdict.model or 'model', limit=80)}",
                    description=_status_text(verdict),
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
    if context.output is not None:
        append(
            context.output,
            output_block(
                {
                    "verdict": verdict.status.value,
                    "report-path": str(comment_file),
                    "comment-url": url or "",
                }
            ),
        )
    return PublishOutcome(
        comment_url=url,
        comment_action=action,
        comment_file=comment_file,
        problems=problems,
        workflow_commands=commands,
    )


def _status_text(verdict: Verdict) -> str:
    failed = [row.name for row in verdict.metrics if row.gated and row.status.value == "fail"]
    if verdict.passed:
        return "passed" if verdict.baseline else "no production model yet; bounds passed"
    names = ", ".join(clean(n, limit=30) for n in failed[:3])
    return f"failed: {names}" if names else "failed"


def platform_from_environment(explicit: str | None, env: dict[str, str]) -> str:
    if explicit:
        return explicit
    if env.get("GITHUB_ACTIONS") == "true":
        return "github"
    if env.get("GITLAB_CI") == "true":
        raise UsageError("GitLab publishing is not available yet; use --platform local")
    return "local"
