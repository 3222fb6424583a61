"""**The relay job** (``mlgate relay``): MLflow webhook deliveries in, CI runs out — a GitHub
``repository_dispatch`` or a GitLab pipeline trigger per new model version, so a model
registered outside CI (scheduled retraining, a notebook) still goes through the gate.

``service.py`` decides what to do with one delivery, ``ledger.py`` remembers what was
dispatched, ``server.py`` is the HTTP side, and :func:`serve` / :func:`register` below wire
them to the command's settings.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mlgate.core.webhooks import RelayFilter
from mlgate.errors import UsageError

if TYPE_CHECKING:
    from mlgate.relay.server import RelayServer
    from mlgate.relay.service import Redriven, Relay


@dataclass(frozen=True, kw_only=True)
class RelaySettings:
    host: str
    port: int
    secret: str = field(repr=False)
    relay_filter: RelayFilter
    github_repo: str | None = None
    github_api: str = "https://api.github.com"
    github_token: str | None = field(default=None, repr=False)
    gitlab_project: str | None = None
    gitlab_url: str | None = None
    gitlab_token: str | None = field(default=None, repr=False)
    ref: str = "main"
    state: Path | None = None
    max_concurrency: int = 8
    redrive_first: float = 2.0  # seconds after a dispatch failed for good, then doubled …
    redrive_cap: float = 10.0  # … up to this


def build_server(settings: RelaySettings, *, log: TextIO = sys.stderr) -> RelayServer:
    """The configured server, bound to its address (port 0: any free port)."""
    from mlgate.relay.server import RelayServer

    relay, secrets = _relay(settings)
    try:
        return RelayServer(
            (settings.host, settings.port),
            relay,
            max_concurrency=settings.max_concurrency,
            log=log,
            redact=lambda text: _redact(text, secrets),
        )
    except OSError as exc:
        relay.ledger.close()
        raise UsageError(f"--listen {settings.host}:{settings.port}: {exc.strerror}") from None


def redrive(settings: RelaySettings) -> tuple[list[Redriven], int]:
    """``mlgate relay redrive``: send everything the --state file says is owed, now (each
    with the full retries); ``(what was tried, how many are still owed)``."""
    if settings.state is None:
        raise UsageError("give --state FILE: the file the relay keeps what it owes in")
    relay, _ = _relay(settings)
    try:
        tried = relay.redrive(everything=True)
        return tried, len(relay.ledger.owed())
    finally:
        relay.ledger.close()


def _relay(settings: RelaySettings) -> tuple[Relay, list[str]]:
    """The relay with its targets and ledger (the --state file locked for this process),
    and the secrets its log must never show."""
    from mlgate.adapters.dispatch import GitHubDispatch, GitLabTrigger
    from mlgate.relay.ledger import Ledger
    from mlgate.relay.service import Redrive, Relay, Target

    targets: list[Target] = []
    if settings.github_repo:
        if not settings.github_token:
            raise UsageError("--github-repo needs a token in MLGATE_GITHUB_TOKEN")
        targets.append(
            GitHubDispatch(
                api_url=settings.github_api,
                repository=settings.github_repo,
                token=settings.github_token,
            )
        )
    if settings.gitlab_project:
        if not settings.gitlab_token or not settings.gitlab_url:
            raise UsageError(
                "--gitlab-project needs a trigger token in MLGATE_GITLAB_TRIGGER_TOKEN and the "
                "instance in --gitlab-url (or CI_API_V4_URL)"
            )
        targets.append(
            GitLabTrigger(
                url=settings.gitlab_url,
                project=settings.gitlab_project,
                token=settings.gitlab_token,
                ref=settings.ref,
            )
        )
    if not targets:
        raise UsageError(
            "name where to start CI: --github-repo OWNER/REPO and/or --gitlab-project ID"
        )
    secrets = [s for s in (settings.secret, settings.github_token, settings.gitlab_token) if s]
    ledger = Ledger(state=settings.state)
    ledger.lock()
    relay = Relay(
        secret=settings.secret,
        targets=targets,
        relay_filter=settings.relay_filter,
        ledger=ledger,
        redrive=Redrive(first=settings.redrive_first, cap=settings.redrive_cap),
    )
    return relay, secrets


def serve(settings: RelaySettings, *, log: TextIO = sys.stderr) -> None:
    """Serve until SIGTERM or Ctrl-C; deliveries in flight are finished first."""
    server = build_server(settings, log=log)

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    targets = ", ".join(
        t
        for t in (
            settings.github_repo and f"github:{settings.github_repo}",
            settings.gitlab_project and f"gitlab:{settings.gitlab_project}",
        )
        if t
    )
    log.write(
        f"mlgate relay: listening on {server.url} (POST /, GET /healthz, GET /metrics)"
        f" → {targets}\n"
    )
    log.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.write("mlgate relay: stopping\n")
    finally:
        server.server_close()


def register(*, tracking_uri: str, url: str, events: Sequence[str], secret: str) -> tuple[str, str]:
    """Create or update the MLflow webhook that feeds the relay: ``(action, webhook id)``."""
    from mlgate.adapters.registry import Registry
    from mlgate.adapters.webhooks import register_webhook

    registered = register_webhook(
        Registry(tracking_uri=tracking_uri), url=url, events=events, secret=secret
    )
    return registered.action, registered.id


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
