"""**The plan job** (``mlgate plan``): which models of a repository a change touches.

Every config the ``plan.configs`` globs find is one model; each is read and validated (one
malformed config fails the plan, naming its file — no model is dropped silently). The change
is git's diff from the merge base of ``--base`` to HEAD, read in full; ``core/plan.py``
matches it against each model's paths and the shared paths.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Mapping, Sequence
from pathlib import Path

from mlgate.core.plan import (
    ModelSpec,
    Plan,
    PlanError,
    Removed,
    check_unique,
    combined,
    make_plan,
)
from mlgate.errors import ConfigError, InputError
from mlgate.files.plan import read_plan_settings


def plan_repository(
    cwd: Path,
    *,
    base: str | None,
    everything: bool = False,
    shared: Sequence[str] = (),
    configs: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Plan:
    from mlgate.adapters import git

    root = git.repository_root(cwd)
    settings = read_plan_settings(root)
    config_globs = tuple(configs) or settings.configs
    shared_globs = (*settings.shared, *shared)
    finder = combined(config_globs)
    found = [f for f in git.listed_files(root) if finder.match(f) and (root / f).is_file()]
    models = read_models(root, found)
    if everything:
        return make_plan(models, (), shared=shared_globs, everything=True)
    ref = base or default_base(os.environ if env is None else env)
    commit = git.merge_base(root, ref)
    changed = git.changes(root, commit)
    removed = [
        Removed(model=_old_model(git.show(root, commit, path), path), config=path)
        for path in git.deleted(root, changed)
        if finder.match(path)
    ]
    return make_plan(
        models, changed, shared=shared_globs, removed=removed, base=ref, merge_base=commit
    )


def read_models(root: Path, configs: Sequence[str]) -> list[ModelSpec]:
    """Each config as a model; every malformed one is named (one line each)."""
    from mlgate.files.config import load_config

    models: list[ModelSpec] = []
    problems: list[str] = []
    for config in configs:
        try:
            loaded = load_config(root / config)
        except InputError as exc:
            problems.append(str(exc).replace(str(root) + os.sep, "", 1))
            continue
        folder = posixpath.dirname(config) or "."
        if not loaded.model:
            problems.append(f"{config}: model: missing; each planned config names its model")
            continue
        try:
            paths = tuple(_repository_glob(folder, p) for p in loaded.paths)
        except ValueError as exc:
            problems.append(f"{config}: paths: {exc}")
            continue
        models.append(ModelSpec(model=loaded.model, config=config, folder=folder, paths=paths))
    try:
        check_unique(models)
    except PlanError as exc:
        problems.append(str(exc))
    if problems:
        raise ConfigError("\n".join(problems))
    return models


def _repository_glob(folder: str, pattern: str) -> str:
    """A ``paths:`` glob relative to the config's folder as one relative to the root."""
    if pattern.startswith("/"):
        joined = pattern.lstrip("/")
    else:
        joined = posixpath.join("" if folder == "." else folder, pattern)
    normal = posixpath.normpath(joined) if joined else "."
    if normal == ".." or normal.startswith("../"):
        raise ValueError(f"{pattern!r} leaves the repository")
    return normal + ("/**" if pattern.endswith("/") else "")


def _old_model(text: bytes | None, path: str) -> str:
    """The model a deleted config named (its folder's name when it cannot be read)."""
    import yaml

    try:
        data = yaml.safe_load(text or b"")
    except yaml.YAMLError:
        data = None
    name = data.get("model") if isinstance(data, dict) else None
    return (
        name
        if isinstance(name, str) and name
        else posixpath.basename(posixpath.dirname(path)) or path
    )


def default_base(env: Mapping[str, str]) -> str:
    """What a change is compared with when --base is not given: the PR's or MR's target,
    else origin's default branch."""
    if env.get("GITHUB_BASE_REF"):
        return f"origin/{env['GITHUB_BASE_REF']}"
    if env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        return env["CI_MERGE_REQUEST_DIFF_BASE_SHA"]
    if env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"):
        return f"origin/{env['CI_MERGE_REQUEST_TARGET_BRANCH_NAME']}"
    if env.get("CI_DEFAULT_BRANCH"):
        return f"origin/{env['CI_DEFAULT_BRANCH']}"
    return "origin/HEAD"
