"""``mlgate report``: render a verdict.json as Markdown (or text)."""

from __future__ import annotations

from pathlib import Path

import click

from mlgate.cli.options import FilePath, config_option, report_options
from mlgate.cli.output import report_options_for

EPILOG = """\b
Examples:
  mlgate report verdict.json                      # Markdown on standard output
  mlgate report verdict.json --out report.md
  mlgate report verdict.json --template my-report.md.j2 --max-chars 20000
  mlgate report verdict.json --format text        # terminal summary
"""


@click.command("report", epilog=EPILOG)
@click.argument("verdict_path", metavar="VERDICT", type=FilePath, envvar="MLGATE_VERDICT")
@click.option(
    "--out",
    "out_path",
    type=FilePath,
    envvar="MLGATE_REPORT",
    show_envvar=True,
    help="Write the report here instead of standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "text"]),
    default="markdown",
    show_default=True,
    envvar="MLGATE_REPORT_FORMAT",
    show_envvar=True,
    help="markdown for PRs/MRs, text for a terminal.",
)
@config_option
@report_options
def report_command(
    *,
    verdict_path: Path,
    out_path: Path | None,
    fmt: str,
    config_path: Path | None,
    template: Path | None,
    max_chars: int | None,
    chart: bool | None,
) -> None:
    """Render VERDICT (a verdict.json written by mlgate) as a report.

    The verdict's own status is not an error here: this command exits 0 whenever it
    could render the report.
    """
    from mlgate.files.atomic import write_text_atomic
    from mlgate.files.config import find_config, load_config
    from mlgate.files.verdict import read_verdict
    from mlgate.report.markdown import render_markdown
    from mlgate.report.terminal import render_terminal

    verdict = read_verdict(verdict_path)
    if fmt == "text":
        text = render_terminal(verdict)
    else:
        config = load_config(find_config(config_path, cwd=Path()))
        options = report_options_for(config, template=template, max_chars=max_chars, chart=chart)
        text = render_markdown(
            verdict, max_chars=options.max_chars, template=options.template, chart=options.chart
        )
    if out_path is None:
        click.echo(text, nl=False)
    else:
        write_text_atomic(out_path, text)
