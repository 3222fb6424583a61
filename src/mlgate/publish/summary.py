"""``mlgate summary``: the models' verdicts (from their jobs' artifacts) → one roll-up
comment on the PR/MR, the job summary, and the aggregate commit status ``mlgate``.

The verdicts are found under the given folders (``**/verdict.json``, with the
``mlgate-published.json`` each model's publish step left beside its verdict: where its
comment is and who wrote it). The plan says which models had to report: a planned model with
no verdict fails the aggregate, and gets a failing ``mlgate/<model>`` status of its own, so
branch protection sees it either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlgate.core.comments import CommentMode
from mlgate.core.plan import Plan
from mlgate.core.summary import AGGREGATE_STATUS, ModelVerdict, Summary, summarize
from mlgate.errors import InputError, MlgateError
from mlgate.files.atomic import write_text_atomic
from mlgate.files.published import PUBLISHED_NAME, read_published
from mlgate.publish import status_text
from mlgate.report.summary import SUMMARY_MARKER, render_summary
from mlgate.report.text import clean

SUMMARY_FILE = "mlgate-summary.md"
COMMENT_CHARS = 65_536
FULL_CHARS = 1_000_000
_SKIPPED_DIRS = frozenset({".git", ".venv", ".mlgate", "node_modules", "__pycache__"})


@dataclass(frozen=True, kw_only=True)
class Gathered:
    verdicts: dict[str, ModelVerdict]
    problems: list[str] = field(default_factory=list)
    author: str | None = None  # who wrote the models' comments (the summary's author too)


@dataclass(frozen=True, kw_only=True)
class SummaryOutcome:
    summary: Summary
    file: Path
    comment_url: str | None = None
    problems: list[str] = field(default_factory=list)


def gather(folders: Sequence[Path]) -> Gathered:
    """Every verdict.json under ``folders``; one per model (a second one is a problem)."""
    from mlgate.files.verdict import read_verdict

    verdicts: dict[str, ModelVerdict] = {}
    where: dict[str, Path] = {}
    problems: list[str] = []
    authors: set[str] = set()
    for path in _verdict_files(folders):
        try:
            verdict = read_verdict(path)
        except InputError as exc:
            problems.append(f"{exc} (that model counts as having no verdict)")
            continue
        model = verdict.model or ""
        if model in verdicts:
            problems.append(f"{path}: a second verdict for {model!r}; kept {where[model]}")
            continue
        published = read_published(path.with_name(PUBLISHED_NAME))
        if published.get("author"):
            authors.add(published["author"])
        verdicts[model] = ModelVerdict(
            model=model,
            passed=verdict.passed,
            status=verdict.status.value,
            headline=status_text(verdict),
            comment_url=published.get("comment_url") or None,
            version=verdict.candidate.model_version,
        )
        where[model] = path
    author = next(iter(authors)) if len(authors) == 1 else None
    return Gathered(verdicts=verdicts, problems=problems, author=author)


def _verdict_files(folders: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            raise InputError(f"{folder}: not a folder of verdicts (download the artifacts there)")
        for parent, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS)
            if "verdict.json" in files:
                found.append(Path(parent) / "verdict.json")
    return sorted(found)


def build(plan: Plan, gathered: Gathered) -> Summary:
    return summarize(
        [p.model for p in plan.planned],
        gathered.verdicts,
        removed=[r.model for r in plan.removed],
    )


def publish_summary(
    summary: Summary,
    *,
    platform: str,
    mode: CommentMode,
    status: bool,
    out_dir: Path,
    number: int | None = None,
    author: str | None = None,
) -> SummaryOutcome:
    """Post the roll-up where ``platform`` shows it; the Markdown is always written to
    ``out_dir/mlgate-summary.md`` first."""
    if platform == "github":
        return _github(
            summary, mode=mode, status=status, out_dir=out_dir, number=number, author=author
        )
    if platform == "gitlab":
        return _gitlab(summary, mode=mode, status=status, out_dir=out_dir, number=number)
    file = out_dir / SUMMARY_FILE
    write_text_atomic(file, render_summary(summary, max_chars=FULL_CHARS))
    return SummaryOutcome(summary=summary, file=file)


def _github(
    summary: Summary,
    *,
    mode: CommentMode,
    status: bool,
    out_dir: Path,
    number: int | None,
    author: str | None,
) -> SummaryOutcome:
    from mlgate.adapters.github import GitHub, GitHubTarget
    from mlgate.adapters.github_env import append, from_environment, write_step_outputs

    context = from_environment(number=number)
    full = render_summary(summary, max_chars=FULL_CHARS, run_url=context.run_url)
    file = out_dir / SUMMARY_FILE
    write_text_atomic(file, full)
    if context.step_summary is not None:
        append(context.step_summary, full + "\n")
    problems: list[str] = []
    url = None
    if context.token is None:
        problems.append("no token: set GITHUB_TOKEN (pull-requests: write, statuses: write)")
    else:
        github = GitHub(
            GitHubTarget(
                api_url=context.api_url, repository=context.repository, token=context.token
            )
        )
        try:
            if context.number is None:
                problems.append(
                    "not a pull request event and no --pr: the summary was not commented"
                )
            else:
                body = render_summary(summary, max_chars=COMMENT_CHARS, run_url=context.run_url)
                published = github.publish_comment(
                    number=context.number,
                    marker=SUMMARY_MARKER,
                    body=body,
                    mode=mode,
                    author=author,
                )
                url = published.url
            if status and context.head_sha:
                _statuses(summary, context.head_sha, context.run_url, github.set_status, "failure")
        except MlgateError as exc:
            problems.append(str(exc))
    write_step_outputs(
        {
            "verdict": "pass" if summary.passed else "fail",
            "comment-url": url or "",
            "report-path": str(file),
        }
    )
    return SummaryOutcome(summary=summary, file=file, comment_url=url, problems=problems)


def _gitlab(
    summary: Summary, *, mode: CommentMode, status: bool, out_dir: Path, number: int | None
) -> SummaryOutcome:
    from mlgate.adapters.gitlab import JOB_TOKEN_HELP, GitLab, GitLabTarget
    from mlgate.adapters.gitlab_env import from_environment

    context = from_environment(iid=number)
    full = render_summary(summary, max_chars=FULL_CHARS, run_url=context.pipeline_url)
    file = out_dir / SUMMARY_FILE
    write_text_atomic(file, full)
    problems: list[str] = []
    url = None
    if context.token is None:
        problems.append(
            JOB_TOKEN_HELP
            if context.job_token_only
            else "no token: set GITLAB_TOKEN (a project access token with the api scope)"
        )
        return SummaryOutcome(summary=summary, file=file, problems=problems)
    gitlab = GitLab(GitLabTarget(url=context.url, project=context.project, token=context.token))
    try:
        if context.iid is None:
            problems.append("not a merge request pipeline and no --pr: the summary was not posted")
        else:
            posted = gitlab.publish_note(
                iid=context.iid, marker=SUMMARY_MARKER, body=full, mode=mode, web_url=context.mr_url
            )
            url = posted.url
        if status and context.head_sha:

            def set_status(
                *, sha: str, state: str, context: str, description: str, target_url: str | None
            ) -> None:
                gitlab.set_status(
                    sha=sha,
                    state=state,
                    name=context,
                    description=description,
                    target_url=target_url,
                )

            _statuses(summary, context.head_sha, context.pipeline_url, set_status, "failed")
    except MlgateError as exc:
        problems.append(str(exc))
    return SummaryOutcome(summary=summary, file=file, comment_url=url, problems=problems)


def _statuses(
    summary: Summary, sha: str, url: str | None, set_status: Callable[..., None], failed: str
) -> None:
    """The aggregate ``mlgate``, and ``mlgate/<model>`` for each model that never reported
    (its own job could not set one)."""
    for model in summary.missing:
        set_status(
            sha=sha,
            state=failed,
            context=f"mlgate/{clean(model or 'model', limit=80)}",
            description="no verdict: the model's job failed before writing one",
            target_url=url,
        )
    set_status(
        sha=sha,
        state="success" if summary.passed else failed,
        context=AGGREGATE_STATUS,
        description=summary.status_text(),
        target_url=url,
    )
