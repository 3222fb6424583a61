"""Which models a change touches, decided from plain data. Pure: the plan job lists the
configs and reads the git diff; this module matches paths and says what runs, in a
deterministic order.

A model is one ``mlgate.yml``. Its paths are globs relative to the repository root
(``paths:`` in the config, relative to its folder, joined by the files layer); a model with
none owns its folder. A changed path selects every model whose globs match it; a changed
*shared* path selects every model. A rename counts as a change of both its paths.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

GITHUB_MATRIX_LIMIT = 256  # jobs one matrix may generate


@dataclass(frozen=True, kw_only=True)
class ModelSpec:
    model: str
    config: str  # repository-relative, posix
    folder: str  # the config's folder ('.' at the root)
    paths: tuple[str, ...] = ()  # repository-relative globs; empty: the folder


@dataclass(frozen=True, kw_only=True)
class Change:
    path: str
    old_path: str | None = None  # the path before a rename or copy


@dataclass(frozen=True, kw_only=True)
class Planned:
    model: str
    config: str
    working_directory: str
    reason: str  # why it runs, in words: "2 changed files (models/a/train.py, …)"


@dataclass(frozen=True, kw_only=True)
class Removed:
    model: str
    config: str


@dataclass(frozen=True, kw_only=True)
class Plan:
    planned: tuple[Planned, ...]
    removed: tuple[Removed, ...] = ()
    models: int = 0  # models in the repository
    changed_files: int = 0
    base: str | None = None  # the ref asked for
    merge_base: str | None = None  # the commit compared with
    everything: bool = False  # --all
    shard: tuple[int, int] | None = None  # (k, n): the k-th of n slices
    shared: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.planned


class PlanError(ValueError):
    """The models cannot be planned as configured (two configs name one model, say)."""


def make_plan(
    models: Sequence[ModelSpec],
    changes: Iterable[Change],
    *,
    shared: Sequence[str] = (),
    everything: bool = False,
    removed: Sequence[Removed] = (),
    base: str | None = None,
    merge_base: str | None = None,
) -> Plan:
    """The models ``changes`` touch (all of them with ``everything`` or a shared path)."""
    check_unique(models)
    paths = sorted({p for c in changes for p in (c.path, c.old_path) if p})
    shared_hit = _first_match(shared, paths)
    planned: list[Planned] = []
    if everything or shared_hit is not None:
        reason = "--all" if everything else f"shared path changed: {shared_hit}"
        planned = [_planned(spec, reason) for spec in models]
    else:
        touched = touched_paths(models, paths)
        planned = [
            _planned(spec, _reason(touched[spec.config])) for spec in models if touched[spec.config]
        ]
    current = {spec.model for spec in models}
    gone = {(r.model, r.config): r for r in removed if r.model not in current}
    return Plan(
        planned=tuple(sorted(planned, key=lambda p: (p.model, p.config))),
        removed=tuple(sorted(gone.values(), key=lambda r: (r.model, r.config))),
        models=len(models),
        changed_files=len(paths),
        base=base,
        merge_base=merge_base,
        everything=everything,
        shared=tuple(shared),
    )


def shard(plan: Plan, k: int, n: int) -> Plan:
    """The k-th (1-based) of n interleaved slices of the planned models; removed models are
    listed in the first slice only."""
    if not 1 <= k <= n:
        raise PlanError(f"--shard {k}/{n}: K must be between 1 and N")
    return Plan(
        planned=plan.planned[k - 1 :: n],
        removed=plan.removed if k == 1 else (),
        models=plan.models,
        changed_files=plan.changed_files,
        base=plan.base,
        merge_base=plan.merge_base,
        everything=plan.everything,
        shard=(k, n),
        shared=plan.shared,
    )


def touched_paths(models: Sequence[ModelSpec], paths: Sequence[str]) -> dict[str, list[str]]:
    """Each model's config → the changed paths that belong to it, in order.

    Models that own their folder are found by walking each path's parent folders (a dict
    lookup per level); only models with globs run a regex over every path."""
    by_folder: dict[str, list[ModelSpec]] = {}
    globbed: list[ModelSpec] = []
    for spec in models:
        if spec.paths:
            globbed.append(spec)
        else:
            by_folder.setdefault(_folder_key(spec.folder), []).append(spec)
    touched: dict[str, list[str]] = {spec.config: [] for spec in models}
    everywhere = by_folder.get("", [])
    for path in paths:
        for spec in everywhere:
            touched[spec.config].append(path)
        folder = posixpath.dirname(path)
        while folder:
            for spec in by_folder.get(folder, ()):
                touched[spec.config].append(path)
            folder = posixpath.dirname(folder)
    for spec in globbed:
        pattern = combined(spec.paths)
        touched[spec.config].extend(p for p in paths if pattern.match(p))
    return touched


def matches(pattern: str, path: str) -> bool:
    return combined((pattern,)).match(path) is not None


@lru_cache(maxsize=4096)
def combined(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching a path when any of ``patterns`` does."""
    return re.compile("|".join(f"(?:{glob_regex(p)})" for p in patterns) + r"\Z")


def glob_regex(pattern: str) -> str:
    """A repository glob as a regex body: ``*`` and ``?`` stay within one folder, ``**``
    spans folders, ``[...]`` is a class; a pattern without wildcards also matches everything
    under it (``data`` means the folder too)."""
    pattern = pattern.strip("/") if pattern not in ("", "/") else ""
    if not pattern or pattern == ".":
        return ".*"
    parts = pattern.split("/")
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:[^/]+/)*")
            continue
        out.append(_segment(part) + ("" if last else "/"))
    body = "".join(out)
    if not any(ch in pattern for ch in "*?["):
        body += "(?:/.*)?"
    return body


def _segment(part: str) -> str:
    out, i = [], 0
    while i < len(part):
        ch = part[i]
        end = _class_end(part, i) if ch == "[" else -1
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif end > 0:
            inner = part[i + 1 : end]
            negate = inner.startswith("!")
            inner = re.sub(r"([\\^\]])", r"\\\1", inner[1:] if negate else inner)
            out.append("[" + ("^/" if negate else "") + inner + "]")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _class_end(part: str, start: int) -> int:
    """Where the ``[...]`` class opened at ``start`` closes; -1 when it does not."""
    i = start + 1
    if part[i : i + 1] == "!":
        i += 1
    if part[i : i + 1] == "]":
        i += 1
    return part.find("]", i)


def _first_match(patterns: Sequence[str], paths: Sequence[str]) -> str | None:
    if not patterns:
        return None
    pattern = combined(tuple(patterns))
    return next((p for p in paths if pattern.match(p)), None)


def _folder_key(folder: str) -> str:
    return "" if folder in ("", ".") else folder.strip("/")


def _planned(spec: ModelSpec, reason: str) -> Planned:
    return Planned(
        model=spec.model, config=spec.config, working_directory=spec.folder, reason=reason
    )


def _reason(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:3]) + (", …" if len(paths) > 3 else "")
    return f"{len(paths)} changed file{'s' if len(paths) != 1 else ''} ({shown})"


def check_unique(models: Sequence[ModelSpec]) -> None:
    seen: dict[str, str] = {}
    for spec in models:
        if spec.model in seen:
            raise PlanError(
                f"{spec.config}: model {spec.model!r} is also configured by {seen[spec.model]}; "
                "each model needs exactly one mlgate.yml"
            )
        seen[spec.model] = spec.config
