"""``mlgate promote``, ``mlgate rollback`` and ``mlgate history``."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from mlgate.cli.options import (
    config_option,
    format_option,
    model_and_store_options,
    model_settings,
    platform_option,
)

PROMOTE_EPILOG = """\b
Examples:
  mlgate promote --model churn-classifier --version 7 --approved-by alice --commit "$SHA"
  mlgate promote            # in a GitHub pull_request_review / issue_comment job, or GitLab CI

\b
On GitHub the approval is the PR's reviews (each reviewer's latest, on the head commit, by
someone with write or admin permission who is not the author) or a newly created
`/mlgate promote` comment by such a person, bound to the head: it names a prefix (7+
characters) of the head SHA, or was written after the head's report. Without a PR: the
reviewers of the job's environment (--environment; GET …/runs/{id}/approvals, writers
other than the run's triggering actor, any rejection refuses), or `/mlgate promote V` on the
model's promotion-request issue, V being the version it shows. On GitLab the MR's
approval rules without the author's own approval, or a manual job on a protected
environment (GITLAB_USER_LOGIN approves; in a trigger pipeline, of the version it names).
The head is read again just before the registry write; the report comment gets the outcome.

\b
Refused (exit 1, every reason listed) unless the version's verdict recorded in the registry
(mlgate.status, mlgate.commit tags, never a file) is pass — or no_baseline when
approval.allow_no_baseline — for exactly --commit, against the version in production now
(mlgate.baseline_version: a version promoted since makes the evidence stale), and an
approver is named. Then the
production alias (promote.alias, default the baseline alias) moves to the version, the old
holder gets promote.previous_alias, and the version is tagged with who/when/why; the
registered model keeps a history. Promoting the version that already holds the alias is a
no-op (exit 0); a rerun after an interrupted promotion completes it.
"""


def _model_and_store(func: Any) -> Any:
    return config_option(model_and_store_options(func))


@click.command("promote", epilog=PROMOTE_EPILOG)
@_model_and_store
@click.option(
    "--version",
    "version",
    envvar="MLGATE_VERSION",
    show_envvar=True,
    help="The model version to promote (default on GitHub/GitLab: the version evaluated for "
    "the PR's head commit).",
)
@platform_option("Where the approval lives (default: from the CI environment, else local).")
@click.option(
    "--pr",
    "number",
    type=click.IntRange(min=1),
    envvar="MLGATE_PR",
    show_envvar=True,
    help="Pull/merge request number (default: from the event or CI_MERGE_REQUEST_IID).",
)
@click.option(
    "--approved-by",
    envvar="MLGATE_APPROVED_BY",
    show_envvar=True,
    help="Locally: who approves (recorded as such).",
)
@click.option(
    "--commit",
    envvar=["MLGATE_COMMIT", "GITHUB_SHA", "CI_COMMIT_SHA"],
    show_envvar=True,
    help="Locally: the commit being promoted; the recorded verdict must be for it.",
)
@click.option(
    "--reason", envvar="MLGATE_REASON", show_envvar=True, help="Why, for the audit trail."
)
@click.option(
    "--environment",
    envvar="MLGATE_ENVIRONMENT",
    show_envvar=True,
    help="GitHub, without a pull request: the job's `environment:`, whose required reviewers "
    "approve this run (default: approval.environment in mlgate.yml).",
)
@click.option(
    "--reference-data",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="MLGATE_REFERENCE_DATA",
    show_envvar=True,
    help="Training/feature data (CSV/Parquet) to sample and store with the version for drift "
    "monitoring (default: drift.reference in mlgate.yml; up to drift.reference_rows rows).",
)
@click.pass_context
def promote_command(
    ctx: click.Context,
    /,
    *,
    config_path: Path | None,
    model: str | None,
    tracking_uri: str | None,
    version: str | None,
    platform: str | None,
    number: int | None,
    approved_by: str | None,
    commit: str | None,
    reason: str | None,
    environment: str | None,
    reference_data: Path | None,
) -> None:
    """Promote a model version to production after its verdict and approval are checked."""
    from mlgate.adapters.ci import platform_from_environment
    from mlgate.adapters.github_env import write_step_outputs
    from mlgate.promote.approvals import promote_github, promote_gitlab
    from mlgate.promote.promotion import promote_local

    config, name, uri = model_settings(config_path, model, tracking_uri)
    if reference_data is not None:
        config = replace(config, drift=replace(config.drift, reference=str(reference_data)))
    where = platform_from_environment(platform, dict(os.environ))
    if where == "local":
        if not version:
            raise click.UsageError("name the version to promote with --version")
        result = promote_local(
            tracking_uri=uri,
            model=name,
            version=version,
            approved_by=approved_by,
            commit=commit,
            config=config,
            reason=reason,
        )
    elif where == "github":
        result = promote_github(
            tracking_uri=uri,
            model=name,
            version=version,
            config=config,
            number=number,
            reason=reason,
            environment=environment,
        )
    else:
        result = promote_gitlab(
            tracking_uri=uri,
            model=name,
            version=version,
            config=config,
            number=number,
            reason=reason,
        )
    alias = config.production_alias
    write_step_outputs({"model-version": (result.version or "") if result.promoted else ""})
    for warning in result.warnings:
        click.echo(f"mlgate: warning: {warning}", err=True)
    if not result.promoted:
        click.echo(
            f"mlgate: promotion of {name} version {result.version or '?'} refused:", err=True
        )
        for why in result.reasons:
            click.echo(f"  - {why}", err=True)
        ctx.exit(1)
    if result.action == "already":
        click.echo(f"{name} version {result.version} already holds @{alias}; nothing to do")
    else:
        replaced = (
            f" (replacing version {result.replaced}, now @{config.previous_alias})"
            if result.replaced
            else ""
        )
        click.echo(f"{name} version {result.version} is now @{alias}{replaced}")
    if result.reference:
        click.echo(f"drift reference stored: {result.reference}")
    _then_deploy(config, name, uri, version=result.version, platform=where)


@click.command(
    "rollback",
    epilog="\b\nExample:\n  mlgate rollback --model churn-classifier --by alice --reason 'slow'",
)
@_model_and_store
@click.option(
    "--by", envvar="MLGATE_APPROVED_BY", show_envvar=True, help="Who rolls back (recorded)."
)
@click.option(
    "--reason", envvar="MLGATE_REASON", show_envvar=True, help="Why, for the audit trail."
)
def rollback_command(
    *,
    config_path: Path | None,
    model: str | None,
    tracking_uri: str | None,
    by: str | None,
    reason: str | None,
) -> None:
    """Move the production alias back to the previous version, in one step."""
    from mlgate.adapters.ci import platform_from_environment
    from mlgate.adapters.github_env import write_step_outputs
    from mlgate.promote.promotion import rollback

    config, name, uri = model_settings(config_path, model, tracking_uri)
    result = rollback(tracking_uri=uri, model=name, config=config, by=by, reason=reason)
    write_step_outputs({"model-version": (result.version or "") if result.promoted else ""})
    alias = config.production_alias
    if not result.promoted:
        click.echo(f"mlgate: rollback of {name} refused:", err=True)
        for why in result.reasons:
            click.echo(f"  - {why}", err=True)
        click.get_current_context().exit(1)
    if result.action == "already":
        click.echo(f"{name} version {result.version} already holds @{alias}; nothing to do")
    else:
        back = f"rolled back to version {result.version} (from version {result.replaced})"
        click.echo(f"{name} @{alias} {back}")
    _then_deploy(
        config,
        name,
        uri,
        version=result.version,
        platform=platform_from_environment(None, dict(os.environ)),
    )


def _then_deploy(config: Any, name: str, uri: str, *, version: str | None, platform: str) -> None:
    """With a ``deploy:`` section, the alias move is followed by its deployment change. A
    deploy that fails leaves the promotion standing; the exit code is the deploy's."""
    from mlgate.cli.deploy import run_deploy
    from mlgate.deploy.run import DeployRequest
    from mlgate.errors import MlgateError

    if config.deploy is None:
        return
    if platform == "local":
        click.echo(
            f"deploy: run `mlgate deploy --model {name}` with --platform github|gitlab, or "
            "--dry-run, to propose the deployment change"
        )
        return
    request = DeployRequest(tracking_uri=uri, model=name, version=version, config=config)
    try:
        code = run_deploy(request, platform=platform)
    except MlgateError as exc:
        click.echo(f"mlgate: {exc}", err=True)
        click.echo(
            f"mlgate: the registry change stands; fix this and run `mlgate deploy --model "
            f"{name}` again",
            err=True,
        )
        click.get_current_context().exit(int(exc.exit_code))
    if code:
        click.get_current_context().exit(code)


@click.command(
    "history", epilog="\b\nExample:\n  mlgate history --model churn-classifier --format json"
)
@_model_and_store
@format_option
@click.option(
    "--live",
    is_flag=True,
    help="Ask GitHub/GitLab for each deployment PR/MR's state now (open, merged, closed) "
    "instead of the state it was left in; needs the deploy token.",
)
@platform_option(
    "With --live: where the deployment repository is (default: from the CI environment).",
    local=False,
)
def history_command(
    *,
    config_path: Path | None,
    model: str | None,
    tracking_uri: str | None,
    fmt: str,
    live: bool,
    platform: str | None,
) -> None:
    """Print the promotion history kept in the registry, oldest first."""
    from mlgate.promote.promotion import history
    from mlgate.report.text import clean

    config, name, uri = model_settings(config_path, model, tracking_uri)
    entries = history(tracking_uri=uri, model=name)
    if live:
        from mlgate.adapters.ci import platform_from_environment
        from mlgate.deploy.repository import live_states

        where = platform_from_environment(platform, dict(os.environ))
        live_states(entries, config=config, platform=where, env=dict(os.environ))
    if fmt == "json":
        click.echo(json.dumps(entries, indent=2))
        return
    if not entries:
        click.echo(f"{name}: no promotions recorded")
    for entry in entries:
        who = entry.get("approved_by") or entry.get("rolled_back_by") or "?"
        line = (
            f"{entry.get('at', '?')}  {entry.get('event', '?'):<9} version {entry.get('version')}"
            f"  replaced {entry.get('replaced') or '-'}  by {who}"
        )
        if entry.get("commit"):
            line += f"  commit {str(entry['commit'])[:12]}"
        if entry.get("eval_dataset"):
            digest = str(entry.get("eval_dataset.digest") or "")[:8]
            line += f"  data {entry['eval_dataset']}" + (f" ({digest})" if digest else "")
        deployment = entry.get("deployment") or {}
        if isinstance(deployment, dict) and deployment.get("state"):
            where = deployment.get("url") or deployment.get("repository") or ""
            line += f"  deploy {deployment['state']} {where}".rstrip()
        click.echo(clean(line))
