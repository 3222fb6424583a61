"""``mlgate-plan.yml`` (where the models are, which paths are shared) and the plan files
``mlgate plan`` writes and ``mlgate summary`` reads back: its JSON, or the GitHub matrix."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.core.plan import Plan, Planned, Removed
from mlgate.errors import ConfigError, InputError
from mlgate.files.documents import describe_value, load_document

SETTINGS_NAME = "mlgate-plan.yml"
DEFAULT_CONFIGS = ("**/mlgate.yml",)
PLAN_KIND = "mlgate-plan"


@dataclass(frozen=True, kw_only=True)
class PlanSettings:
    configs: tuple[str, ...] = DEFAULT_CONFIGS
    shared: tuple[str, ...] = ()
    source: str | None = None


def read_plan_settings(root: Path) -> PlanSettings:
    """``mlgate-plan.yml`` at the repository root; the defaults when there is none."""
    path = root / SETTINGS_NAME
    if not path.is_file():
        return PlanSettings()
    document = load_document(path, what="plan settings")
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict) or set(data) - {"plan"}:
        raise document.error(
            (), "expected one section, plan: (with configs: and shared:)", ConfigError
        )
    section = data.get("plan") or {}
    if not isinstance(section, dict):
        raise document.error(("plan",), "expected a mapping with configs: and shared:", ConfigError)
    unknown = sorted(set(section) - {"configs", "shared"})
    if unknown:
        raise document.error(
            ("plan", str(unknown[0])), "unknown key; allowed: configs, shared", ConfigError
        )
    configs = section.get("configs", list(DEFAULT_CONFIGS))
    if isinstance(configs, str):
        configs = [configs]
    return PlanSettings(
        configs=_globs(document, ("plan", "configs"), configs),
        shared=_globs(document, ("plan", "shared"), section.get("shared", [])),
        source=document.source,
    )


def _globs(document: Any, path: tuple[str, ...], value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise document.error(
            path, f"expected a list of globs, got {describe_value(value)}", ConfigError
        )
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or any(ord(c) < 32 for c in item):
            raise document.error(
                (*path, index), f"expected a glob (text), got {describe_value(item)}", ConfigError
            )
    return tuple(value)


def plan_dict(plan: Plan) -> dict[str, Any]:
    return {
        "kind": PLAN_KIND,
        "planned": [
            {
                "model": p.model,
                "config": p.config,
                "working-directory": p.working_directory,
                "reason": p.reason,
            }
            for p in plan.planned
        ],
        "removed": [{"model": r.model, "config": r.config} for r in plan.removed],
        "models": plan.models,
        "changed_files": plan.changed_files,
        "base": plan.base,
        "merge_base": plan.merge_base,
        "all": plan.everything,
        "shard": list(plan.shard) if plan.shard else None,
    }


def read_plan(path: Path) -> Plan:
    """A plan ``mlgate plan`` printed: its JSON, or the GitHub matrix (``{"include": …}``)."""
    document = load_document(path, what="plan")
    return parse_plan(document.data, source=document.source)


def read_plans(paths: Sequence[Path]) -> Plan:
    """One plan from several (the slices of a plan split with --shard), in order."""
    plans = [read_plan(path) for path in paths]
    planned = tuple(p for plan in plans for p in plan.planned)
    removed = tuple(r for plan in plans for r in plan.removed)
    return Plan(planned=planned, removed=removed, models=len(planned))


def parse_plan(data: Any, *, source: str) -> Plan:
    if isinstance(data, dict) and "include" in data and "planned" not in data:
        entries, key = data["include"], "include"
    elif isinstance(data, dict) and data.get("kind") == PLAN_KIND:
        entries, key = data.get("planned"), "planned"
    else:
        raise InputError(
            f"{source}: not a plan: expected the JSON or the GitHub matrix mlgate plan printed"
        )
    if not isinstance(entries, list):
        raise InputError(f"{source}: {key}: expected a list of models")
    planned = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("model"), str):
            raise InputError(f"{source}: {key}[{index}]: expected an object with a model name")
        planned.append(
            Planned(
                model=entry["model"],
                config=str(entry.get("config", "")),
                working_directory=str(entry.get("working-directory", ".")),
                reason=str(entry.get("reason", "")),
            )
        )
    removed = []
    listed = data.get("removed") or []
    if not isinstance(listed, list):
        raise InputError(f"{source}: removed: expected a list of models")
    for index, entry in enumerate(listed):
        if not isinstance(entry, dict) or not isinstance(entry.get("model"), str):
            raise InputError(f"{source}: removed[{index}]: expected an object with a model name")
        removed.append(Removed(model=entry["model"], config=str(entry.get("config", ""))))
    return Plan(planned=tuple(planned), removed=tuple(removed), models=len(planned))


def plan_json(plan: Plan) -> str:
    return json.dumps(plan_dict(plan), indent=2, ensure_ascii=False) + "\n"
