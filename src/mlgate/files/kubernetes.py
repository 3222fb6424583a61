"""Kubernetes objects checked against the schemas the cluster would apply, before anything
leaves the machine: KServe's ``InferenceService``, Seldon Core 2's ``Model``, Argo
Rollouts' ``Rollout`` and ``AnalysisTemplate`` and Flagger's ``Canary`` against their
CRDs' ``openAPIV3Schema``, built-in kinds (Deployment, StatefulSet, …) against the
Kubernetes OpenAPI schema. The schemas are pinned data in ``schemas/k8s/`` (sources and
licences in its NOTICE.md); unknown fields are errors, as with ``kubectl apply
--validate=strict``."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

KeyPath = tuple[str | int, ...]
_FILES = {
    "serving.kserve.io": "kserve.json",
    "mlops.seldon.io": "seldon.json",
    "argoproj.io": "argo-rollouts.json",
    "flagger.app": "flagger.json",
}


@cache
def _load(name: str) -> dict[str, Any]:
    text = resources.files("mlgate.schemas").joinpath("k8s").joinpath(name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator(api_version: str, kind: str) -> Any | None:
    import jsonschema

    group = api_version.split("/", maxsplit=1)[0] if "/" in api_version else ""
    if group in _FILES:
        schema = _load(_FILES[group]).get(f"{api_version}/{kind}")
    else:
        built_in = _load("kubernetes.json")
        found = built_in["kinds"].get(f"{api_version}/{kind}")
        schema = None if found is None else {**found, "$defs": built_in["$defs"]}
    return None if schema is None else jsonschema.Draft202012Validator(schema)


def known_kind(doc: Mapping[str, Any]) -> bool:
    return _validator(str(doc.get("apiVersion", "")), str(doc.get("kind", ""))) is not None


def schema_problems(doc: Mapping[str, Any]) -> Iterator[tuple[KeyPath, str]]:
    """(key path, problem) for each way ``doc`` fails its kind's schema; nothing for a
    kind mlgate has no schema of (a Helm values file, a Kustomize patch)."""
    validator = _validator(str(doc.get("apiVersion", "")), str(doc.get("kind", "")))
    if validator is None:
        return
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.path))):
        yield tuple(error.absolute_path), _message(error)


def _message(error: Any) -> str:
    if error.validator == "additionalProperties" and error.validator_value is False:
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown field(s) {', '.join(map(repr, extra))} for this kind's schema"
    text = str(error.message)
    return text if len(text) <= 200 else text[:197] + "..."


def group_of(doc: Mapping[str, Any]) -> str:
    api_version = str(doc.get("apiVersion", ""))
    return api_version.split("/", maxsplit=1)[0] if "/" in api_version else ""


def schema_sources() -> dict[str, str]:
    """Which kinds are checked (for docs and the benchmark)."""
    kinds = {k: "kserve" for k in _load("kserve.json")}
    kinds.update({k: "seldon" for k in _load("seldon.json")})
    kinds.update({k: "argo-rollouts" for k in _load("argo-rollouts.json")})
    kinds.update({k: "flagger" for k in _load("flagger.json")})
    kinds.update({k: "kubernetes" for k in _load("kubernetes.json")["kinds"]})
    return kinds
