"""The manifests' new text for one deployment: each ``deploy.files`` entry's edits by its
kind (KServe, Seldon, key paths), made as text (files/manifests.py) and validated against
the kind's schema and KServe's admission rules before anything leaves the machine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mlgate.core.deploy import (
    ManifestSpec,
    kserve_admission,
    kserve_storage_paths,
    parse_key_path,
    render,
    storage_problem,
)
from mlgate.errors import InputError
from mlgate.files.manifests import Edit, Manifest, apply_edits, parse_manifest, value_at

KSERVE = ("serving.kserve.io", "InferenceService")
SELDON = ("mlops.seldon.io", "Model")


@dataclass(frozen=True, kw_only=True)
class FileChange:
    path: str
    before: str
    after: str
    old_uri: str | None  # what the manifest served before, where it says

    @property
    def changed(self) -> bool:
        return self.before != self.after


def plan_changes(
    files: tuple[ManifestSpec, ...],
    *,
    read: Callable[[str], str | None],
    where: str,
    fields: Mapping[str, str],
    rollback: bool,
) -> list[FileChange]:
    """Every file's change; InputError naming the file, document and key path when a file
    is missing, is not YAML, lacks its kind's fields or fails validation after the edit."""
    changes = []
    for spec in files:
        text = read(spec.path)
        if text is None:
            raise InputError(f"{where}:{spec.path}: no such file (deploy.files[].path)")
        manifest = parse_manifest(f"{where}:{spec.path}", text)
        edits, old_uri = _edits(manifest, spec, fields=fields, rollback=rollback)
        after = apply_edits(manifest, edits) if edits else text
        _validate(parse_manifest(manifest.source, after), {e.document for e in edits}, spec)
        changes.append(FileChange(path=spec.path, before=text, after=after, old_uri=old_uri))
    return changes


def _documents(manifest: Manifest, group_kind: tuple[str, str]) -> list[int]:
    return [
        index
        for index, doc in enumerate(manifest.data)
        if isinstance(doc, dict)
        and str(doc.get("apiVersion", "")).split("/")[0] == group_kind[0]
        and doc.get("kind") == group_kind[1]
    ]


def _edits(
    manifest: Manifest, spec: ManifestSpec, *, fields: Mapping[str, str], rollback: bool
) -> tuple[list[Edit], str | None]:
    uri = fields["uri"]
    edits: list[Edit] = []
    old: str | None = None
    if spec.kind in ("kserve", "seldon"):
        group_kind = KSERVE if spec.kind == "kserve" else SELDON
        found = _documents(manifest, group_kind)
        if not found:
            raise InputError(
                f"{manifest.source}: no {group_kind[1]} ({group_kind[0]}) in the file, but "
                f"deploy.files says kind: {spec.kind}"
            )
        for index in found:
            problem = storage_problem(uri, kind=spec.kind)
            if problem:
                raise manifest.error(index, (), f"cannot serve {uri!r}: {problem}")
            if spec.kind == "seldon":
                _require(manifest, index, ("spec", "storageUri"))
                old = old or _text(manifest, index, ("spec", "storageUri"))
                edits.append(Edit(document=index, path=("spec", "storageUri"), value=uri))
            else:
                found_edits, found_old = _kserve_edits(manifest, index, spec, uri, rollback)
                edits += found_edits
                old = old or found_old
    for key, template in spec.set:
        path = parse_key_path(key)
        value = render(template, fields)
        indexes = [i for i, doc in enumerate(manifest.data) if _has(doc, path)]
        if not indexes:
            raise manifest.error(
                0,
                path,
                "no document of the file has this key; mlgate edits values and does not "
                "invent structure — add it to the file, or fix deploy.files[].set",
            )
        for index in indexes:
            current = value_at(manifest, index, path)
            if isinstance(current, (dict, list)):
                raise manifest.error(index, path, "holds a mapping or a list, not a value")
            if old is None and template.strip() in ("{uri}", "{models_uri}", "{artifact_uri}"):
                old = None if current is None else str(current)
            edits.append(Edit(document=index, path=path, value=value))
    return edits, old


def _kserve_edits(
    manifest: Manifest, index: int, spec: ManifestSpec, uri: str, rollback: bool
) -> tuple[list[Edit], str | None]:
    """Serverless: the predictor's storageUri, and a staged rollout's
    ``canaryTrafficPercent`` (added with ``canary``; a rollback removes it, so the restored
    version takes all traffic at once). Raw deployment with ``spec.canary[]`` entries and
    ``canary``: the new version goes to the first entry with that share while the stable
    predictor keeps serving; a rollback restores the stable predictor and gives every canary
    entry 0."""
    doc = manifest.data[index]
    _require(manifest, index, ("spec", "predictor"))
    stable = _one_implementation(manifest, index, doc["spec"]["predictor"], ("spec", "predictor"))
    old = _text(manifest, index, stable)
    canaries = doc["spec"].get("canary")
    if isinstance(canaries, list) and canaries:
        if spec.canary is not None and not rollback:
            at = ("spec", "canary", 0, "predictor")
            first = canaries[0] if isinstance(canaries[0], dict) else {}
            path = _one_implementation(manifest, index, first.get("predictor"), at)
            return [
                Edit(document=index, path=path, value=uri),
                Edit(
                    document=index, path=("spec", "canary", 0, "trafficPercent"), value=spec.canary
                ),
            ], old
        edits = [Edit(document=index, path=stable, value=uri)]
        if rollback:
            edits += [
                Edit(document=index, path=("spec", "canary", n, "trafficPercent"), value=0)
                for n in range(len(canaries))
            ]
        return edits, old
    return [
        Edit(document=index, path=stable, value=uri),
        *_traffic(manifest, index, spec.canary, rollback=rollback),
    ], old


def _one_implementation(
    manifest: Manifest, index: int, predictor: Any, at: tuple[str | int, ...]
) -> tuple[str | int, ...]:
    paths = kserve_storage_paths(predictor, at)
    if len(paths) != 1:
        problem = (
            "names no model (a model: section, or one framework such as sklearn:)"
            if not paths
            else "names more than one implementation; KServe takes exactly one"
        )
        raise manifest.error(index, at, problem)
    return paths[0]


def _traffic(manifest: Manifest, index: int, canary: int | None, *, rollback: bool) -> list[Edit]:
    predictor = manifest.data[index]["spec"]["predictor"]
    here = "canaryTrafficPercent" in predictor
    key = ("spec", "predictor", "canaryTrafficPercent")
    if canary is None or rollback:
        return [Edit(document=index, path=key, remove=True)] if here else []
    return [Edit(document=index, path=key, value=canary, create=not here)]


def _require(manifest: Manifest, index: int, path: tuple[str | int, ...]) -> None:
    if not _has(manifest.data[index], path):
        raise manifest.error(
            index, path, "missing; the file does not have the field this kind's deploy edits"
        )


def _has(doc: Any, path: tuple[str | int, ...]) -> bool:
    for key in path:
        if isinstance(key, int):
            if not isinstance(doc, list) or not 0 <= key < len(doc):
                return False
        elif not isinstance(doc, dict) or key not in doc:
            return False
        doc = doc[key]
    return True


def _text(manifest: Manifest, index: int, path: tuple[str | int, ...]) -> str | None:
    try:
        value = value_at(manifest, index, path)
    except KeyError:
        return None
    return None if value is None else str(value)


def _validate(manifest: Manifest, edited: set[int], spec: ManifestSpec) -> None:
    from mlgate.files.kubernetes import schema_problems

    for index in sorted(edited):
        doc = manifest.data[index]
        if not isinstance(doc, dict):
            continue
        for path, problem in schema_problems(doc):
            raise manifest.error(index, path, f"fails its schema after the edit: {problem}")
        if spec.kind == "kserve" or (
            doc.get("kind"),
            str(doc.get("apiVersion", "")).split("/")[0],
        ) == (KSERVE[1], KSERVE[0]):
            for path, problem in kserve_admission(doc):
                raise manifest.error(index, path, f"KServe would refuse it: {problem}")
