"""``mlgate demo``: mlgate's main job end to end on a laptop, no server, no CI."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mlgate.cli.options import print_option

EPILOG = """\b
Example:
  mlgate demo                 # everything under ./.mlgate-demo
  mlgate demo --dir /tmp/try  # elsewhere; running it again starts afresh
"""


@click.command("demo", epilog=EPILOG)
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(".mlgate-demo"),
    show_default=True,
    envvar="MLGATE_DEMO_DIR",
    show_envvar=True,
    help="Folder for the local MLflow store, verdict.json and report.md.",
)
@print_option
@click.pass_context
def demo_command(ctx: click.Context, *, folder: Path, print_format: str) -> None:
    """Train a production model and a candidate, register them in a local MLflow store,
    and gate the candidate against production.

    Needs the local extra (pip install 'mlgate[local]'): full MLflow and scikit-learn.
    Exits like evaluate: 0 when the candidate passes, 1 when the gate rejects it.
    """
    try:
        import sklearn  # noqa: F401

        from mlgate import demo
    except ImportError as exc:
        raise click.UsageError(
            "mlgate demo needs the local extra: pip install 'mlgate[local]' "
            f"({exc.name} is missing)"
        ) from None
    from mlgate.cli.output import print_verdict

    def progress(message: str) -> None:
        click.echo(f"· {message}", err=True)

    result = demo.run_demo(folder, progress=progress)
    click.echo(f"· wrote {folder / 'verdict.json'} and {folder / 'report.md'}", err=True)
    click.echo(err=True)
    print_verdict(
        result.verdict, markdown=result.markdown, fmt=print_format, color=sys.stdout.isatty()
    )
    ctx.exit(0 if result.verdict.passed else 1)
