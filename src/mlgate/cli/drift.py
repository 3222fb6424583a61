"""``mlgate drift`` / ``skew`` / ``monitor``: feature tables compared, the report written,
and on a schedule one tracking issue per model kept current."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlgate.cli.options import F, FilePath, config_option, model_and_store_options, written_files

if TYPE_CHECKING:
    from mlgate.core.drift import DriftReport
    from mlgate.files.config import Config

DRIFT_EPILOG = """\b
Examples:
  mlgate drift --reference data/train.parquet --current data/eval.csv
  mlgate drift --reference @champion --current served/2026-11.parquet \\
      --model churn-classifier --tracking-uri http://127.0.0.1:5000

\b
Numbers: PSI (reference deciles) and Kolmogorov–Smirnov; categories: PSI, chi-squared and
Jensen–Shannon; missing values count as their own bin. A feature drifts when PSI or its
distance reaches the threshold and the test rejects at drift.alpha. Exits 1 only when a
feature configured with fail: true drifts (or with --fail), 2 on bad input.
"""

SKEW_EPILOG = """\b
Examples:
  mlgate skew --training features/offline.parquet --serving logs/online.parquet
  mlgate skew --training offline.parquet --serving online.parquet --key request_id

\b
The feature distributions are compared as `mlgate drift` does. With --key (or skew.key)
the rows found in both files are also matched one to one, and each feature's share of
differing values is reported (numbers within skew.tolerance, relative, count as equal).
"""

MONITOR_EPILOG = """\b
Examples (a scheduled CI job):
  mlgate monitor --current data/last-week.parquet
  mlgate monitor --current served.csv --reference models:/churn@champion --platform gitlab

\b
Compares the current data with the reference stored with the production version (by
`mlgate promote`, from drift.reference), writes the report, and keeps one issue per model:
opened when drift appears (and, with monitor.retrain, retraining started), updated while
it lasts, closed with a comment when it ends. Exits 1 while drift lasts only with
monitor.fail or a feature with fail: true; 3 when GitHub/GitLab failed after retries.
"""


def _output_options(default: str, envprefix: str) -> Callable[[F], F]:
    return written_files(
        out=f"{default}.json",
        out_dest="out_path",
        out_env=f"{envprefix}_OUT",
        out_help="Where to write the JSON report.",
        report=f"{default}.md",
        report_env=f"{envprefix}_MARKDOWN",
    )


def _fail_option(func: Any) -> Any:
    return click.option(
        "--fail/--no-fail",
        default=None,
        envvar="MLGATE_DRIFT_FAIL",
        show_envvar=True,
        help="Exit 1 when any feature drifts (--no-fail: never). Default: the fail settings "
        "in mlgate.yml (drift.fail, drift.features.NAME.fail, skew.fail).",
    )(func)


@click.command("drift", epilog=DRIFT_EPILOG)
@click.option(
    "--reference",
    envvar="MLGATE_DRIFT_REFERENCE",
    show_envvar=True,
    help="Reference data: a CSV/Parquet file, or the reference stored with a registered "
    "version: @ALIAS (of --model), models:/NAME@ALIAS, models:/NAME/VERSION. "
    "Default: @ the production alias.",
)
@click.option(
    "--current",
    type=FilePath,
    envvar="MLGATE_DRIFT_CURRENT",
    show_envvar=True,
    help="Current data (CSV/Parquet). Default: drift.data in mlgate.yml.",
)
@config_option
@model_and_store_options
@_fail_option
@_output_options("mlgate-drift", "MLGATE_DRIFT")
@click.pass_context
def drift_command(
    ctx: click.Context,
    /,
    *,
    reference: str | None,
    current: Path | None,
    config_path: Path | None,
    model: str | None,
    tracking_uri: str | None,
    fail: bool | None,
    out_path: Path,
    report_path: Path,
    print_format: str,
) -> None:
    """Compare each feature of the current data with the reference data."""
    from mlgate.monitor.drift import drift_report

    config = _with_fail(_config(config_path), fail)
    report = drift_report(
        reference=reference or f"@{config.production_alias}",
        current=_current(current, config),
        config=config,
        model=model,
        tracking_uri=tracking_uri,
    )
    _finish(ctx, report, out_path=out_path, report_path=report_path, print_format=print_format)


@click.command("skew", epilog=SKEW_EPILOG)
@click.option(
    "--training",
    type=FilePath,
    required=True,
    envvar="MLGATE_SKEW_TRAINING",
    show_envvar=True,
    help="The features the model was trained on (offline table; CSV/Parquet).",
)
@click.option(
    "--serving",
    type=FilePath,
    required=True,
    envvar="MLGATE_SKEW_SERVING",
    show_envvar=True,
    help="The features as served (online log; CSV/Parquet).",
)
@click.option(
    "--key",
    envvar="MLGATE_SKEW_KEY",
    show_envvar=True,
    help="Column that identifies a row in both files (default: skew.key in mlgate.yml).",
)
@config_option
@click.option("--model", envvar="MLGATE_MODEL", show_envvar=True, help="Model name for the report.")
@_fail_option
@_output_options("mlgate-skew", "MLGATE_SKEW")
@click.pass_context
def skew_command(
    ctx: click.Context,
    /,
    *,
    training: Path,
    serving: Path,
    key: str | None,
    config_path: Path | None,
    model: str | None,
    fail: bool | None,
    out_path: Path,
    report_path: Path,
    print_format: str,
) -> None:
    """Compare the features a model was trained on with what was served."""
    from mlgate.monitor.drift import skew_report

    config = _with_fail(_config(config_path), fail)
    report = skew_report(training=training, serving=serving, config=config, key=key, model=model)
    _finish(ctx, report, out_path=out_path, report_path=report_path, print_format=print_format)


@click.command("monitor", epilog=MONITOR_EPILOG)
@click.option(
    "--current",
    type=FilePath,
    envvar="MLGATE_DRIFT_CURRENT",
    show_envvar=True,
    help="Recent production data (CSV/Parquet). Default: drift.data in mlgate.yml.",
)
@click.option(
    "--reference",
    envvar="MLGATE_DRIFT_REFERENCE",
    show_envvar=True,
    help="Default: the reference stored with the production version (@ the production "
    "alias). A file or another registered version, as for `mlgate drift`.",
)
@config_option
@model_and_store_options
@click.option(
    "--platform",
    type=click.Choice(["github", "gitlab", "local"]),
    envvar="MLGATE_PLATFORM",
    show_envvar=True,
    help="Where the tracking issue lives (default: from the CI environment, else local: "
    "files only).",
)
@_output_options("mlgate-drift", "MLGATE_DRIFT")
@click.pass_context
def monitor_command(
    ctx: click.Context,
    /,
    *,
    current: Path | None,
    reference: str | None,
    config_path: Path | None,
    model: str | None,
    tracking_uri: str | None,
    platform: str | None,
    out_path: Path,
    report_path: Path,
    print_format: str,
) -> None:
    """Check production data for drift on a schedule; keep one tracking issue per model."""
    from mlgate.adapters.ci import platform_from_environment
    from mlgate.adapters.github_env import write_step_outputs
    from mlgate.errors import MlgateError
    from mlgate.monitor.drift import drift_report
    from mlgate.monitor.tracking import track_on

    config = _config(config_path)
    report = drift_report(
        reference=reference or f"@{config.production_alias}",
        current=_current(current, config),
        config=config,
        model=model,
        tracking_uri=tracking_uri,
    )
    code = _finish(
        None, report, out_path=out_path, report_path=report_path, print_format=print_format
    )
    if config.monitor.fail and report.drifted:
        code = 1
    where = platform_from_environment(platform, dict(os.environ))
    if where == "local":
        click.echo("mlgate: local run: no tracking issue (files only)", err=True)
        ctx.exit(code)
    try:
        outcome = track_on(where, report, config=config, env=dict(os.environ))
    except MlgateError as exc:
        raise type(exc)(f"{exc} ({out_path} and {report_path} were written)") from None
    write_step_outputs({"issue-url": outcome.issue_url or ""})
    if outcome.step.value != "none":
        click.echo(f"mlgate: tracking issue {outcome.step.value}: {outcome.issue_url or ''}")
    if outcome.retrain:
        click.echo(f"mlgate: retraining: {outcome.retrain}")
    for problem in outcome.problems:
        click.echo(f"mlgate: warning: {problem}", err=True)
    ctx.exit(code)


def _config(config_path: Path | None) -> Config:
    from mlgate.files.config import find_config, load_config

    return load_config(find_config(config_path, cwd=Path()))


def _current(current: Path | None, config: Config) -> Path:
    if current is not None:
        return current
    if config.drift.data:
        return Path(config.drift.data)
    raise click.UsageError("give the current data: --current FILE or drift.data in mlgate.yml")


def _with_fail(config: Config, fail: bool | None) -> Config:
    """--fail / --no-fail over every fail setting of mlgate.yml."""
    if fail is None:
        return config
    drift = config.drift
    features = {name: replace(t, fail=fail) for name, t in drift.features.items()}
    drift = replace(drift, default=replace(drift.default, fail=fail), features=features)
    return replace(config, drift=drift, skew=replace(config.skew, fail=fail))


def _finish(
    ctx: click.Context | None,
    report: DriftReport,
    *,
    out_path: Path,
    report_path: Path,
    print_format: str,
) -> int:
    """Write the report files (monitor/outputs.py); print; exit 1 on FAIL."""
    from mlgate.core.checks import Status
    from mlgate.monitor.outputs import write_outputs
    from mlgate.report.drift_view import drift_terminal

    markdown = write_outputs(report, out_path=out_path, report_path=report_path)
    if print_format == "markdown":
        click.echo(markdown, nl=False)
    elif print_format == "json":
        click.echo(out_path.read_text(encoding="utf-8"), nl=False)
    elif print_format == "text":
        click.echo(drift_terminal(report))
    code = 1 if report.status is Status.FAIL else 0
    if ctx is not None:
        ctx.exit(code)
    return code
