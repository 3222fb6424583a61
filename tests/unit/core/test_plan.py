from __future__ import annotations

import pytest

from mlgate.core.plan import (
    Change,
    ModelSpec,
    PlanError,
    Removed,
    make_plan,
    matches,
    shard,
)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("models/a/**", "models/a/x/y.py", True),
        ("models/a/**", "models/ab/y.py", False),
        ("models/a", "models/a/y.py", True),  # no wildcard: it and everything under it
        ("models/a", "models/a", True),
        ("**/mlgate.yml", "mlgate.yml", True),
        ("**/mlgate.yml", "a/b/mlgate.yml", True),
        ("models/*/mlgate.yml", "models/a/b/mlgate.yml", False),
        ("*.md", "README.md", True),
        ("*.md", "docs/README.md", False),
        ("data/?.csv", "data/1.csv", True),
        ("data/[ab].csv", "data/b.csv", True),
        ("data/[!ab].csv", "data/b.csv", False),
        ("data/[!ab].csv", "data/c.csv", True),
        ("data/[.csv", "data/[.csv", True),  # an unclosed class is a literal
        ("a+b/(x)", "a+b/(x)/y", True),  # regex characters are literal
        (".", "anything/at/all", True),
    ],
)
def test_globs(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path) is expected


def spec(name: str, *paths: str) -> ModelSpec:
    return ModelSpec(model=name, config=f"m/{name}/mlgate.yml", folder=f"m/{name}", paths=paths)


def test_folder_models_and_glob_models_are_matched_alike() -> None:
    models = [spec("b"), spec("a", "m/a/**", "shared/a.sql"), spec("c")]
    plan = make_plan(models, [Change(path="shared/a.sql"), Change(path="m/c/x.py")])
    assert [p.model for p in plan.planned] == ["a", "c"]


def test_a_rename_counts_both_paths() -> None:
    plan = make_plan([spec("a"), spec("b")], [Change(path="m/b/x.py", old_path="m/a/x.py")])
    assert [p.model for p in plan.planned] == ["a", "b"]


def test_removed_models_that_still_exist_elsewhere_are_not_removed() -> None:
    removed = [Removed(model="a", config="old/a/mlgate.yml"), Removed(model="z", config="z.yml")]
    plan = make_plan([spec("a")], [], removed=removed)
    assert [r.model for r in plan.removed] == ["z"]


def test_duplicate_model_names_are_refused() -> None:
    with pytest.raises(PlanError, match="also configured by"):
        make_plan([spec("a"), ModelSpec(model="a", config="x/mlgate.yml", folder="x")], [])


def test_shards_interleave_and_cover_the_plan() -> None:
    plan = make_plan([spec(f"m{i:02d}") for i in range(7)], [], everything=True)
    slices = [shard(plan, k, 3) for k in (1, 2, 3)]
    names = sorted(p.model for s in slices for p in s.planned)
    assert names == [p.model for p in plan.planned]
    assert [len(s.planned) for s in slices] == [3, 2, 2]
    with pytest.raises(PlanError):
        shard(plan, 4, 3)
