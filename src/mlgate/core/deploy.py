"""What ``mlgate deploy`` changes, decided on plain data: the ``deploy:`` settings, the URI
a version is served from, the templates of ``files[].set``, the branch a change is
proposed on, and the admission rules KServe's webhook would apply (the schema cannot say
them). The YAML text itself is edited in ``files/manifests.py``."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

KINDS = ("kserve", "seldon", "set")
URI_FIELDS = ("name", "version", "run_id", "artifact_uri", "models_uri")
SET_FIELDS = (*URI_FIELDS, "uri", "environment")

# What KServe's storage initializer reads (SupportedStorageURIPrefixList in kserve's
# pkg/controller/v1beta1/inferenceservice/utils/utils.go), plus Azure Blob over https.
KSERVE_SCHEMES = (
    "gs://",
    "s3://",
    "pvc://",
    "file://",
    "https://",
    "http://",
    "hdfs://",
    "webhdfs://",
    "oci://",
    "oci+native://",
    "oci+fetch://",
    "hf://",
)
# Only an MLflow client can resolve these; no serving platform's downloader can.
MLFLOW_ONLY_SCHEMES = ("models:", "runs:", "mlflow-artifacts:", "dbfs:")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_KEY_PART = re.compile(r'\.?([^.\[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')


@dataclass(frozen=True, kw_only=True)
class ManifestSpec:
    """One entry of ``deploy.files``."""

    path: str
    kind: str  # kserve | seldon | set
    set: tuple[tuple[str, str], ...] = ()  # (key path, template)
    canary: int | None = None  # kserve: the share of traffic a new version starts with


@dataclass(frozen=True, kw_only=True)
class DispatchSpec:
    """``deploy.dispatch``: start the team's deploy pipeline instead of opening a PR/MR."""

    event_type: str = "mlgate-deploy"
    ref: str = "main"  # GitLab: the branch the triggered pipeline runs on


@dataclass(frozen=True, kw_only=True)
class DeploySettings:
    repository: str | None = None  # None: the repository mlgate runs in
    path: str | None = None  # a local checkout (for --dry-run)
    branch: str = "main"
    environment: str | None = None  # None: the production alias
    uri: str = "artifact"  # artifact | models | a template
    files: tuple[ManifestSpec, ...] = ()
    auto_merge: bool = False
    dispatch: DispatchSpec | None = None


@dataclass(frozen=True, kw_only=True)
class Target:
    """The version to deploy and where it is served from."""

    model: str
    version: str
    uri: str
    run_id: str | None = None
    artifact_uri: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """An open pull/merge request on the deployment repository."""

    number: int
    url: str
    title: str = ""
    body: str = ""


class TemplateError(ValueError):
    """A template names a placeholder that does not exist, or has a lone brace."""


def placeholders(template: str) -> list[str]:
    """The names a template uses; ``{{`` and ``}}`` are literal braces."""
    text = template.replace("{{", "").replace("}}", "")
    names = _PLACEHOLDER.findall(text)
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        raise TemplateError("a lone { or }; write {{ or }} for a literal brace")
    return names


def check_template(template: str, allowed: Sequence[str]) -> None:
    for name in placeholders(template):
        if name not in allowed:
            raise TemplateError(
                f"unknown placeholder {{{name}}}; use one of "
                + ", ".join(f"{{{a}}}" for a in allowed)
            )


def render(template: str, fields: Mapping[str, str]) -> str:
    """``template`` with each ``{name}`` replaced by its field (checked names only: no
    attribute access, no format specs, nothing evaluated)."""
    check_template(template, list(fields))
    parts = template.split("{{")
    out = []
    for part in parts:
        pieces = part.split("}}")
        out.append("}".join(_PLACEHOLDER.sub(lambda m: fields[m.group(1)], p) for p in pieces))
    return "{".join(out)


def served_uri(setting: str, fields: Mapping[str, str | None]) -> str:
    """The URI serving reads: ``artifact``, ``models`` or a template over URI_FIELDS.
    ValueError when the version has no artifact location to give."""
    present = {k: v for k, v in fields.items() if v}
    if setting == "models":
        return str(present["models_uri"])
    if setting == "artifact":
        if "artifact_uri" not in present:
            raise ValueError("the version has no artifact location (deploy.uri: artifact)")
        return str(present["artifact_uri"])
    missing = [n for n in placeholders(setting) if n not in present]
    if missing:
        raise ValueError(f"the version has no {missing[0]} for deploy.uri {setting!r}")
    return render(setting, {k: str(v) for k, v in present.items()})


def parse_key_path(text: str) -> tuple[str | int, ...]:
    """``model.uri`` → ("model", "uri"); ``spec.containers[0].args[2]`` takes list items;
    ``annotations["serving.kserve.io/x"]`` a key with dots. ValueError when malformed."""
    parts: list[str | int] = []
    position = 0
    while position < len(text):
        match = _KEY_PART.match(text, position)
        if match is None or (match.group(1) is not None and position and text[position] != "."):
            raise ValueError(f"cannot read key path {text!r} at character {position + 1}")
        if match.group(1) is not None:
            parts.append(match.group(1))
        elif match.group(2) is not None:
            parts.append(int(match.group(2)))
        else:
            parts.append(re.sub(r"\\(.)", r"\1", match.group(3)))
        position = match.end()
    if not parts or (text.startswith(".") or text.endswith(".")):
        raise ValueError(f"cannot read key path {text!r}")
    return tuple(parts)


def branch_name(model: str, environment: str) -> str:
    """``mlgate/deploy/<model>/<environment>``, each part a safe git ref component; a part
    that had to be changed carries a hash of the original so two names never collide."""
    return f"mlgate/deploy/{_ref_part(model)}/{_ref_part(environment)}"


def _ref_part(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:60] or "x"
    if slug != text:
        slug += "-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return slug


def storage_problem(uri: str, *, kind: str) -> str | None:
    """Why serving of ``kind`` cannot read ``uri`` (None: it can)."""
    if uri.startswith(MLFLOW_ONLY_SCHEMES):
        return (
            f"{uri.split(':', maxsplit=1)[0]}: URIs are read only by MLflow clients, not by "
            f"{'KServe' if kind == 'kserve' else 'Seldon'}'s downloader; serve the "
            "registry's artifacts from a bucket (deploy.uri: artifact) or give a template"
        )
    if kind == "kserve" and "://" in uri and not uri.startswith(KSERVE_SCHEMES):
        return f"KServe's storage initializer reads {', '.join(KSERVE_SCHEMES)} only"
    if any(ch in uri for ch in "\n\r\t ") or not uri:
        return "a storage URI has no spaces or line breaks"
    return None


def kserve_admission(doc: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """The rules KServe's validating webhook applies beyond the CRD schema, as
    (key path, problem) pairs (inference_service_validation.go, validateCanarySpecs)."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    spec = _mapping(doc.get("spec"))
    predictor = _mapping(spec.get("predictor"))
    percent = predictor.get("canaryTrafficPercent")
    if isinstance(percent, int) and not 0 <= percent <= 100:
        problems.append((("spec", "predictor", "canaryTrafficPercent"), "must be 0 to 100"))
    canaries = spec.get("canary") or []
    if not isinstance(canaries, list):
        return problems
    names: set[str] = set()
    total = 0
    mode = _mapping(_mapping(doc.get("metadata")).get("annotations")).get(
        "serving.kserve.io/deploymentMode"
    )
    if canaries and mode not in ("Standard", "RawDeployment"):
        problems.append((("spec", "canary"), "spec.canary needs the Standard deployment mode"))
    for index, canary in enumerate(canaries):
        if not isinstance(canary, Mapping):
            continue
        name = _mapping(canary.get("predictor")).get("name")
        where = ("spec", "canary", index, "predictor", "name")
        if not name:
            problems.append((where, "a canary predictor needs a name"))
        elif name in names:
            problems.append((where, f"canary name {name!r} is used twice"))
        elif name == predictor.get("name"):
            problems.append((where, f"canary name {name!r} is the stable predictor's"))
        names.add(str(name))
        traffic = canary.get("trafficPercent")
        total += traffic if isinstance(traffic, int) else 0
    if total > 100:
        problems.append((("spec", "canary"), f"the canaries' trafficPercent adds up to {total}"))
    return problems


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


FRAMEWORKS = (
    "model",
    "sklearn",
    "xgboost",
    "lightgbm",
    "tensorflow",
    "pytorch",
    "triton",
    "onnx",
    "pmml",
    "paddle",
    "huggingface",
)


def kserve_storage_paths(
    predictor: Any, at: tuple[str | int, ...] = ("spec", "predictor")
) -> list[tuple[str | int, ...]]:
    """Where a predictor (at key path ``at``) names its model: ``<at>.model.storageUri`` or
    ``<at>.<framework>.storageUri``; KServe takes exactly one implementation."""
    if not isinstance(predictor, Mapping):
        return []
    return [(*at, f, "storageUri") for f in FRAMEWORKS if f in predictor]
