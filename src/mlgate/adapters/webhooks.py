"""The MLflow webhook that feeds ``mlgate relay``: created once, updated in place after that
(``mlgate relay register`` is idempotent). Found by name, across all pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlgate.adapters.registry import Registry
from mlgate.errors import UsageError

WEBHOOK_NAME = "mlgate-relay"
# MLflow's basic-auth app lets only admins list, create or change webhooks.
ADMIN = "an MLflow admin account (basic-auth lets only admins manage webhooks)"


@dataclass(frozen=True, kw_only=True)
class Registered:
    id: str
    action: str  # created, updated, updated (secret rotated)
    url: str
    events: tuple[str, ...]


def register_webhook(
    registry: Registry,
    *,
    url: str,
    events: Sequence[str],
    secret: str,
    name: str = WEBHOOK_NAME,
) -> Registered:
    client = registry.client
    with registry.guard("listing the webhooks", needs=ADMIN):
        existing = _find(client, name)
    description = "mlgate relay: model version events start the CI gate"
    wanted = tuple(sorted(events))
    try:
        if existing is None:
            with registry.guard(f"creating the webhook {name}", needs=ADMIN):
                made = client.create_webhook(
                    name=name, url=url, events=list(wanted), description=description, secret=secret
                )
            return Registered(id=str(made.webhook_id), action="created", url=url, events=wanted)
        # The secret cannot be read back, so it is always written: a rotated secret takes
        # effect, and re-running with the same one changes nothing MLflow shows.
        same = existing.url == url and _events(existing) == wanted and _active(existing)
        with registry.guard(f"updating the webhook {name}", needs=ADMIN):
            client.update_webhook(
                existing.webhook_id,
                url=url,
                events=list(wanted),
                description=description,
                secret=secret,
                status="ACTIVE",
            )
    except AttributeError:
        raise UsageError(
            "this MLflow client has no webhooks API (MLflow 3.3 or newer is needed)"
        ) from None
    return Registered(
        id=str(existing.webhook_id),
        # The secret was written again whatever else changed: say so, never "unchanged".
        action="updated (secret rotated)" if same else "updated",
        url=url,
        events=wanted,
    )


def _find(client: Any, name: str) -> Any | None:
    token = None
    while True:
        page = client.list_webhooks(max_results=100, page_token=token)
        for webhook in page:
            if webhook.name == name:
                return webhook
        token = page.token
        if not token:
            return None


def _events(webhook: Any) -> tuple[str, ...]:
    return tuple(sorted(f"{e.entity.value}.{e.action.value}" for e in webhook.events))


def _active(webhook: Any) -> bool:
    return str(getattr(webhook, "status", "ACTIVE")).upper().endswith("ACTIVE")
