"""Moving the production alias in the MLflow registry, with an audit trail.

Order matters so that a failure between steps never leaves production without a model:
first the previous alias is pointed at the current holder (production unchanged), then the
production alias moves (production is the new version), then audit tags and a history entry
are written. A rerun notices a promotion whose audit is missing and completes it.
History entries are tags on the registered model (``mlgate.history.<n>.<time>.<event>``), so
"who was in production on date X" is answerable from the registry alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlgate.adapters.registry import Registry
from mlgate.core.approval import RecordedVerdict
from mlgate.errors import InputError, UsageError

HISTORY_PREFIX = "mlgate.history."
LINEAGE_PREFIX = "mlgate.eval_dataset"


@dataclass(frozen=True, kw_only=True)
class Moved:
    action: str  # "promoted", "completed", "already", "rolled_back"
    version: str
    replaced: str | None


class Promotions:
    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._client = registry.client

    def recorded_verdict(self, model: str, version: str) -> RecordedVerdict:
        tags = self._version(model, version).tags or {}
        lineage = {
            key.removeprefix("mlgate."): value
            for key, value in tags.items()
            if key.startswith(LINEAGE_PREFIX) and value
        }
        return RecordedVerdict(
            status=tags.get("mlgate.status"),
            commit=tags.get("mlgate.commit"),
            evaluated_at=tags.get("mlgate.evaluated_at"),
            lineage=lineage,
        )

    def version_for_commit(self, model: str, commit: str) -> str | None:
        """The newest version whose recorded verdict is for ``commit``."""
        with self._registry.guard(f"searching the versions of {model}"):
            versions = self._client.search_model_versions(
                f"name='{_quote(model)}'", max_results=1000
            )
        matching = [
            int(v.version) for v in versions if (v.tags or {}).get("mlgate.commit") == commit
        ]
        return str(max(matching)) if matching else None

    def holder(self, model: str, alias: str) -> str | None:
        value = (self._registered(model).aliases or {}).get(alias)
        return None if value is None else str(value)

    def _registered(self, model: str) -> Any:
        from mlgate.adapters.registry import NotFound

        try:
            with self._registry.guard(f"reading registered model {model}"):
                return self._client.get_registered_model(model)
        except NotFound:
            raise InputError(f"model {model!r}: not found in the registry") from None

    def promote(
        self,
        *,
        model: str,
        version: str,
        alias: str,
        previous_alias: str,
        audit: Mapping[str, str],
        now: str,
    ) -> Moved:
        self._version(model, version)  # a clear error for a version that does not exist
        current = self.holder(model, alias)
        tags = self._version(model, version).tags or {}
        if current == version:
            if tags.get("mlgate.promoted_at"):
                return Moved(action="already", version=version, replaced=None)
            replaced = self.holder(model, previous_alias)  # an interrupted promotion: finish it
            self._audit(model, version, replaced, audit, now, event="promote")
            return Moved(action="completed", version=version, replaced=replaced)
        if current is not None:
            self._set_alias(model, previous_alias, current)
        self._set_alias(model, alias, version)
        self._audit(model, version, current, audit, now, event="promote")
        return Moved(action="promoted", version=version, replaced=current)

    def rollback(
        self, *, model: str, alias: str, previous_alias: str, audit: Mapping[str, str], now: str
    ) -> Moved:
        previous = self.holder(model, previous_alias)
        current = self.holder(model, alias)
        if previous is None:
            raise UsageError(
                f"models:/{model}@{previous_alias} does not exist: there is nothing to roll back to"
            )
        if previous == current:
            return Moved(action="already", version=previous, replaced=None)
        self._set_alias(model, alias, previous)
        if current is not None:
            self._set_alias(model, previous_alias, current)
        self._history(
            model,
            {"event": "rollback", "version": previous, "replaced": current, **audit, "at": now},
            now,
        )
        with self._registry.guard(f"tagging {model} version {previous}"):
            self._client.set_model_version_tag(model, previous, "mlgate.rolled_back_at", now)
        return Moved(action="rolled_back", version=previous, replaced=current)

    def history(self, model: str) -> list[dict[str, Any]]:
        entries = []
        for key, value in sorted((self._registered(model).tags or {}).items()):
            if key.startswith(HISTORY_PREFIX):
                try:
                    entries.append(dict(json.loads(value)))
                except (ValueError, TypeError):
                    entries.append({"event": "unreadable", "tag": key})
        return entries

    def _audit(
        self,
        model: str,
        version: str,
        replaced: str | None,
        audit: Mapping[str, str],
        now: str,
        *,
        event: str,
    ) -> None:
        tags = {**{f"mlgate.{k}": v for k, v in audit.items() if v}, "mlgate.promoted_at": now}
        if replaced:
            tags["mlgate.replaced_version"] = replaced
        for key, value in tags.items():
            with self._registry.guard(f"tagging {model} version {version}"):
                self._client.set_model_version_tag(model, version, key, value[:5000])
        self._history(
            model,
            {"event": event, "version": version, "replaced": replaced, **audit, "at": now},
            now,
        )

    def _history(self, model: str, entry: Mapping[str, Any], now: str) -> None:
        # A sequence number keeps entries in order even within one second; promotions of one
        # model never run concurrently (the CI's resource_group / concurrency sees to that).
        sequence = sum(
            1 for key in (self._registered(model).tags or {}) if key.startswith(HISTORY_PREFIX)
        )
        stamp = now.replace(":", "").replace("-", "")
        key = f"{HISTORY_PREFIX}{sequence + 1:06d}.{stamp}.{entry['event']}"
        with self._registry.guard(f"recording the history of {model}"):
            self._client.set_registered_model_tag(
                model, key, json.dumps(entry, sort_keys=True)[:5000]
            )

    def _set_alias(self, model: str, alias: str, version: str) -> None:
        self._registry.set_alias(model=model, alias=alias, version=version)

    def _version(self, model: str, version: str) -> Any:
        from mlgate.adapters.registry import NotFound

        try:
            with self._registry.guard(f"reading models:/{model}/{version}"):
                return self._client.get_model_version(model, version)
        except NotFound:
            raise InputError(f"models:/{model}/{version}: not found in the registry") from None


def _quote(name: str) -> str:
    return name.replace("\\", "\\\\").replace("'", "\\'")
