"""What changed between baseline and candidate: parameters and the model signature.

Signatures are read in MLflow's form (``{"inputs": [...], "outputs": [...], "params": [...]}``,
each section a list or a JSON string of one, as in an ``MLmodel`` file). A change is
*breaking* when a caller that worked with the baseline can fail with the candidate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mlgate.core.verdict import ParamChange, SignatureChange

SECTIONS = ("inputs", "outputs", "params")

Columns = dict[str, dict[str, Any]]
Signature = dict[str, Columns]


class SignatureFormatError(ValueError):
    """The signature is not in MLflow's form; ``path`` says where (section, index)."""

    def __init__(self, path: tuple[str | int, ...], problem: str) -> None:
        where = "".join(f"[{p}]" if isinstance(p, int) else p for p in path)
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.problem = problem


def diff_params(baseline: Mapping[str, str], candidate: Mapping[str, str]) -> list[ParamChange]:
    if dict(baseline) == dict(candidate):
        return []  # deepdiff's import is costly (it pulls in pandas when installed)
    from deepdiff import DeepDiff

    diff = DeepDiff(dict(baseline), dict(candidate), view="tree", threshold_to_diff_deeper=0)
    changes: list[ParamChange] = []
    for kind, levels in diff.items():
        for level in levels:
            name = str(level.path(output_format="list")[0])
            before = None if kind == "dictionary_item_added" else baseline[name]
            after = None if kind == "dictionary_item_removed" else candidate[name]
            changes.append(ParamChange(name=name, before=before, after=after))
    return sorted(changes, key=lambda change: change.name)


def normalize_signature(raw: Mapping[str, Any]) -> Signature:
    """MLflow's signature dict → ``{section: {column: spec}}``; raises SignatureFormatError."""
    unknown = sorted(set(raw) - set(SECTIONS))
    if unknown:
        raise SignatureFormatError(
            (unknown[0],), "unknown signature section; expected inputs, outputs, params"
        )
    out: Signature = {}
    for section in SECTIONS:
        value = raw.get(section)
        if value is None:
            continue
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise SignatureFormatError((section,), f"not valid JSON ({exc.msg})") from None
        if not isinstance(value, list):
            raise SignatureFormatError((section,), "expected a list of column specs")
        out[section] = _columns(section, value)
    return out


def _columns(section: str, specs: list[Any]) -> Columns:
    columns: Columns = {}
    for index, spec in enumerate(specs):
        where = (section, index)
        if not isinstance(spec, dict):
            raise SignatureFormatError(where, "expected an object with at least 'type'")
        if "type" not in spec:
            raise SignatureFormatError(where, "missing 'type'")
        name = spec.get("name")
        key = str(name) if name is not None else f"[{index}]"
        if key in columns:
            raise SignatureFormatError(where, f"duplicate column {key!r}")
        columns[key] = {
            "type": _type_text(spec),
            "required": bool(spec.get("required", True)),
            "shape": json.dumps(spec.get("shape")) if "shape" in spec else None,
        }
    return columns


def _type_text(spec: Mapping[str, Any]) -> str:
    if spec["type"] == "tensor":
        dtype = (spec.get("tensor-spec") or {}).get("dtype", "?")
        return f"tensor<{dtype}>"
    rest = {k: v for k, v in spec.items() if k not in {"name", "required", "shape", "default"}}
    if set(rest) == {"type"}:
        return str(rest["type"])
    return json.dumps(rest, sort_keys=True, separators=(",", ":"))


def diff_signatures(
    baseline: Signature | None, candidate: Signature | None
) -> list[SignatureChange]:
    if baseline is None and candidate is None:
        return []
    if baseline is None or candidate is None:
        # A signature appearing is harmless. One disappearing is breaking: callers lose
        # the schema production enforced (inputs are no longer checked or converted), and
        # it most often means the candidate is not the model it was meant to be.
        return [
            SignatureChange(
                section="signature",
                column="(whole signature)",
                change="added" if baseline is None else "removed",
                before=None if baseline is None else "present",
                after=None if candidate is None else "present",
                breaking=candidate is None,
            )
        ]
    if baseline == candidate:
        return []
    from deepdiff import DeepDiff

    changes: list[SignatureChange] = []
    for section in SECTIONS:
        before, after = baseline.get(section, {}), candidate.get(section, {})
        if before == after:
            continue
        diff = DeepDiff(before, after, view="tree", threshold_to_diff_deeper=0)
        for kind, levels in diff.items():
            for level in levels:
                path = level.path(output_format="list")
                changes.append(_signature_change(section, kind, path, before, after))
    return sorted(changes, key=lambda c: (not c.breaking, SECTIONS.index(c.section), c.column))


def _signature_change(
    section: str, kind: str, path: list[Any], before: Columns, after: Columns
) -> SignatureChange:
    column = str(path[0])
    if kind == "dictionary_item_added" and len(path) == 1:
        spec = after[column]
        breaking = section == "inputs" and spec["required"]
        return SignatureChange(
            section=section,
            column=column,
            change="added",
            before=None,
            after=_spec_text(spec),
            breaking=breaking,
        )
    if kind == "dictionary_item_removed" and len(path) == 1:
        return SignatureChange(
            section=section,
            column=column,
            change="removed",
            before=_spec_text(before[column]),
            after=None,
            breaking=True,
        )
    attribute = str(path[1]) if len(path) > 1 else "type"
    old, new = before[column].get(attribute), after[column].get(attribute)
    if attribute == "required":
        # Only newly required inputs break callers; relaxing a requirement does not.
        breaking = section == "inputs" and bool(new) and not old
        return SignatureChange(
            section=section,
            column=column,
            change="required",
            before="required" if old else "optional",
            after="required" if new else "optional",
            breaking=breaking,
        )
    return SignatureChange(
        section=section,
        column=column,
        change=attribute,
        before=None if old is None else str(old),
        after=None if new is None else str(new),
        breaking=True,
    )


def _spec_text(spec: Mapping[str, Any]) -> str:
    text = str(spec["type"])
    if spec.get("shape"):
        text += f" {spec['shape']}"
    return text if spec["required"] else f"{text} (optional)"
