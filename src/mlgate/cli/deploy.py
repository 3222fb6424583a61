"""``mlgate deploy``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlgate.cli.options import (
    config_option,
    format_option,
    model_and_store_options,
    model_settings,
    platform_option,
)

if TYPE_CHECKING:
    from mlgate.deploy.run import DeployRequest, DeployResult

DEPLOY_EPILOG = """\b
Examples:
  mlgate deploy --model churn-classifier --dry-run        # the diff, on a laptop
  mlgate deploy --model churn-classifier --version 7      # in CI: the PR/MR

\b
Deploys only the version holding the production alias (promote.alias), whose recorded
verdict passed and that mlgate promoted or restored (exit 1 otherwise, every reason
listed). It edits deploy.files in the deployment repository (deploy.repository, branch
deploy.branch) changing only the fields it must, validates each edited object against its
kind's schema and KServe's admission rules (exit 2 naming the file, document and key
path), and proposes one commit as one PR/MR per model and environment on
mlgate/deploy/<model>/<environment>: the same version again changes nothing, a newer
one updates the open PR/MR, a version already served opens none (and closes a stale one).
Runs by itself after `mlgate promote` and `mlgate rollback` when mlgate.yml has deploy:.
The token: MLGATE_DEPLOY_TOKEN, else the platform's (it must be able to push to the
deployment repository). See docs/deploy.md.
"""


@click.command("deploy", epilog=DEPLOY_EPILOG)
@config_option
@model_and_store_options
@click.option(
    "--version",
    envvar="MLGATE_VERSION",
    show_envvar=True,
    help="The version to deploy; it must hold the production alias (default: the one that does).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    envvar="MLGATE_DRY_RUN",
    show_envvar=True,
    help="Print the diff and the PR/MR it would open, from the local checkout deploy.path; "
    "touch no remote.",
)
@click.option(
    "--canary",
    "canary_percent",
    type=click.IntRange(0, 100),
    envvar="MLGATE_DEPLOY_CANARY",
    show_envvar=True,
    help="The share of traffic the version gets on KServe (canaryTrafficPercent, or the first "
    "spec.canary[] entry), for every kind: kserve file: the next stage of a staged rollout "
    "after `mlgate canary` passed (100: all of it), or 0 to take it all away.",
)
@platform_option("Where the deployment repository is (default: from the CI environment).")
@format_option
def deploy_command(
    *,
    config_path: Path | None,
    model: str | None,
    tracking_uri: str | None,
    version: str | None,
    dry_run: bool,
    canary_percent: int | None,
    platform: str | None,
    fmt: str,
) -> None:
    """Propose the production version's deployment: a PR/MR to the serving manifests."""
    from mlgate.deploy.run import DeployRequest

    config, name, uri = model_settings(config_path, model, tracking_uri)
    if canary_percent is not None:
        config = _staged(config, canary_percent)
    request = DeployRequest(
        tracking_uri=uri, model=name, version=version, config=config, dry_run=dry_run
    )
    code = run_deploy(request, platform=platform, fmt=fmt)
    click.get_current_context().exit(code)


def _staged(config: Any, percent: int) -> Any:
    """The config with every ``kind: kserve`` file's canary share set to ``percent``."""
    from dataclasses import replace

    if config.deploy is None or not any(f.kind == "kserve" for f in config.deploy.files):
        raise click.UsageError("--canary needs a deploy.files entry of kind: kserve")
    files = tuple(
        replace(f, canary=percent) if f.kind == "kserve" else f for f in config.deploy.files
    )
    return replace(config, deploy=replace(config.deploy, files=files))


def run_deploy(request: DeployRequest, *, platform: str | None, fmt: str = "text") -> int:
    """Run and print one deploy; the exit code (0 done, 1 refused). Shared with promote and
    rollback, which deploy after moving the alias."""
    from mlgate.adapters.ci import platform_from_environment
    from mlgate.adapters.github_env import write_step_outputs
    from mlgate.deploy.repository import platform_repository
    from mlgate.deploy.run import deploy

    env = dict(os.environ)
    where = platform_from_environment(platform, env)
    factory = None if request.dry_run else platform_repository(where, env)
    result = deploy(request, repository=factory)
    url = result.proposal.url if result.proposal else ""
    write_step_outputs({"deploy-url": url, "deploy-action": result.action})
    if fmt == "json":
        click.echo(json.dumps(_as_json(result), indent=2))
    else:
        _print(result)
    return 1 if result.action == "refused" else 0


def _as_json(result: DeployResult) -> dict[str, Any]:
    from dataclasses import asdict

    data: dict[str, Any] = asdict(result)
    data.pop("commit_message", None)
    return data


def _print(result: DeployResult) -> None:
    from mlgate.report.text import clean

    for warning in result.warnings:
        click.echo(f"mlgate: warning: {warning}", err=True)
    who = f"{clean(result.model)} version {clean(result.version or '?')}"
    if result.action == "refused":
        click.echo(f"mlgate: deploy of {who} refused:", err=True)
        for why in result.reasons:
            click.echo(f"  - {clean(why)}", err=True)
        return
    if result.dispatched:
        click.echo(clean(result.dispatched))
        return
    where = f"{clean(result.repository)}"
    messages = {
        "already": f"{who} is already deployed in {where}; nothing to propose",
        "closed": f"{who} is already deployed in {where}; closed the stale proposal",
        "unchanged": f"{who}: the proposal is up to date",
        "opened": f"{who}: opened the deployment proposal",
        "updated": f"{who}: updated the deployment proposal",
    }
    if result.action == "dry_run":
        click.echo(result.diff, nl=False)
        click.echo(f"\nwould propose on branch {result.branch} of {where}: {clean(result.title)}")
        click.echo(result.body)
        return
    line = messages.get(result.action, result.action)
    click.echo(line + (f": {result.proposal.url}" if result.proposal else ""))
