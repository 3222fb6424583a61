"""Rendering results on standard output, shared by the commands."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from mlgate.core.verdict import Verdict
    from mlgate.evaluate.outputs import ReportOptions
    from mlgate.files.config import Config


def report_options_for(
    config: Config, *, template: Path | None, max_chars: int | None, chart: bool | None
) -> ReportOptions:
    """Command-line options win over mlgate.yml's ``report:`` settings."""
    from mlgate.evaluate.outputs import ReportOptions

    return ReportOptions(
        max_chars=max_chars if max_chars is not None else config.report.max_chars,
        template=template if template is not None else config.report.template,
        chart=chart if chart is not None else config.report.chart,
    )


def print_verdict(verdict: Verdict, *, markdown: str, fmt: str, color: bool) -> None:
    if fmt == "none":
        return
    if fmt == "markdown":
        click.echo(markdown, nl=False)
    elif fmt == "json":
        from mlgate.files.verdict import verdict_json

        click.echo(verdict_json(verdict), nl=False)
    else:
        from mlgate.report.terminal import render_terminal

        use_color = color and "NO_COLOR" not in os.environ
        click.echo(render_terminal(verdict, color=use_color), nl=False, color=use_color)
