"""What the registry says about a version ``mlgate deploy`` is asked to deploy, and the
deployment it records back: which version holds the production alias, the version's
run, model URI and artifact location, its recorded verdict and the promotion or rollback
that put it there (the history entry: who approved, where, which version it replaced)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlgate.adapters.promotion import Promotions
from mlgate.adapters.registry import Registry, logged_model_in
from mlgate.adapters.registry_errors import NotFound, on_model

DEPLOYMENT_TAG = "mlgate.deployment"


@dataclass(frozen=True, kw_only=True)
class Deployable:
    model: str
    version: str
    holder: str | None  # the version holding the production alias now
    run_id: str | None
    artifact_uri: str | None
    status: str | None  # the recorded verdict
    promoted_at: str | None
    event: Mapping[str, Any] = field(default_factory=dict)  # the last history entry of it
    report: str | None = None


class Deployments:
    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._promotions = Promotions(registry)

    def read(self, *, model: str, version: str | None, alias: str) -> Deployable:
        """``version`` (default: the alias holder) as the registry records it."""
        holder = self._promotions.holder(model, alias)
        chosen = version or holder
        if chosen is None:
            return Deployable(
                model=model,
                version="",
                holder=None,
                run_id=None,
                artifact_uri=None,
                status=None,
                promoted_at=None,
            )
        with self._registry.guard(
            f"reading models:/{model}/{chosen}", needs=on_model("READ", model)
        ):
            found = self._registry.client.get_model_version(model, chosen)
        tags = dict(found.tags or {})
        events = [e for e in self._promotions.history(model) if str(e.get("version")) == chosen]
        return Deployable(
            model=model,
            version=str(found.version),
            holder=holder,
            run_id=found.run_id or None,
            artifact_uri=self._registry.model_location(
                model_id=getattr(found, "model_id", None) or logged_model_in(found.source),
                source=found.source,
            ),
            status=tags.get("mlgate.status"),
            promoted_at=tags.get("mlgate.promoted_at") or tags.get("mlgate.rolled_back_at"),
            event=events[-1] if events else {},
            report=tags.get("mlgate.report") or None,
        )

    def record(self, *, model: str, version: str, deployment: Mapping[str, Any]) -> None:
        self._registry.tag_version(
            model, version, {DEPLOYMENT_TAG: json.dumps(dict(deployment), sort_keys=True)}
        )

    def recorded(self, *, model: str, version: str) -> dict[str, Any] | None:
        try:
            with self._registry.guard(f"reading models:/{model}/{version}"):
                found = self._registry.client.get_model_version(model, version)
        except NotFound:  # a version deleted since
            return None
        text = (found.tags or {}).get(DEPLOYMENT_TAG)
        try:
            return dict(json.loads(text)) if text else None
        except (ValueError, TypeError):
            return None
