"""Drift reference data kept with a model version in the MLflow registry.

`mlgate promote` logs a size-capped sample of the training/feature data as an artifact of
the version's run (``mlgate/reference/``) and points the version's
``mlgate.drift_reference`` tag at it, so a drift check against ``@champion`` always
compares with the data of the model actually in production — a rollback included.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.adapters.registry import Registry
from mlgate.adapters.registry_errors import NotFound, on_model, on_run
from mlgate.core.refs import AliasRef, VersionRef
from mlgate.errors import InputError
from mlgate.files.tables import Sample

REFERENCE_TAG = "mlgate.drift_reference"
_RUNS_URI = re.compile(r"^runs:/([0-9a-f]{32})/(.+)$")


@dataclass(frozen=True, kw_only=True)
class StoredReference:
    uri: str
    rows: int
    source_rows: int
    sha256: str


@dataclass(frozen=True, kw_only=True)
class FetchedReference:
    path: Path
    label: str  # models:/NAME/VERSION (rows of source)
    version: str


class References:
    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._client = registry.client

    def store(self, *, model: str, version: str, sample: Sample, source: str) -> StoredReference:
        found = self._version(model, version)
        if not found.run_id:
            raise InputError(
                f"models:/{model}/{version} has no run to keep the drift reference with"
            )
        with self._registry.guard(
            f"logging the drift reference to run {found.run_id}",
            needs=on_run("EDIT", found.run_id),
        ):
            self._client.log_artifact(
                found.run_id, str(sample.path), artifact_path="mlgate/reference"
            )
        stored = StoredReference(
            uri=f"runs:/{found.run_id}/mlgate/reference/{sample.path.name}",
            rows=sample.rows,
            source_rows=sample.source_rows,
            sha256=hashlib.sha256(sample.path.read_bytes()).hexdigest(),
        )
        tags = {
            REFERENCE_TAG: stored.uri,
            f"{REFERENCE_TAG}.rows": f"{stored.rows} of {stored.source_rows}",
            f"{REFERENCE_TAG}.source": source[:500],
            f"{REFERENCE_TAG}.sha256": stored.sha256,
        }
        self._registry.tag_version(model, version, tags)
        return stored

    def fetch(self, ref: AliasRef | VersionRef, *, folder: Path) -> FetchedReference:
        """Download the reference stored with the version ``ref`` names."""
        version = self._resolve(ref)
        uri = (version.tags or {}).get(REFERENCE_TAG)
        where = f"models:/{ref.name}/{version.version}"
        if not uri:
            raise InputError(
                f"{where} ({ref.uri}) has no drift reference: promote it with drift.reference "
                "set in mlgate.yml, or pass --reference FILE"
            )
        match = _RUNS_URI.fullmatch(uri)
        if match is None:
            raise InputError(f"{where}: tag {REFERENCE_TAG} is not a runs:/ URI: {uri[:200]}")
        folder.mkdir(parents=True, exist_ok=True)
        with self._registry.guard(
            f"downloading the drift reference of {where}", needs=on_run("READ", match.group(1))
        ):
            local = self._client.download_artifacts(match.group(1), match.group(2), str(folder))
        rows = (version.tags or {}).get(f"{REFERENCE_TAG}.rows", "")
        label = f"{where}" + (f" ({rows} rows sampled)" if rows else "")
        return FetchedReference(path=Path(local), label=label, version=str(version.version))

    def _resolve(self, ref: AliasRef | VersionRef) -> Any:
        try:
            if isinstance(ref, VersionRef):
                return self._version(ref.name, ref.version)
            with self._registry.guard(
                f"reading registered model {ref.name}", needs=on_model("READ", ref.name)
            ):
                registered = self._client.get_registered_model(ref.name)
        except NotFound:
            raise InputError(f"{ref.uri}: not found in the registry") from None
        holder = (registered.aliases or {}).get(ref.alias)
        if holder is None:
            raise InputError(f"{ref.uri}: no version holds @{ref.alias} (no production model yet)")
        return self._version(ref.name, str(holder))

    def _version(self, model: str, version: str) -> Any:
        try:
            with self._registry.guard(
                f"reading {model} version {version}", needs=on_model("READ", model)
            ):
                return self._client.get_model_version(model, version)
        except NotFound:
            raise InputError(f"models:/{model}/{version}: not found in the registry") from None
