"""What the registry holds before the gate writes anything: a registered model's aliases,
versions and promotion history (core/identity.py decides what they mean), the names a
typo was most likely meant as, a model's ``MLmodel`` file, and the version a run's model
was registered as already. A sibling of registry.py: it imports mlflow only inside
functions and goes through the Registry's guard for every call."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.adapters.registry_errors import NotFound, on_model
from mlgate.core.identity import ModelState
from mlgate.errors import InputError, ServiceError

if TYPE_CHECKING:
    from mlgate.adapters.registry import Registry

HISTORY_PREFIX = "mlgate.history."
_NAMES_LIMIT = 5000  # registered models read for a did-you-mean; a typo's target is there
_VERSIONS_PAGE = 200


def model_state(registry: Registry, model: str) -> ModelState:
    """The registered model's aliases, versions and whether mlgate ever promoted it."""
    client = registry.client
    try:
        with registry.guard(f"reading registered model {model}", needs=on_model("READ", model)):
            registered = client.get_registered_model(model)
    except NotFound:
        return ModelState(exists=False, aliases={})
    with registry.guard(f"listing the versions of {model}", needs=on_model("READ", model)):
        versions = client.search_model_versions(
            f"name='{quoted(model)}'", max_results=_VERSIONS_PAGE
        )
    tags = registered.tags or {}
    return ModelState(
        exists=True,
        aliases={str(k): str(v) for k, v in (registered.aliases or {}).items()},
        versions=tuple(str(v.version) for v in versions),
        promoted=any(key.startswith(HISTORY_PREFIX) for key in tags),
    )


def model_names(registry: Registry) -> list[str]:
    """The registry's registered model names (the first few thousand), for a did-you-mean."""
    client = registry.client
    names: list[str] = []
    token = None
    with registry.guard("listing registered models", needs="READ on registered models"):
        while len(names) < _NAMES_LIMIT:
            page = client.search_registered_models(max_results=1000, page_token=token)
            names.extend(str(m.name) for m in page)
            token = getattr(page, "token", None)
            if not token:
                break
    return names


def read_mlmodel(registry: Registry, location: str, *, what: str) -> dict[str, Any]:
    """The ``MLmodel`` document at ``location`` (a model's folder). A folder without one,
    or one that is not a YAML mapping, is an input error (exit 2) naming ``what``; a store
    that fails to answer is a service error (exit 3)."""
    import yaml

    root = location.rstrip("/")
    try:
        raw = _download_mlmodel(registry, root, what=what)
    except (NotFound, ServiceError) as exc:
        # Servers answer a missing file differently (not found, or a failed download):
        # the folder's listing tells a missing MLmodel from a store that failed.
        names = _listed(registry, root, what=what)
        if "MLmodel" in names and isinstance(exc, ServiceError):
            raise
        shown = ", ".join(sorted(names)[:5]) or "nothing"
        raise InputError(
            f"{what}: no MLmodel at {root} (it holds {shown}): this is not a logged MLflow "
            "model. Check the artifact path (runs:/RUN_ID/PATH names the folder the model "
            "was logged under, e.g. `model`)"
        ) from None
    try:
        document = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0][:200]
        raise InputError(f"{what}: its MLmodel at {root} is not readable YAML: {reason}") from None
    if not isinstance(document, dict) or not document:
        raise InputError(
            f"{what}: its MLmodel at {root} is empty or not a mapping: the model cannot load"
        )
    return document


def _download_mlmodel(registry: Registry, root: str, *, what: str) -> bytes:
    from mlflow.artifacts import download_artifacts

    with tempfile.TemporaryDirectory(prefix="mlgate-mlmodel-") as folder:
        with registry.guard(f"downloading the MLmodel of {what}"):
            path = download_artifacts(
                artifact_uri=f"{root}/MLmodel", dst_path=folder, tracking_uri=registry.tracking_uri
            )
        return Path(path).read_bytes()


def _listed(registry: Registry, root: str, *, what: str) -> set[str]:
    from mlflow.artifacts import list_artifacts

    try:
        with registry.guard(f"listing the files of {what}"):
            listed = list_artifacts(artifact_uri=root, tracking_uri=registry.tracking_uri)
    except NotFound:
        return set()
    return {Path(str(entry.path)).name for entry in listed or ()}


def signature_of(document: dict[str, Any]) -> dict[str, Any] | None:
    """The ``signature`` an MLmodel document carries (what ModelSignature.to_dict wrote)."""
    signature = document.get("signature")
    if not isinstance(signature, dict):
        return None
    return {key: signature.get(key) for key in ("inputs", "outputs", "params")}


def registered_from(registry: Registry, *, model: str, run_id: str, source: str) -> Any | None:
    """The version of ``model`` already registered from this run's model (same run, same
    source), so that re-running ``evaluate --register`` does not register it twice."""
    with registry.guard(f"searching the versions of {model}", needs=on_model("READ", model)):
        found = registry.client.search_model_versions(
            f"name='{quoted(model)}' and run_id='{quoted(run_id)}'", max_results=_VERSIONS_PAGE
        )
    same = [v for v in found if str(v.source) == source and str(v.run_id) == run_id]
    return max(same, key=lambda v: int(v.version)) if same else None


def quoted(text: str) -> str:
    """A value inside a single-quoted MLflow search filter."""
    return text.replace("\\", "\\\\").replace("'", "\\'")
