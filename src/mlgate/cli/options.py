"""Option groups shared by several commands, as plain decorators."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

FilePath = click.Path(path_type=Path, dir_okay=False)


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "-c",
        "config_path",
        type=FilePath,
        envvar="MLGATE_CONFIG",
        show_envvar=True,
        help="mlgate.yml to use. Default: ./mlgate.yml or ./mlgate.yaml if present, else no rules.",
    )(func)


def platform_option(help_text: str, *, local: bool = True) -> Callable[[F], F]:
    """``--platform`` (MLGATE_PLATFORM): github, gitlab (and local, files only)."""
    choices = ["github", "gitlab", "local"] if local else ["github", "gitlab"]
    return click.option(
        "--platform",
        type=click.Choice(choices),
        envvar="MLGATE_PLATFORM",
        show_envvar=True,
        help=help_text,
    )


def format_option(func: F) -> F:
    """``--format text|json``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="text for people, json for tools.",
    )(func)


def model_and_store_options(func: F) -> F:
    """--model and --tracking-uri (MLGATE_TRACKING_URI, else MLflow's own variable)."""
    func = click.option(
        "--tracking-uri",
        envvar=["MLGATE_TRACKING_URI", "MLFLOW_TRACKING_URI"],
        show_envvar=True,
        help="MLflow tracking server or store.",
    )(func)
    return click.option(
        "--model",
        envvar="MLGATE_MODEL",
        show_envvar=True,
        help="Registered model name (default: model in mlgate.yml).",
    )(func)


def engine_options(func: F) -> F:
    """--engine, --where, --spark-remote (drift, skew, monitor; docs/spark.md)."""
    func = click.option(
        "--spark-remote",
        envvar="SPARK_REMOTE",
        show_envvar=True,
        help="Spark Connect address (sc://HOST:PORT/;token=…) for --engine spark. Default: "
        "the active session (spark-submit, a notebook), else the standard Spark "
        "configuration (spark-defaults.conf, PYSPARK_SUBMIT_ARGS).",
    )(func)
    func = click.option(
        "--where",
        envvar="MLGATE_WHERE",
        show_envvar=True,
        help='A Spark SQL filter on the current (serving) table, e.g. "served_at >= '
        "'2026-12-01'\" (--engine spark).",
    )(func)
    return click.option(
        "--engine",
        type=click.Choice(["local", "spark"]),
        envvar="MLGATE_ENGINE",
        show_envvar=True,
        help="Where the tables are compared: local (this process; streams past "
        "drift.memory_mb) or spark (a Spark session's executors; tables may then be "
        "table:CATALOG.SCHEMA.NAME, folders, globs, s3a://, abfss://, gs:// paths). "
        "Default: monitor.engine / drift.engine in mlgate.yml, else local.",
    )(func)


def model_tests_option(func: F) -> F:
    return click.option(
        "--model-tests",
        type=FilePath,
        envvar="MLGATE_MODEL_TESTS",
        show_envvar=True,
        help="Model test results to fold into the verdict (what `mlgate test` wrote). "
        "Default: tests.results in mlgate.yml when it has a tests: section, else none.",
    )(func)


def drift_option(func: F) -> F:
    return click.option(
        "--drift",
        "drift_report",
        type=FilePath,
        envvar="MLGATE_DRIFT",
        show_envvar=True,
        help="A drift report (what `mlgate drift` wrote) to fold into the verdict. evaluate "
        "and gate compute one themselves when mlgate.yml has drift.data.",
    )(func)


def predictions_options(func: F) -> F:
    """Per-example predictions: metrics with paired intervals (compare, evaluate, gate)."""
    func = click.option(
        "--baseline-predictions",
        type=FilePath,
        envvar="MLGATE_BASELINE_PREDICTIONS",
        show_envvar=True,
        help="Production's predictions on the same examples (joined on the id column).",
    )(func)
    func = click.option(
        "--candidate-predictions",
        type=FilePath,
        envvar="MLGATE_CANDIDATE_PREDICTIONS",
        show_envvar=True,
        help="The candidate's per-example predictions (CSV, Parquet, JSON Lines): metrics "
        "with paired confidence intervals, decided as `significance:` in mlgate.yml says.",
    )(func)
    return func


def report_options(func: F) -> F:
    func = click.option(
        "--chart/--no-chart",
        default=None,
        envvar="MLGATE_CHART",
        show_envvar=True,
        help="Draw the interval plot and the drift chart (default: report.chart in mlgate.yml, "
        "else on).",
    )(func)
    func = click.option(
        "--max-chars",
        type=click.IntRange(2000, 1_000_000),
        envvar="MLGATE_MAX_CHARS",
        show_envvar=True,
        help=(
            "Size budget of the report; it is shortened to fit "
            "(default: report.max_chars, else 65536)."
        ),
    )(func)
    func = click.option(
        "--template",
        type=FilePath,
        envvar="MLGATE_TEMPLATE",
        show_envvar=True,
        help="Jinja2 Markdown template to render instead of the built-in one.",
    )(func)
    return func


def print_option(func: F) -> F:
    return click.option(
        "--print",
        "print_format",
        type=click.Choice(["text", "markdown", "json", "none"]),
        default="text",
        show_default=True,
        envvar="MLGATE_PRINT",
        show_envvar=True,
        help="What to print on standard output.",
    )(func)


def written_files(
    *, out: str, out_dest: str, out_env: str, out_help: str, report: str, report_env: str
) -> Callable[[F], F]:
    """--out FILE (the JSON document), --report FILE (its Markdown) and --print."""

    def decorate(func: F) -> F:
        func = print_option(func)
        func = click.option(
            "--report",
            "report_path",
            type=FilePath,
            default=Path(report),
            show_default=True,
            envvar=report_env,
            show_envvar=True,
            help="Where to write the Markdown report.",
        )(func)
        return click.option(
            "--out",
            out_dest,
            type=FilePath,
            default=Path(out),
            show_default=True,
            envvar=out_env,
            show_envvar=True,
            help=out_help,
        )(func)

    return decorate


# Where the verdict and report go, and what is printed (compare, evaluate, gate).
output_options = written_files(
    out="verdict.json",
    out_dest="verdict_path",
    out_env="MLGATE_VERDICT",
    out_help="Where to write the verdict.",
    report="report.md",
    report_env="MLGATE_REPORT",
)


def model_settings(
    config_path: Path | None, model: str | None, tracking_uri: str | None, *, loaded: Any = None
) -> tuple[Any, str, str]:
    """The config (``loaded``, else read), the registered model's name and the tracking URI,
    or a usage error."""
    config = loaded if loaded is not None else read_config(config_path)
    name = model or config.model
    if not name:
        raise click.UsageError("name the registered model with --model or `model:` in mlgate.yml")
    if not tracking_uri:
        raise click.UsageError("set --tracking-uri or MLFLOW_TRACKING_URI")
    return config, name, tracking_uri


def read_config(config_path: Path | None) -> Any:
    """``--config``, else ./mlgate.yml if present, else the defaults (nothing gated)."""
    from mlgate.files.config import find_config, load_config

    return load_config(find_config(config_path, cwd=Path()))


def listen_address(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8080`` for IPv6; an empty host listens everywhere)."""
    import re

    match = re.fullmatch(r"\[?([^\[\]]*?)\]?:(\d{1,5})", value.strip())
    if not match or int(match.group(2)) > 65535:
        raise click.BadParameter(f"{value!r}: expected HOST:PORT, e.g. 127.0.0.1:8080")
    return match.group(1) or "0.0.0.0", int(match.group(2))
