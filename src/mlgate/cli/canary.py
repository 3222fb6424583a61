"""``mlgate canary``: the canary against the stable version on live traffic — pass, fail
or inconclusive — and ``mlgate canary serve``, the same decision over HTTP for Argo
Rollouts' web provider and Flagger's webhooks."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from mlgate.cli.drift import config_at, echo_report, export_options
from mlgate.cli.options import (
    FilePath,
    config_option,
    listen_address,
    model_and_store_options,
    platform_option,
    written_files,
)

CANARY_EPILOG = """\b
Examples:
  mlgate canary                                   # canary.prometheus, now
  mlgate canary --at 2026-12-07T14:00:00Z --inconclusive fail   # Argo's job provider
  mlgate canary --outcomes served.parquet         # a file with a variant column
  mlgate canary --rollback --tracking-uri http://mlflow:5000     # roll back on fail
  mlgate canary serve --listen 0.0.0.0:8080       # Argo web provider, Flagger webhooks

\b
Exit codes: 0 pass (the canary is shown not worse than every rule's tolerance), 1 fail
(a rule's metric is worse than its tolerance, significantly), 5 inconclusive (too little
traffic, no traffic, an empty query result or NaN: never a pass), 2 bad input or config,
3 Prometheus (or, with --rollback, the registry) failed after retries. See docs/canary.md.
"""


def _at(value: str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r}: expected ISO 8601 (2026-12-07T14:00:00Z) or seconds since the epoch"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


@click.group("canary", invoke_without_command=True, epilog=CANARY_EPILOG)
@click.option(
    "--outcomes",
    type=FilePath,
    envvar="MLGATE_CANARY_OUTCOMES",
    show_envvar=True,
    help="Read the traffic from this file (CSV, Parquet, JSON Lines: a variant column, "
    "optional error and latency columns, and the outcomes columns for labelled metrics) "
    "instead of canary.prometheus.",
)
@click.option(
    "--at",
    envvar="MLGATE_CANARY_AT",
    show_envvar=True,
    help="Evaluate the PromQL at this time (ISO 8601 or Unix seconds; default: now).",
)
@click.option(
    "--inconclusive",
    type=click.Choice(["pass", "fail"]),
    envvar="MLGATE_CANARY_INCONCLUSIVE",
    show_envvar=True,
    help="Exit as pass (0) or fail (1) when inconclusive, for a tool that cannot express a "
    "third outcome (default: exit 5).",
)
@click.option(
    "--rollback",
    is_flag=True,
    envvar="MLGATE_CANARY_ROLLBACK",
    show_envvar=True,
    help="On fail, run `mlgate rollback` (the production alias back, and the reverse "
    "deployment change when mlgate.yml has deploy:).",
)
@click.option(
    "--comment",
    is_flag=True,
    envvar="MLGATE_CANARY_COMMENT",
    show_envvar=True,
    help="Post the report as one comment on the deployment PR/MR of the production version "
    "(recorded by `mlgate deploy`; needs --tracking-uri and deploy:), edited by each run.",
)
@config_option
@model_and_store_options
@platform_option("Where the deployment PR/MR is, for --comment (default: from the CI environment).")
@written_files(
    out="mlgate-canary.json",
    out_dest="out_path",
    out_env="MLGATE_CANARY_OUT",
    out_help="Where to write the JSON decision.",
    report="mlgate-canary.md",
    report_env="MLGATE_CANARY_MARKDOWN",
)
@export_options
@click.pass_context
def canary_group(
    ctx: click.Context,
    /,
    *,
    outcomes: Path | None,
    at: str | None,
    inconclusive: str | None,
    rollback: bool,
    comment: bool,
    config_path: Path | None,
    model: str | None,
    tracking_uri: str | None,
    platform: str | None,
    out_path: Path,
    report_path: Path,
    print_format: str,
    metrics_file: Path | None,
    pushgateway: str | None,
    require_push: bool,
) -> None:
    """Decide a canary against the stable version: pass, fail or inconclusive."""
    if ctx.invoked_subcommand is not None:
        return
    import time
    from dataclasses import replace

    from mlgate.canary.export import canary_group as group_of
    from mlgate.canary.run import TOKEN_ENV, CanaryInputs, judge_canary, write_outputs
    from mlgate.core.canary import Decision, exit_code
    from mlgate.monitor.export import export
    from mlgate.report.canary import canary_terminal

    config = config_at(config_path)
    if model:
        config = replace(config, model=model)
    inputs = CanaryInputs(outcomes=outcomes, at=_at(at), token=os.environ.get(TOKEN_ENV))
    report = judge_canary(config, inputs)
    markdown = write_outputs(report, out_path=out_path, report_path=report_path)
    echo_report(
        print_format, markdown=markdown, out_path=out_path, text=lambda: canary_terminal(report)
    )
    if metrics_file is not None or pushgateway:
        group = group_of(report, now=time.time())
        for problem in export(
            [group], metrics_file=metrics_file, pushgateway=pushgateway, require_push=require_push
        ):
            click.echo(f"mlgate: warning: {problem}", err=True)
    if comment:
        _comment(report, markdown, config=config, tracking_uri=tracking_uri, platform=platform)
    if report.decision is Decision.FAIL and rollback:
        from mlgate.cli.promote import rollback_command

        click.echo("mlgate canary: fail — rolling back", err=True)
        ctx.invoke(
            rollback_command,
            config_path=config_path,
            model=model,
            tracking_uri=tracking_uri,
            by="mlgate canary",
            reason=f"canary failed: {report.reason}"[:500],
        )
    ctx.exit(exit_code(report.decision, inconclusive=inconclusive))


def _comment(
    report: Any, markdown: str, *, config: Any, tracking_uri: str | None, platform: str | None
) -> None:
    """The report on the deployment PR/MR; a failure to post is a warning (the decision and
    its exit code stand)."""
    from mlgate.adapters.ci import platform_from_environment
    from mlgate.canary.comment import comment_on_deployment
    from mlgate.errors import MlgateError, UsageError

    if not tracking_uri:
        raise UsageError("--comment needs --tracking-uri (or MLFLOW_TRACKING_URI)")
    where = platform_from_environment(platform, dict(os.environ))
    try:
        url = comment_on_deployment(
            report,
            markdown,
            config=config,
            tracking_uri=tracking_uri,
            platform=where,
            env=dict(os.environ),
        )
    except UsageError:
        raise
    except MlgateError as exc:
        click.echo(f"mlgate: warning: the canary report was not posted: {exc}", err=True)
        return
    click.echo(f"canary report: {url}", err=True)


@canary_group.command("serve")
@click.option(
    "--config",
    "config_paths",
    type=FilePath,
    multiple=True,
    envvar="MLGATE_CONFIG",
    show_envvar=True,
    help="An mlgate.yml with a canary: section; repeat for several models (default: "
    "./mlgate.yml). GET /v1/canary/<model> answers for the model it names.",
)
@click.option(
    "--listen",
    default="127.0.0.1:8080",
    show_default=True,
    envvar="MLGATE_CANARY_LISTEN",
    show_envvar=True,
    help="HOST:PORT to serve on (0.0.0.0:8080 in a cluster).",
)
@click.option(
    "--cache",
    type=click.FloatRange(0, 3600),
    default=30.0,
    show_default=True,
    envvar="MLGATE_CANARY_CACHE",
    show_envvar=True,
    help="Seconds a decision is reused: every poll within it, and every poll that arrives "
    "while one is being decided, is answered from one query set.",
)
def serve_command(*, config_paths: tuple[Path, ...], listen: str, cache: float) -> None:
    """Answer Argo Rollouts' web provider and Flagger's webhooks with the canary decision."""
    from mlgate.canary.run import TOKEN_ENV, settings_of
    from mlgate.canary.serve import serve

    configs = [config_at(path) for path in config_paths or (None,)]
    by_model = {}
    for config in configs:
        settings_of(config)
        if not config.model:
            raise click.UsageError(f"{config.source}: name the model (model:) to serve it")
        by_model[config.model] = config
    host, port = listen_address(listen)
    serve(by_model, host=host, port=port, cache=cache, token=os.environ.get(TOKEN_ENV))
