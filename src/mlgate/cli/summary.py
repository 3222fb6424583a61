"""``mlgate summary``: one roll-up for a pull request's models."""

from __future__ import annotations

import os
from pathlib import Path

import click

from mlgate.cli.options import FilePath
from mlgate.cli.publish import publish_options

EPILOG = """\b
Examples:
  mlgate summary --plan plan.json verdicts/       # after the matrix's artifacts are downloaded
  mlgate summary --plan plan.json . --platform local
  mlgate summary --plan slice-1.json --plan slice-2.json verdicts/   # a plan split with --shard

\b
It reads every verdict.json under the FOLDERs (default .) and the plan mlgate plan printed
(its JSON or the GitHub matrix). It posts one comment marked <!-- mlgate:summary --> (edited
in place on every rerun), writes the job summary and mlgate-summary.md, and sets the commit
status mlgate: success only when every planned model passed. A planned model with no verdict
is a failure and gets a failing mlgate/<model> status. Exit 0 when every model passed, 1
when one did not, 3 with --require-comment when the summary could not be posted.
"""


@click.command("summary", epilog=EPILOG)
@click.argument("folders", metavar="[FOLDER]...", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--plan",
    "plan_paths",
    type=FilePath,
    required=True,
    multiple=True,
    help="The plan: mlgate plan's JSON or GitHub matrix (the models that had to report); "
    "repeat it for the slices of a plan split with --shard.",
)
@publish_options
@click.pass_context
def summary_command(
    ctx: click.Context,
    /,
    *,
    folders: tuple[Path, ...],
    plan_paths: tuple[Path, ...],
    platform: str | None,
    number: int | None,
    comment_mode: str,
    status: bool,
    require_comment: bool,
    out_dir: Path,
) -> None:
    """Roll up the verdicts under FOLDER(s) for the models the plan lists."""
    from mlgate.adapters.ci import platform_from_environment
    from mlgate.core.comments import CommentMode
    from mlgate.files.plan import read_plans
    from mlgate.publish.summary import build, gather, publish_summary
    from mlgate.report.text import clean

    plan = read_plans(plan_paths)
    gathered = gather(folders or (Path("."),))
    summary = build(plan, gathered)
    for problem in gathered.problems:
        click.echo(f"mlgate: warning: {clean(problem)}", err=True)
    for model in summary.unplanned:
        click.echo(
            f"mlgate: warning: a verdict for {model!r}, which the plan does not list, was ignored",
            err=True,
        )
    where = platform_from_environment(platform, dict(os.environ))
    out_dir.mkdir(parents=True, exist_ok=True)
    outcome = publish_summary(
        summary,
        platform=where,
        mode=CommentMode(comment_mode),
        status=status,
        out_dir=out_dir,
        number=number,
        author=gathered.author,
    )
    if where == "local":
        click.echo(outcome.file.read_text(encoding="utf-8"), nl=False)
    if outcome.comment_url:
        click.echo(f"· summary: {outcome.comment_url}", err=True)
    for problem in outcome.problems:
        click.echo(f"mlgate: warning: {problem}", err=True)
    click.echo(f"· {summary.status_text()}; wrote {outcome.file}", err=True)
    if outcome.problems and require_comment:
        ctx.exit(3)
    ctx.exit(0 if summary.passed else 1)
