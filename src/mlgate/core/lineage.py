"""Which version a rollback restores, read from mlgate's promotion history: the versions
production held, in order, as promotions pushed them and rollbacks took them off. A version
a rollback took off production is never restored by the next rollback — that would roll
forward — only by a new promotion.

History entries are what ``mlgate promote`` and ``rollback`` record on the registered model:
``{"event": "promote" | "rollback", "version": V, "replaced": R}``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class LineageError(Exception):
    """The history cannot say what to restore; the message says why and what to do."""


@dataclass(frozen=True, kw_only=True)
class Target:
    version: str  # what production goes back to
    before: str | None  # what held production before it (the new previous alias)


def production_stack(history: Sequence[Mapping[str, Any]]) -> list[str]:
    """The versions that held production, oldest first, the current one last."""
    stack: list[str] = []
    for entry in history:
        version = _text(entry.get("version"))
        replaced = _text(entry.get("replaced"))
        if version is None:
            continue
        if entry.get("event") == "promote":
            if not stack and replaced is not None:
                stack.append(replaced)
            if not stack or stack[-1] != version:
                stack.append(version)
        elif entry.get("event") == "rollback":
            while stack and stack[-1] != version:
                stack.pop()
            if not stack:
                stack.append(version)
    return stack


def rollback_target(history: Sequence[Mapping[str, Any]], *, current: str | None) -> Target:
    """The version before ``current`` in production's history, or a refusal."""
    stack = production_stack(history)
    if not stack:
        raise LineageError("the model has no promotion history: there is nothing to roll back to")
    if current is None or stack[-1] != current:
        raise LineageError(
            f"production is version {current or '(none)'}, but the promotion history ends at "
            f"version {stack[-1]}: the alias was moved outside mlgate. Check `mlgate history` "
            "and set the alias by hand"
        )
    if len(stack) < 2:
        raise LineageError(
            f"version {current} is the first version in the promotion history (`mlgate "
            "history`): there is no earlier production version to roll back to"
        )
    return Target(version=stack[-2], before=stack[-3] if len(stack) > 2 else None)


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
