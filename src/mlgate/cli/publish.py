"""``mlgate publish``: put a verdict where reviewers look."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mlgate.cli.options import FilePath, config_option, print_option, read_config

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = """\b
Examples:
  mlgate publish verdict.json                     # platform from the environment
  mlgate publish verdict.json --platform local    # preview on a laptop
  mlgate publish verdict.json --pr 42 --comment-mode recreate
  mlgate publish verdict.json --to-artifact out/  # fork PR, phase 1 (no API calls)
  mlgate publish --from-artifact out/             # workflow_run, phase 2

\b
On GitHub Actions (GITHUB_ACTIONS=true) it needs GITHUB_TOKEN (or MLGATE_GITHUB_TOKEN) with
pull-requests: write and statuses: write, reads the PR from GITHUB_EVENT_PATH, and honours
GITHUB_API_URL (GitHub Enterprise Server). On GitLab CI (GITLAB_CI=true) it needs
GITLAB_TOKEN (or MLGATE_GITLAB_TOKEN; CI_JOB_TOKEN cannot post notes), reads
CI_MERGE_REQUEST_IID and CI_API_V4_URL (self-managed GitLab), and also writes metrics.txt,
mlgate-junit.xml and mlgate.env for artifacts:reports. The exit code is the verdict's
(0 pass, 1 fail): a comment that could not be posted never changes it, unless
--require-comment (then 3).
"""


def publish_options(func: F) -> F:
    """Where and how to publish (publish, gate, summary)."""
    options = [
        click.option(
            "--platform",
            type=click.Choice(["github", "gitlab", "local"]),
            envvar="MLGATE_PLATFORM",
            show_envvar=True,
            help="Where to publish (default: github in GitHub Actions, gitlab in GitLab CI, "
            "else local).",
        ),
        click.option(
            "--pr",
            "number",
            type=click.IntRange(min=1),
            envvar="MLGATE_PR",
            show_envvar=True,
            help="Pull/merge request number (default: from the event or CI_MERGE_REQUEST_IID).",
        ),
        click.option(
            "--comment-mode",
            type=click.Choice(["update", "recreate", "new", "off"]),
            default="update",
            show_default=True,
            envvar="MLGATE_COMMENT_MODE",
            show_envvar=True,
            help="update: edit mlgate's comment in place; recreate: delete and post anew; "
            "new: always post another; off: no comment.",
        ),
        click.option(
            "--status/--no-status",
            default=True,
            envvar="MLGATE_STATUS",
            show_envvar=True,
            help="Set the commit status on the head commit (publish: mlgate/<model>; summary: "
            "the aggregate mlgate).",
        ),
        click.option(
            "--require-comment",
            is_flag=True,
            envvar="MLGATE_REQUIRE_COMMENT",
            show_envvar=True,
            help="Exit 3 when the report could not be published.",
        ),
        click.option(
            "--out-dir",
            type=click.Path(path_type=Path, file_okay=False),
            default=Path("."),
            show_default=True,
            envvar="MLGATE_OUT_DIR",
            show_envvar=True,
            help="Where mlgate-comment.md (the exact comment body; summary: mlgate-summary.md) "
            "and, on GitLab, metrics.txt, mlgate-junit.xml and mlgate.env are written.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.command("publish", epilog=EPILOG)
@click.argument("verdict_path", metavar="[VERDICT]", type=FilePath, required=False)
@publish_options
@click.option(
    "--to-artifact",
    type=click.Path(path_type=Path, file_okay=False),
    help="Fork-safe phase 1: save the verdict and the PR it is for in this folder (upload it "
    "as an artifact); no API calls.",
)
@click.option(
    "--from-artifact",
    type=click.Path(path_type=Path, file_okay=False),
    help="Fork-safe phase 2, in a workflow_run job: publish the saved verdict, after checking "
    "that the PR's head is the commit the triggering run built.",
)
@print_option
@config_option
@click.pass_context
def publish_command(
    ctx: click.Context,
    /,
    *,
    verdict_path: Path | None,
    to_artifact: Path | None,
    from_artifact: Path | None,
    config_path: Path | None,
    **settings: Any,
) -> None:
    """Publish VERDICT (a verdict.json) as the PR/MR's report and commit status."""
    from mlgate.files.verdict import read_verdict
    from mlgate.publish import artifact

    # The approval settings: the command the report shows, the environment a request names.
    settings["approval"] = read_config(config_path).approval

    if from_artifact is not None:
        if verdict_path is not None or to_artifact is not None:
            raise click.UsageError("--from-artifact takes no VERDICT and no --to-artifact")
        verdict, number, sha = artifact.load_checked(from_artifact)
        ctx.exit(
            run_publish(
                verdict, **{**settings, "platform": "github", "number": number, "head_sha": sha}
            )
        )
    if verdict_path is None:
        raise click.UsageError("name the VERDICT file (or use --from-artifact DIR)")
    verdict = read_verdict(verdict_path)
    if to_artifact is not None:
        saved = artifact.save(verdict_path, to_artifact)
        click.echo(f"· saved {saved} for a workflow_run job to publish", err=True)
        ctx.exit(0 if verdict.passed else 1)
    ctx.exit(run_publish(verdict, **settings))


def run_publish(
    verdict: Any,
    *,
    platform: str | None,
    number: int | None,
    comment_mode: str,
    status: bool,
    require_comment: bool,
    out_dir: Path,
    print_format: str,
    head_sha: str | None = None,
    approval: Any = None,
) -> int:
    """Publish ``verdict``; return the exit code (the verdict's, or 3 with --require-comment)."""
    from mlgate.adapters.ci import platform_from_environment
    from mlgate.cli.output import print_verdict
    from mlgate.core.approval import Policy
    from mlgate.core.comments import CommentMode
    from mlgate.files.atomic import write_text_atomic
    from mlgate.publish.github import publish_github
    from mlgate.publish.gitlab import publish_gitlab
    from mlgate.report.markdown import render_markdown

    approval = approval or Policy()
    code = 0 if verdict.passed else 1
    where = platform_from_environment(platform, dict(os.environ))
    if where == "local":
        markdown = render_markdown(verdict)
        write_text_atomic(out_dir / "mlgate-comment.md", markdown)
        print_verdict(verdict, markdown=markdown, fmt=print_format, color=sys.stdout.isatty())
        click.echo(f"· the comment would read as {out_dir / 'mlgate-comment.md'}", err=True)
        return code
    mode = CommentMode(comment_mode)
    if where == "github":
        outcome = publish_github(
            verdict,
            mode=mode,
            status=status,
            out_dir=out_dir,
            number=number,
            head_sha=head_sha,
            approval=approval,
        )
    else:
        outcome = publish_gitlab(
            verdict, mode=mode, status=status, out_dir=out_dir, number=number, approval=approval
        )
    for command in outcome.workflow_commands:
        click.echo(command)
    if outcome.comment_url:
        click.echo(f"· report {outcome.comment_action}: {outcome.comment_url}", err=True)
    for problem in outcome.problems:
        click.echo(f"mlgate: warning: {problem}", err=True)
    return 3 if outcome.problems and require_comment else code
