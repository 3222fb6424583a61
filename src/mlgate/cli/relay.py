"""``mlgate relay`` and ``mlgate relay register``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlgate.cli.options import config_option, listen_address, read_config

if TYPE_CHECKING:
    from mlgate.relay import RelaySettings

RELAY_EPILOG = """\b
Examples:
  MLGATE_WEBHOOK_SECRET=… MLGATE_GITHUB_TOKEN=… \\
    mlgate relay --listen 0.0.0.0:8080 --github-repo acme/churn --state relay.state
  MLGATE_WEBHOOK_SECRET=… MLGATE_GITLAB_TRIGGER_TOKEN=… \\
    mlgate relay --gitlab-project 42 --gitlab-url https://gitlab.example.com \\
    --state relay.state
  mlgate relay register --url https://relay.example.com/

\b
Deliveries arrive at POST /; GET /healthz answers while the relay runs. A delivery is
passed on only when its signature matches MLGATE_WEBHOOK_SECRET (HMAC-SHA256, compared in
constant time), its timestamp is under 5 minutes old and not in the future, its id was not
dispatched before, its body is at most 64 KiB, and the relay: section of mlgate.yml accepts
its model and event (default: every model's model_version.created). GitHub gets a
repository_dispatch of type mlgate-model-version with client_payload {model, version,
event, delivery}; GitLab a pipeline trigger with MLGATE_MODEL, MLGATE_VERSION, MLGATE_EVENT
and MLGATE_DELIVERY. A target still failing after 4 attempts is answered with 502, so
MLflow delivers again, and the dispatch is owed: re-driven in the background (one probe
2 s later, doubling, at most 10 s apart; then all of it) until the target takes it; GET
/healthz says "degraded" with the count and age of what is owed, GET /metrics exports the
counts, and `mlgate relay redrive` sends it now. What was dispatched is never sent
twice (--state keeps that, and what is owed, across restarts). One log line per delivery;
never the secret or a token. See docs/relay.md.
"""


def _secret() -> str:
    secret = os.environ.get("MLGATE_WEBHOOK_SECRET", "")
    if len(secret) < 16:
        raise click.UsageError(
            "set MLGATE_WEBHOOK_SECRET to the webhook's secret (16 characters or more)"
        )
    return secret


@click.group("relay", invoke_without_command=True, epilog=RELAY_EPILOG)
@config_option
@click.option(
    "--listen",
    default="127.0.0.1:8080",
    show_default=True,
    envvar="MLGATE_RELAY_LISTEN",
    show_envvar=True,
    help="HOST:PORT to serve on (0.0.0.0:8080 behind a reverse proxy or in a container).",
)
@click.option(
    "--github-repo",
    envvar="MLGATE_RELAY_GITHUB_REPO",
    show_envvar=True,
    help="OWNER/REPO to send repository_dispatch to (token: MLGATE_GITHUB_TOKEN; API: "
    "GITHUB_API_URL).",
)
@click.option(
    "--gitlab-project",
    envvar="MLGATE_RELAY_GITLAB_PROJECT",
    show_envvar=True,
    help="Project ID or path whose pipeline to trigger (trigger token: "
    "MLGATE_GITLAB_TRIGGER_TOKEN).",
)
@click.option(
    "--gitlab-url",
    envvar="MLGATE_RELAY_GITLAB_URL",
    show_envvar=True,
    help="The GitLab instance (default: from CI_API_V4_URL, else https://gitlab.com).",
)
@click.option(
    "--state",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="MLGATE_RELAY_STATE",
    show_envvar=True,
    help="A file recording the dispatched delivery ids and the dispatches still owed, so a "
    "restarted relay never dispatches a redelivery again and loses nothing it owes.",
)
@click.option(
    "--max-concurrency",
    type=click.IntRange(1, 256),
    default=8,
    show_default=True,
    envvar="MLGATE_RELAY_MAX_CONCURRENCY",
    show_envvar=True,
    help="Deliveries handled at once; more wait up to 5 s, then get 503 (MLflow retries).",
)
@click.pass_context
def relay_group(
    ctx: click.Context,
    /,
    *,
    config_path: Path | None,
    listen: str,
    github_repo: str | None,
    gitlab_project: str | None,
    gitlab_url: str | None,
    state: Path | None,
    max_concurrency: int,
) -> None:
    """Receive MLflow webhooks and start the CI gate for new model versions."""
    if ctx.invoked_subcommand is not None:
        return
    from mlgate.relay import serve

    settings = _settings(ctx.params, secret=_secret())
    if state is None:
        click.echo(
            "mlgate relay: warning: no --state: what was dispatched, and what a target still "
            "owes, is remembered in memory only, so after a restart MLflow's redelivery of a "
            "delivery already dispatched dispatches it again, and an owed dispatch is lost; "
            "give --state FILE",
            err=True,
        )
    serve(settings)


def _settings(params: dict[str, Any], *, secret: str) -> RelaySettings:
    from mlgate.relay import RelaySettings

    config = read_config(params.get("config_path"))
    host, port = listen_address(params["listen"])
    github_repo = params.get("github_repo")
    if github_repo and not re.fullmatch(r"[\w.-]+/[\w.-]+", github_repo):
        raise click.BadParameter("expected OWNER/REPO", param_hint="--github-repo")
    api_v4 = os.environ.get("CI_API_V4_URL", "").rstrip("/").removesuffix("/api/v4")
    return RelaySettings(
        host=host,
        port=port,
        secret=secret,
        relay_filter=config.relay,
        github_repo=github_repo,
        github_api=os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        github_token=os.environ.get("MLGATE_GITHUB_TOKEN") or None,
        gitlab_project=params.get("gitlab_project"),
        gitlab_url=params.get("gitlab_url") or api_v4 or "https://gitlab.com",
        gitlab_token=os.environ.get("MLGATE_GITLAB_TRIGGER_TOKEN") or None,
        ref=config.relay_ref,
        state=params.get("state"),
        max_concurrency=params["max_concurrency"],
    )


@relay_group.command(
    "redrive",
    epilog="\b\nExample:\n  MLGATE_GITHUB_TOKEN=… mlgate relay --github-repo acme/churn "
    "--state relay.state redrive",
)
@click.pass_context
def redrive_command(ctx: click.Context, /) -> None:
    """Send now what the relay owes (dispatches that failed after their retries).

    Reads the relay's --state file and its targets from the relay's own options (before
    `redrive`), sends each owed dispatch with the full retries, and records what was sent.
    A running relay re-drives by itself in the background; while it holds the file this
    command refuses (exit 2). Exit 0 when nothing is owed any more, 3 when some still is.
    """
    from mlgate.errors import ServiceError
    from mlgate.relay import redrive

    parent = ctx.parent.params if ctx.parent is not None else {}
    secret = os.environ.get("MLGATE_WEBHOOK_SECRET") or "not-needed-to-re-drive"
    tried, left = redrive(_settings(parent, secret=secret))
    for done in tried:
        word = "sent" if done.delivered else "still owed"
        click.echo(f"{word}: {done.model} version {done.version} → {done.detail}")
    if left:
        raise ServiceError(f"{left} dispatch(es) still owed; the next re-drive tries them again")
    click.echo(f"nothing owed ({len(tried)} sent)")


@relay_group.command(
    "register",
    epilog="\b\nExample:\n  MLGATE_WEBHOOK_SECRET=… mlgate relay register --url https://relay.example.com/",
)
@click.option("--url", required=True, help="Where MLflow sends deliveries (the relay's POST /).")
@click.option(
    "--events",
    "events",
    multiple=True,
    help="An event to send (repeatable): model_version.created, model_version_tag.set, "
    "model_version_tag.deleted, model_version_alias.created or model_version_alias.deleted "
    "(default: relay.events in mlgate.yml).",
)
@click.option(
    "--tracking-uri",
    envvar=["MLGATE_TRACKING_URI", "MLFLOW_TRACKING_URI"],
    show_envvar=True,
    help="The MLflow server (3.3 or newer, with a SQL backend store).",
)
@click.pass_context
def register_command(
    ctx: click.Context, /, *, url: str, events: tuple[str, ...], tracking_uri: str | None
) -> None:
    """Create or update the MLflow webhook named mlgate-relay (idempotent)."""
    from mlgate.core.webhooks import KNOWN_EVENTS, LOOPING_EVENTS
    from mlgate.relay import register

    # Checked here, not with click.Choice: the event names live in core/webhooks.py, which
    # `mlgate --help` does not import.
    unknown = [event for event in events if event not in KNOWN_EVENTS]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: not one of {', '.join(KNOWN_EVENTS)}", param_hint="--events"
        )
    if not re.fullmatch(r"https?://[^\s]+", url):
        raise click.BadParameter("expected an http(s) URL", param_hint="--url")
    if not tracking_uri:
        raise click.UsageError("set --tracking-uri or MLFLOW_TRACKING_URI")
    parent = ctx.parent.params if ctx.parent is not None else {}
    config = read_config(parent.get("config_path"))
    action, webhook = register(
        tracking_uri=tracking_uri,
        url=url,
        events=events or config.relay.events,
        secret=_secret(),
    )
    click.echo(f"webhook mlgate-relay ({webhook}) {action}: {url}")
    chosen = events or config.relay.events
    looping = [event for event in chosen if event in LOOPING_EVENTS]
    if looping:
        own = ", ".join(f"@{alias}" for alias in config.relay.own_aliases)
        click.echo(
            f"note: {', '.join(looping)} can loop (every gate writes tags, every promotion "
            f"moves aliases): the relay never passes on mlgate.* tags or {own}",
            err=True,
        )
