"""``mlgate drift`` / ``skew``: feature tables compared, the report written, and the
findings exported for Prometheus. ``monitor`` (cli/monitor.py) builds on these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlgate.cli.options import (
    F,
    FilePath,
    config_option,
    engine_options,
    model_and_store_options,
    written_files,
)

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
  mlgate skew --feast feature_repo --entities drivers.csv
  mlgate skew --feast feature_repo --training data/train.parquet

\b
The feature distributions are compared as `mlgate drift` does. With --key (or skew.key)
the rows found in both files are also matched one to one, and each feature's share of
differing values is reported (numbers within skew.tolerance, relative, count as equal).
With --feast, a Feast repository's online store is compared with its point-in-time offline
values for sampled keys (--entities, else the views' sources), or --training's rows with
the offline values at their own time, leakage counted apart (docs/feature-store.md).
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


def export_options(func: Any) -> Any:
    """--metrics-file, --pushgateway, --require-push (drift, skew, monitor)."""
    func = click.option(
        "--require-push",
        is_flag=True,
        envvar="MLGATE_REQUIRE_PUSH",
        show_envvar=True,
        help="Exit 3 when the push to the Pushgateway fails — after the report files are "
        "written and (monitor) the tracking issue is kept (default: a warning; the exit code "
        "says what was found).",
    )(func)
    func = click.option(
        "--pushgateway",
        envvar="MLGATE_PUSHGATEWAY_URL",
        show_envvar=True,
        help="Push the metrics to this Prometheus Pushgateway, one group per check "
        "(/metrics/job/mlgate/model/NAME/command/COMMAND/check/CHECK): a check that could "
        "not judge keeps the values it last judged.",
    )(func)
    return click.option(
        "--metrics-file",
        type=FilePath,
        envvar="MLGATE_METRICS_FILE",
        show_envvar=True,
        help="Write the metrics in Prometheus text format (for node_exporter's textfile "
        "collector: written to a temporary file, then renamed; the groups this run does not "
        "replace keep what the file held).",
    )(func)


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
    "version: @ALIAS (of --model), models:/NAME@ALIAS, models:/NAME/VERSION "
    "(--engine spark: or a table Spark reads). Default: @ the production alias.",
)
@click.option(
    "--current",
    envvar="MLGATE_DRIFT_CURRENT",
    show_envvar=True,
    help="Current data (CSV/Parquet; --engine spark: a table Spark reads). Default: "
    "drift.data in mlgate.yml.",
)
@config_option
@model_and_store_options
@engine_options
@_fail_option
@_output_options("mlgate-drift", "MLGATE_DRIFT")
@export_options
@click.pass_context
def drift_command(
    ctx: click.Context,
    /,
    *,
    reference: str | None,
    current: str | None,
    config_path: Path | None,
    model: str | None,
    tracking_uri: str | None,
    engine: str | None,
    where: str | None,
    spark_remote: str | None,
    fail: bool | None,
    out_path: Path,
    report_path: Path,
    print_format: str,
    metrics_file: Path | None,
    pushgateway: str | None,
    require_push: bool,
) -> None:
    """Compare each feature of the current data with the reference data."""
    from mlgate.monitor.drift import drift_report
    from mlgate.monitor.engine import Engine

    config = _with_fail(config_at(config_path), fail)
    report = drift_report(
        reference=reference or f"@{config.production_alias}",
        current=current_data(current, config),
        config=config,
        model=model,
        tracking_uri=tracking_uri,
        engine=Engine.chosen(engine, config.drift.engine, where=where, remote=spark_remote),
    )
    code = _finish(
        report,
        out_path=out_path,
        report_path=report_path,
        print_format=print_format,
        metrics_file=metrics_file,
        pushgateway=pushgateway,
        require_push=require_push,
    )
    ctx.exit(code)


@click.command("skew", epilog=SKEW_EPILOG)
@click.option(
    "--training",
    envvar="MLGATE_SKEW_TRAINING",
    show_envvar=True,
    help="The features the model was trained on (offline table; CSV/Parquet; --engine "
    "spark: or a table Spark reads). With --feast: a training table (entity keys, "
    "skew.feast.timestamp and features) checked for point-in-time correctness.",
)
@click.option(
    "--serving",
    envvar="MLGATE_SKEW_SERVING",
    show_envvar=True,
    help="The features as served (online log; CSV/Parquet; --engine spark: or a table Spark "
    "reads, filtered by --where).",
)
@click.option(
    "--feast",
    "feast_repo",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="MLGATE_SKEW_FEAST",
    show_envvar=True,
    help="A Feast feature repository (the folder with feature_store.yaml): compare its "
    "online store with its point-in-time offline values (default: skew.feast.repo when "
    "neither --serving nor --training is given).",
)
@click.option(
    "--entities",
    type=FilePath,
    envvar="MLGATE_SKEW_ENTITIES",
    show_envvar=True,
    help="With --feast: a CSV/Parquet file of entity keys (the views' join keys) to check, "
    "sampled by skew.feast.sample (default: skew.feast.entities, else the views' sources).",
)
@click.option(
    "--key",
    envvar="MLGATE_SKEW_KEY",
    show_envvar=True,
    help="Column that identifies a row in both files (default: skew.key in mlgate.yml).",
)
@config_option
@click.option("--model", envvar="MLGATE_MODEL", show_envvar=True, help="Model name for the report.")
@engine_options
@_fail_option
@_output_options("mlgate-skew", "MLGATE_SKEW")
@export_options
@click.pass_context
def skew_command(
    ctx: click.Context,
    /,
    *,
    training: str | None,
    serving: str | None,
    feast_repo: Path | None,
    entities: Path | None,
    key: str | None,
    config_path: Path | None,
    model: str | None,
    engine: str | None,
    where: str | None,
    spark_remote: str | None,
    fail: bool | None,
    out_path: Path,
    report_path: Path,
    print_format: str,
    metrics_file: Path | None,
    pushgateway: str | None,
    require_push: bool,
) -> None:
    """Compare the features a model was trained on with what was served."""
    config = _with_fail(config_at(config_path), fail)
    feast = serving is None and bool(feast_repo or entities or config.skew.feast.repo)
    if feast:
        report = _feast_skew(config, feast_repo=feast_repo, entities=entities, engine=engine,
                             training=training, key=key, model=model)  # fmt: skip
    else:
        from mlgate.monitor.drift import skew_report
        from mlgate.monitor.engine import Engine

        if training is None or serving is None or feast_repo or entities:
            raise click.UsageError(
                "give --training and --serving (two tables), or --feast REPO with "
                "--entities or --training"
            )
        chosen = Engine.chosen(engine, config.drift.engine, where=where, remote=spark_remote)
        report = skew_report(training=training, serving=serving, config=config, key=key,
                             model=model, engine=chosen)  # fmt: skip
    code = _finish(
        report,
        out_path=out_path,
        report_path=report_path,
        print_format=print_format,
        metrics_file=metrics_file,
        pushgateway=pushgateway,
        require_push=require_push,
    )
    if feast and report.unjudged is not None:  # no key had a value: not "consistent"
        from mlgate.errors import InputError

        raise InputError(
            f"nothing was compared: {report.unjudged}; are they the store's keys? "
            f"({out_path} and {report_path} were written)"
        )
    ctx.exit(code)


def _feast_skew(
    config: Config,
    *,
    feast_repo: Path | None,
    entities: Path | None,
    training: str | None,
    key: str | None,
    model: str | None,
    engine: str | None,
) -> DriftReport:
    """`skew --feast`: the online check for the entities, or the training table's."""
    from mlgate.monitor.feast_check import feast_report

    if entities is not None and training is not None:
        raise click.UsageError("--entities and --training are two checks: give one")
    if engine == "spark" or key:
        raise click.UsageError("--feast reads the feature store itself: drop --engine / --key")
    return feast_report(
        config=config, repo=feast_repo, entities=entities, training=training, model=model
    )


def config_at(config_path: Path | None) -> Config:
    from mlgate.files.config import find_config, load_config

    return load_config(find_config(config_path, cwd=Path()))


def current_data(current: str | None, config: Config) -> str:
    if current is not None:
        return current
    if config.drift.data:
        return config.drift.data
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
    report: DriftReport,
    *,
    out_path: Path,
    report_path: Path,
    print_format: str,
    metrics_file: Path | None,
    pushgateway: str | None,
    require_push: bool,
) -> int:
    """Write the report files (monitor/outputs.py), print, export; the exit code (1 on FAIL)."""
    from mlgate.core.checks import Status
    from mlgate.monitor.outputs import write_outputs
    from mlgate.report.drift_view import drift_terminal

    markdown = write_outputs(report, out_path=out_path, report_path=report_path)
    echo_report(
        print_format, markdown=markdown, out_path=out_path, text=lambda: drift_terminal(report)
    )
    _export(report, metrics_file=metrics_file, pushgateway=pushgateway, require_push=require_push)
    return 1 if report.status is Status.FAIL else 0


def echo_report(
    print_format: str, *, markdown: str, out_path: Path, text: Callable[[], str]
) -> None:
    """--print: the Markdown, the JSON as written, or ``text()`` for the terminal."""
    if print_format == "markdown":
        click.echo(markdown, nl=False)
    elif print_format == "json":
        click.echo(out_path.read_text(encoding="utf-8"), nl=False)
    elif print_format == "text":
        click.echo(text())


def _export(
    report: DriftReport, *, metrics_file: Path | None, pushgateway: str | None, require_push: bool
) -> None:
    """The report's metrics to the textfile and the Pushgateway; a failed push warns."""
    if metrics_file is None and not pushgateway:
        return
    import time

    from mlgate.core.drift import Kind
    from mlgate.monitor.export import drift_group, export, run_group, version_of

    model, now = report.model or "", time.time()
    command = "skew" if report.kind is Kind.SKEW else "drift"
    version = version_of(report.reference.label)
    groups = [
        drift_group(report, command=command, model=model, version=version, now=now),
        run_group(command, model=model, status=None, now=now),
    ]
    problems = export(
        groups, metrics_file=metrics_file, pushgateway=pushgateway, require_push=require_push
    )
    for problem in problems:
        click.echo(f"mlgate: warning: {problem}", err=True)
