"""Moving the production alias in the MLflow registry, with an audit trail.

Order matters so that a failure between steps never leaves production without a model:
first the previous alias is pointed at the current holder (production unchanged), then the
production alias moves (production is the new version), then audit tags and a history entry
are written. A rerun notices a promotion whose audit is missing and completes it.
History entries are tags on the registered model (``mlgate.history.<n>.<time>.<event>``), so
"who was in production on date X" is answerable from the registry alone.

MLflow has no conditional alias write, so concurrent promotions of one model are kept apart
by intent tags: each writer first tags the registered model ``mlgate.promoting.<id>``, then
reads the model back. It goes on only if production is still the version it read when it
started and no other fresh intent is there; otherwise it withdraws its tag and waits (up to
``INTENT_WAIT_S``) for the other writer to finish: if production then moved it refuses, if not
it tries again after a random pause. Every writer writes before it reads, so of two that
overlap the later reader sees the other's intent: at most one moves the alias at a time
(given the registry's read-after-write consistency, which one SQL database behind MLflow
gives). A refused promotion changed nothing. An intent older than ``INTENT_TTL_S`` (a job
killed mid-way) is ignored and removed.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from mlgate.adapters.registry import Registry
from mlgate.adapters.registry_errors import NotFound, on_model
from mlgate.adapters.registry_models import HISTORY_PREFIX, quoted
from mlgate.core.lineage import LineageError, rollback_target
from mlgate.core.recorded import RecordedVerdict, same_commit
from mlgate.errors import InputError, ServiceError, UsageError

LINEAGE_PREFIX = "mlgate.eval_dataset"
INTENT_PREFIX = "mlgate.promoting."
INTENT_TTL_S = 600
INTENT_WAIT_S = 60  # how long a promotion waits for another one to finish
INTENT_POLL_S = 0.5


class ProductionMoved(Exception):
    """Another promotion or rollback moved production (or holds it) while this one ran;
    nothing was changed. The message says what to do."""


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
            baseline_version=tags.get("mlgate.baseline_version") or None,
            ci_run=tags.get("mlgate.ci_run") or None,
            lineage=lineage,
        )

    def version_for_commit(self, model: str, commit: str) -> str | None:
        """The newest version whose recorded verdict is for ``commit``."""
        with self._registry.guard(
            f"searching the versions of {model}", needs=on_model("READ", model)
        ):
            versions = self._client.search_model_versions(
                f"name='{quoted(model)}'", max_results=1000
            )
        matching = {
            int(v.version): str((v.tags or {}).get("mlgate.commit"))
            for v in versions
            if same_commit(str((v.tags or {}).get("mlgate.commit") or ""), commit)
        }
        if len({sha.lower() for sha in matching.values()}) > 1:
            raise UsageError(
                f"commit {commit} is ambiguous: versions of {model} were evaluated for "
                f"{', '.join(sorted({sha[:12] for sha in matching.values()}))}; give the full SHA"
            )
        return str(max(matching)) if matching else None

    def holder(self, model: str, alias: str) -> str | None:
        value = (self._registered(model).aliases or {}).get(alias)
        return None if value is None else str(value)

    def _registered(self, model: str) -> Any:
        try:
            with self._registry.guard(
                f"reading registered model {model}", needs=on_model("READ", model)
            ):
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
        expected: str | None,
    ) -> Moved:
        """Move ``alias`` to ``version`` from ``expected``, the holder the caller's checks
        read (the intent, read back, holds it to that: ProductionMoved if it moved)."""
        tags = self._version(model, version).tags or {}  # a clear error for a missing version
        if expected == version:
            if tags.get("mlgate.promoted_at"):
                return Moved(action="already", version=version, replaced=None)
            replaced = self.holder(model, previous_alias)  # an interrupted promotion: finish it
            self._audit(model, version, replaced, audit, now, event="promote")
            return Moved(action="completed", version=version, replaced=replaced)
        with self._intent(model, alias=alias, expected=expected, target=version):
            if expected is not None:
                self._set_alias(model, previous_alias, expected)
            self._set_alias(model, alias, version)
            self._audit(model, version, expected, audit, now, event="promote")
        return Moved(action="promoted", version=version, replaced=expected)

    def rollback(
        self, *, model: str, alias: str, previous_alias: str, audit: Mapping[str, str], now: str
    ) -> Moved:
        """Production back to the version before it in the promotion history (never one a
        rollback took off); without a history (aliases set by hand), to ``previous_alias``.
        ``previous_alias`` then names the version before that, or production itself."""
        current = self.holder(model, alias)
        entries = self.history(model)
        if entries:
            try:
                target = rollback_target(entries, current=current)
            except LineageError as exc:
                raise UsageError(f"models:/{model}@{alias}: {exc}") from None
            previous, before = target.version, target.before
        else:
            held = self.holder(model, previous_alias)
            if held is None:
                raise UsageError(
                    f"models:/{model}@{previous_alias} does not exist: there is nothing to "
                    "roll back to"
                )
            previous, before = held, None
            if previous == current:
                return Moved(action="already", version=previous, replaced=None)
        with self._intent(model, alias=alias, expected=current, target=previous):
            self._set_alias(model, alias, previous)
            # The version rolled back never stays @previous (a rollback through it would
            # roll forward): the one before, else production itself — nothing earlier.
            # (Removing the alias would take MANAGE; rollback needs only EDIT.)
            self._set_alias(model, previous_alias, before or previous)
            self._history(
                model,
                {"event": "rollback", "version": previous, "replaced": current, **audit, "at": now},
                now,
            )
        self._registry.tag_version(model, previous, {"mlgate.rolled_back_at": now})
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
        self._registry.tag_version(model, version, {k: v[:5000] for k, v in tags.items()})
        self._history(
            model,
            {"event": event, "version": version, "replaced": replaced, **audit, "at": now},
            now,
        )

    def _history(self, model: str, entry: Mapping[str, Any], now: str) -> None:
        # A sequence number keeps entries in order even within one second; the writer holds
        # the model's intent (see _intent), so no other promotion counts at the same time.
        sequence = sum(
            1 for key in (self._registered(model).tags or {}) if key.startswith(HISTORY_PREFIX)
        )
        stamp = now.replace(":", "").replace("-", "")
        key = f"{HISTORY_PREFIX}{sequence + 1:06d}.{stamp}.{entry['event']}"
        self._registry.tag_model(
            model,
            key,
            json.dumps(entry, sort_keys=True)[:5000],
            what=f"recording the history of {model}",
        )

    @contextmanager
    def _intent(
        self, model: str, *, alias: str, expected: str | None, target: str
    ) -> Iterator[None]:
        """Hold the right to move ``alias`` from ``expected`` to ``target`` (see the module's
        docstring); ProductionMoved when production moved or stays contended."""
        key = f"{INTENT_PREFIX}{uuid.uuid4().hex[:16]}"
        value = json.dumps({"version": target, "from": expected, "at": time.time()})
        deadline = time.monotonic() + INTENT_WAIT_S
        attempt = 0
        while True:
            attempt += 1
            self._registry.tag_model(model, key, value)
            holder, others = self._intents(model, alias, own=key)
            if holder == expected and not others:
                break
            self._untag_model(model, key)
            while holder == expected and others and time.monotonic() < deadline:
                time.sleep(INTENT_POLL_S)  # the other writer finishes, or its intent goes stale
                holder, others = self._intents(model, alias, own=key)
            if holder != expected:
                raise ProductionMoved(_moved(model, alias, expected, holder, target))
            if others:
                raise ProductionMoved(
                    f"another promotion of {model} (to version {others[0]}) is still in "
                    f"progress after {INTENT_WAIT_S} s; nothing was changed — rerun when it has "
                    f"finished (an intent older than {INTENT_TTL_S // 60} minutes is ignored), "
                    "and serialise promotions with concurrency: / resource_group:"
                )
            # Both withdrew at once: try again after a random pause, so one goes first.
            time.sleep(random.uniform(0.05, 0.3) * min(attempt, 8))
        try:
            yield
        except ServiceError as failed:
            try:
                self._untag_model(model, key)
            except ServiceError:
                raise ServiceError(
                    f"{failed}; the intent tag {key} stays on {model} (the registry refused "
                    f"its removal too): a rerun within {INTENT_TTL_S // 60} minutes waits for "
                    "it, or delete that tag first"
                ) from None
            raise
        self._untag_model(model, key)

    def _intents(self, model: str, alias: str, *, own: str) -> tuple[str | None, list[str]]:
        """Who holds ``alias`` now, and the versions other fresh intents move to (stale
        intents are removed)."""
        registered = self._registered(model)
        found = (registered.aliases or {}).get(alias)
        versions = []
        for key, value in (registered.tags or {}).items():
            if not key.startswith(INTENT_PREFIX) or key == own:
                continue
            try:
                intent = dict(json.loads(value))
                fresh = time.time() - float(intent["at"]) < INTENT_TTL_S
            except (ValueError, TypeError, KeyError):
                fresh = False
            if fresh:
                versions.append(str(intent.get("version")))
            else:
                self._untag_model(model, key)
        return (None if found is None else str(found)), versions

    def _untag_model(self, model: str, key: str) -> None:
        try:
            with self._registry.guard(
                f"removing tag {key} of {model}", needs=on_model("EDIT", model)
            ):
                self._client.delete_registered_model_tag(model, key)
        except NotFound:
            pass  # another writer removed it as stale

    def _set_alias(self, model: str, alias: str, version: str) -> None:
        self._registry.set_alias(model=model, alias=alias, version=version)

    def _version(self, model: str, version: str) -> Any:
        try:
            with self._registry.guard(
                f"reading models:/{model}/{version}", needs=on_model("READ", model)
            ):
                return self._client.get_model_version(model, version)
        except NotFound:
            raise InputError(f"models:/{model}/{version}: not found in the registry") from None


def _moved(model: str, alias: str, was: str | None, now: str | None, target: str) -> str:
    return (
        f"production moved under this promotion: models:/{model}@{alias} was "
        f"{_version_text(was)} when it started and is now {_version_text(now)}; nothing was "
        f"changed — evaluate version {target} against the new production model and approve "
        "it again"
    )


def _version_text(version: object) -> str:
    return "no version" if version is None else f"version {version}"
