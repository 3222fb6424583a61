"""``mlgate publish``: put a verdict where reviewers look."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from mlgate.cli.options import FilePath, print_option

EPILOG = """\b
Examples:
  mlgate publish verdict.json                     # platform from the environment
  mlgate publish verdict.json --platform local    # preview on a laptop
  mlgate publish verdict.json --pr 42 --comment-mode recreate

\b
On GitHub Actions (GITHUB_ACTIONS=true) it needs GITHUB_TOKEN (or MLGATE_GITHUB_TOKEN) with
pull-requests: write and statuses: write, reads the PR from GITHUB_EVENT_PATH, and honours
GITHUB_API_URL (GitHub Enterprise Server). The exit code is the verdict's (0 pass, 1 fail):
a comment that could not be posted never changes it, unless --require-comment (then 3).
"""


@click.command("publish", epilog=EPILOG)
@click.argument("verdict_path", metavar="VERDICT", type=FilePath, envvar="MLGATE_VERDICT")
@click.option(
    "--platform",
    type=click.Choice(["github", "local"]),
    envvar="MLGATE_PLATFORM",
    show_envvar=True,
    help="Where to publish (default: github in GitHub Actions, else local).",
)
@click.option(
    "--pr",
    "number",
    type=click.IntRange(min=1),
    envvar="MLGATE_PR",
    show_envvar=True,
    help="Pull request number (default: from the event).",
)
@click.option(
    "--comment-mode",
    type=click.Choice(["update", "recreate", "new", "off"]),
    default="update",
    show_default=True,
    envvar="MLGATE_COMMENT_MODE",
    show_envvar=True,
    help="update: edit mlgate's comment in place; recreate: delete and post anew; new: always "
    "post another; off: no comment.",
)
@click.option(
    "--status/--no-status",
    default=True,
    envvar="MLGATE_STATUS",
    show_envvar=True,
    help="Set the commit status mlgate/<model> on the head commit.",
)
@click.option(
    "--require-comment",
    is_flag=True,
    envvar="MLGATE_REQUIRE_COMMENT",
    show_envvar=True,
    help="Exit 3 when the report could not be published.",
)
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    envvar="MLGATE_OUT_DIR",
    show_envvar=True,
    help="Where mlgate-comment.md (the exact comment body) is written.",
)
@print_option
@click.pass_context
def publish_command(
    ctx: click.Context,
    *,
    verdict_path: Path,
    platform: str | None,
    number: int | None,
    comment_mode: str,
    status: bool,
    require_comment: bool,
    out_dir: Path,
    print_format: str,
) -> None:
    """Publish VERDICT (a verdict.json) as the PR's report, job summary and commit status."""
    from mlgate.cli.output import print_verdict
    from mlgate.core.comments import CommentMode
    from mlgate.publish import platform_from_environment, publish_github
    from mlgate.report.markdown import render_markdown
    from mlgate.verdict_file import read_verdict, write_text_atomic

    verdict = read_verdict(verdict_path)
    where = platform_from_environment(platform, dict(os.environ))
    if where == "local":
        markdown = render_markdown(verdict)
        write_text_atomic(out_dir / "mlgate-comment.md", markdown)
        print_verdict(verdict, markdown=markdown, fmt=print_format, color=sys.stdout.isatty())
        click.echo(f"· the comment would read as {out_dir / 'mlgate-comment.md'}", err=True)
        ctx.exit(0 if verdict.passed else 1)
    outcome = publish_github(
        verdict, mode=CommentMode(comment_mode), status=status, out_dir=out_dir, number=number
    )
    for command in outcome.workflow_commands:
        click.echo(command)
    if outcome.comment_url:
        click.echo(f"· report {outcome.comment_action}: {outcome.comment_url}", err=True)
    for problem in outcome.problems:
        click.echo(f"mlgate: warning: {problem}", err=True)
    if outcome.problems and require_comment:
        ctx.exit(3)
    ctx.exit(0 if verdict.passed else 1)
