"""``mlgate monitor``: on a schedule, production's data (drift), what it outputs (prediction
and label drift) and how it scores once labels arrive (degradation) — one report, the
metrics for Prometheus, and one tracking issue per model kept current."""

from __future__ import annotations

import os
from pathlib import Path

import click

from mlgate.cli.drift import config_at, current_data, echo_report, export_options
from mlgate.cli.options import (
    FilePath,
    config_option,
    engine_options,
    model_and_store_options,
    platform_option,
    written_files,
)

MONITOR_EPILOG = """\b
Examples (a scheduled CI job):
  mlgate monitor --current data/last-week.parquet
  mlgate monitor --outcomes served-with-labels.parquet --pushgateway http://pgw:9091
  mlgate monitor --current served.csv --outcomes outcomes.csv --platform gitlab

\b
--current compares the data with the reference stored with the production version (by
`mlgate promote`, from drift.reference). --outcomes takes served predictions joined with
the labels that arrived (id, label, prediction and/or score, optional timestamp): live
metrics against production's evaluation-time numbers, with two-sample intervals, judged by
monitor.performance; and the drift of the scores and labels. Either alone is a complete
run; both give one report. One issue per model: opened when drift or degradation appears
(and, with monitor.retrain, retraining started), updated while it lasts, closed when it
ends. Exits 1 while it lasts only with monitor.fail (or a feature with fail: true); 2 on
bad input; 3 when GitHub/GitLab failed after retries (or the push, with --require-push).
"""


@click.command("monitor", epilog=MONITOR_EPILOG)
@click.option(
    "--current",
    envvar="MLGATE_DRIFT_CURRENT",
    show_envvar=True,
    help="Recent production data (CSV/Parquet; --engine spark: a table Spark reads). "
    "Default: drift.data in mlgate.yml.",
)
@click.option(
    "--reference",
    envvar="MLGATE_DRIFT_REFERENCE",
    show_envvar=True,
    help="Default: the reference stored with the production version (@ the production "
    "alias). A file or another registered version, as for `mlgate drift`.",
)
@click.option(
    "--outcomes",
    envvar="MLGATE_OUTCOMES",
    show_envvar=True,
    help="Served predictions joined with the labels that arrived later (CSV, Parquet, "
    "JSON Lines; the predictions-file columns, plus monitor.timestamp; --engine spark: a "
    "table Spark reads).",
)
@click.option(
    "--performance-reference",
    type=FilePath,
    envvar="MLGATE_PERFORMANCE_REFERENCE",
    show_envvar=True,
    help="Production's evaluation-time predictions as a file (default: those logged with "
    "the production version, else the metrics recorded on it).",
)
@config_option
@model_and_store_options
@engine_options
@platform_option(
    "Where the tracking issue lives (default: from the CI environment, else local: files only)."
)
@written_files(
    out="mlgate-monitor.json",
    out_dest="out_path",
    out_env="MLGATE_MONITOR_OUT",
    out_help="Where to write the JSON report.",
    report="mlgate-monitor.md",
    report_env="MLGATE_MONITOR_MARKDOWN",
)
@export_options
@click.pass_context
def monitor_command(
    ctx: click.Context,
    /,
    *,
    current: str | None,
    reference: str | None,
    outcomes: str | None,
    performance_reference: Path | None,
    config_path: Path | None,
    model: str | None,
    tracking_uri: str | None,
    engine: str | None,
    where: str | None,
    spark_remote: str | None,
    platform: str | None,
    out_path: Path,
    report_path: Path,
    print_format: str,
    metrics_file: Path | None,
    pushgateway: str | None,
    require_push: bool,
) -> None:
    """Watch production on a schedule: drift, output drift, degradation; one issue per model."""
    from mlgate.monitor.engine import Engine
    from mlgate.monitor.run import Inputs, run_monitor

    config = config_at(config_path)
    chosen = Engine.chosen(
        engine, config.monitor.engine, config.drift.engine, where=where, remote=spark_remote
    )
    if current is None and outcomes is None and not (config.drift.data or config.skew.feast.repo):
        raise click.UsageError(
            "give what to check: --current FILE (or drift.data in mlgate.yml), --outcomes FILE, "
            "skew.feast.repo in mlgate.yml, or several"
        )
    result = run_monitor(
        Inputs(
            current=current_data(current, config) if current or config.drift.data else None,
            reference=reference,
            outcomes=outcomes,
            performance_reference=performance_reference,
            model=model or config.model,
            tracking_uri=tracking_uri,
            platform=platform,
            out_path=out_path,
            report_path=report_path,
            metrics_file=metrics_file,
            pushgateway=pushgateway,
            require_push=require_push,
            engine=chosen,
        ),
        config=config,
        env=dict(os.environ),
    )
    from mlgate.report.monitor_view import monitor_terminal

    echo_report(
        print_format,
        markdown=result.markdown,
        out_path=out_path,
        text=lambda: monitor_terminal(result.report),
    )
    for line in result.messages:
        click.echo(line)
    for note in result.notes:
        click.echo(f"mlgate: {note}", err=True)
    for problem in result.problems:
        click.echo(f"mlgate: warning: {problem}", err=True)
    ctx.exit(result.exit_code)
