"""Rebuild the Kubernetes schemas `mlgate deploy` validates against, as pinned data.

    python scripts/vendor_k8s_schemas.py [--kserve CRD.yaml] [--seldon CRD.yaml] \
        [--kubernetes DIR] [--argo-rollouts DIR] [--flagger CRD.yaml] \
        [--out src/mlgate/schemas/k8s]

Each source given rebuilds its one file; the others are left as they are.

- ``--kserve``: kserve/kserve ``config/crd/full/serving.kserve.io_inferenceservices.yaml``
- ``--seldon``: SeldonIO/seldon-core ``operator/config/crd/bases/mlops.seldon.io_models.yaml``
- ``--kubernetes``: a ``vX.Y.Z-local-strict`` folder of the kubernetes-validate wheel
  (JSON Schemas generated from the Kubernetes OpenAPI document)
- ``--argo-rollouts``: argoproj/argo-rollouts ``manifests/crds/`` (Rollout, AnalysisTemplate,
  ClusterAnalysisTemplate: what ``examples/canary/`` and a deploy of a Rollout use)
- ``--flagger``: fluxcd/flagger ``artifacts/flagger/crd.yaml`` (Canary, MetricTemplate)

Descriptions are dropped (they are most of the bytes and validation never reads them).
CRD schemas become strict the way ``kubectl apply --validate=strict`` is: an object with
``properties`` rejects unknown fields unless it preserves them. Update the versions in
``src/mlgate/schemas/k8s/NOTICE.md`` with the sources you used.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

BUILT_IN = {
    "apps/v1/Deployment": "deployment-apps-v1.json",
    "apps/v1/StatefulSet": "statefulset-apps-v1.json",
    "apps/v1/DaemonSet": "daemonset-apps-v1.json",
    "batch/v1/Job": "job-batch-v1.json",
    "batch/v1/CronJob": "cronjob-batch-v1.json",
    "v1/ConfigMap": "configmap-v1.json",
    "v1/Pod": "pod-v1.json",
}
_REF_PREFIX = "/api/_definitions.json#/$defs/"


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict(v) for k, v in node.items()}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def crd_schemas(path: Path, kinds: frozenset[str] | None = None) -> dict[str, Any]:
    """Every served version's schema of the CRDs in ``path`` (one document or several),
    of ``kinds`` only when given."""
    out = {}
    for crd in yaml.safe_load_all(path.read_text()):
        if not crd or crd.get("kind") != "CustomResourceDefinition":
            continue
        group = crd["spec"]["group"]
        kind = crd["spec"]["names"]["kind"]
        if kinds is not None and kind not in kinds:
            continue
        for version in crd["spec"]["versions"]:
            if version.get("served", True):
                schema = version["schema"]["openAPIV3Schema"]
                out[f"{group}/{version['name']}/{kind}"] = _strict(_strip(schema))
    return out


ARGO_ROLLOUTS = (
    "rollout-crd.yaml",
    "analysis-template-crd.yaml",
    "cluster-analysis-template-crd.yaml",
)
FLAGGER_KINDS = frozenset({"Canary", "MetricTemplate"})


def argo_rollouts_schemas(folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ARGO_ROLLOUTS:
        out.update(crd_schemas(folder / name))
    return out


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node)) if node else set()
    return set()


def _name(ref: str) -> str:
    return ref.removeprefix(_REF_PREFIX).removeprefix("#/$defs/")


def _relink(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: ("#/$defs/" + _name(v)) if k == "$ref" else _relink(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_relink(v) for v in node]
    return node


def built_in_schemas(folder: Path) -> dict[str, Any]:
    definitions = json.loads((folder / "_definitions.json").read_text())["$defs"]
    kinds = {key: _strip(json.loads((folder / name).read_text())) for key, name in BUILT_IN.items()}
    wanted: set[str] = set()
    todo = [r for schema in kinds.values() for r in _refs(schema)]
    while todo:
        name = _name(todo.pop())
        if name in wanted:
            continue
        wanted.add(name)
        todo += _refs(definitions[name])
    return {
        "kinds": _relink(kinds),
        "$defs": {name: _relink(_strip(definitions[name])) for name in sorted(wanted)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kserve", type=Path)
    parser.add_argument("--seldon", type=Path)
    parser.add_argument("--kubernetes", type=Path)
    parser.add_argument("--argo-rollouts", type=Path)
    parser.add_argument("--flagger", type=Path)
    parser.add_argument("--out", type=Path, default=Path("src/mlgate/schemas/k8s"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    builders = {
        "kserve.json": (args.kserve, crd_schemas),
        "seldon.json": (args.seldon, crd_schemas),
        "kubernetes.json": (args.kubernetes, built_in_schemas),
        "argo-rollouts.json": (args.argo_rollouts, argo_rollouts_schemas),
        "flagger.json": (args.flagger, lambda path: crd_schemas(path, FLAGGER_KINDS)),
    }
    outputs = {name: build(source) for name, (source, build) in builders.items() if source}
    if not outputs:
        parser.error("name at least one source")
    for name, data in outputs.items():
        text = json.dumps(data, separators=(",", ":"), sort_keys=True)
        (args.out / name).write_text(text + "\n", encoding="utf-8")
        print(f"{args.out / name}: {len(text):,} bytes")


if __name__ == "__main__":
    main()
