"""mlgate plan on a real git repository of 30 model folders: the diff from the merge base
is read with git, matched against each model's paths and the shared ones."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mlgate.errors import ConfigError, InputError
from mlgate.plan import plan_repository

MODELS = [f"model-{i:02d}" for i in range(30)]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=dev@example.com", "-c", "user.name=dev", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """main: 30 models under models/, one with paths: reaching data/, shared libs/."""
    repo = tmp_path_factory.mktemp("monorepo")
    git(repo, "init", "-q", "-b", "main")
    for name in MODELS:
        folder = repo / "models" / name
        folder.mkdir(parents=True)
        extra = "paths: ['.', '../../data/m29/**']\n" if name == "model-29" else ""
        (folder / "mlgate.yml").write_text(f"model: {name}\n{extra}")
        (folder / "train.py").write_text("print('train')\n")
    (repo / "data" / "m29").mkdir(parents=True)
    (repo / "data" / "m29" / "rows.csv").write_text("a\n1\n")
    (repo / "libs").mkdir()
    (repo / "libs" / "features.py").write_text("X = 1\n")
    (repo / "README.md").write_text("docs\n")
    (repo / "mlgate-plan.yml").write_text("plan:\n  shared: ['libs/**']\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "main")
    git(repo, "checkout", "-qb", "feature")
    return repo


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    subprocess.run(["cp", "-a", str(template), str(copy)], check=True)
    return copy


def commit(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "change")


def planned(repo: Path, **kwargs: object) -> list[str]:
    plan = plan_repository(repo, base=kwargs.pop("base", "main"), **kwargs)  # type: ignore[arg-type]
    return [p.model for p in plan.planned]


def test_changes_to_three_models_plan_exactly_those_three(repo: Path) -> None:
    for name in ("model-03", "model-17", "model-25"):
        (repo / "models" / name / "train.py").write_text("print('v2')\n")
    (repo / "README.md").write_text("more docs\n")
    commit(repo)
    plan = plan_repository(repo / "models", base="main")  # any folder of the repository
    assert [p.model for p in plan.planned] == ["model-03", "model-17", "model-25"]
    assert [p.working_directory for p in plan.planned] == [
        "models/model-03",
        "models/model-17",
        "models/model-25",
    ]
    assert plan.planned[0].config == "models/model-03/mlgate.yml"
    assert plan.planned[0].reason == "1 changed file (models/model-03/train.py)"
    assert plan.models == 30 and plan.changed_files == 4 and plan.removed == ()


def test_a_shared_path_plans_all_thirty(repo: Path) -> None:
    (repo / "libs" / "features.py").write_text("X = 2\n")
    commit(repo)
    plan = plan_repository(repo, base="main")
    assert [p.model for p in plan.planned] == MODELS
    assert plan.planned[0].reason == "shared path changed: libs/features.py"


def test_a_shared_glob_from_the_command_line_plans_all(repo: Path) -> None:
    (repo / "README.md").write_text("changed\n")
    commit(repo)
    assert planned(repo) == []
    assert planned(repo, shared=("*.md",)) == MODELS


def test_a_deleted_folder_is_listed_as_removed_not_planned(repo: Path) -> None:
    git(repo, "rm", "-rq", "models/model-07")
    commit(repo)
    plan = plan_repository(repo, base="main")
    assert plan.planned == ()
    assert [(r.model, r.config) for r in plan.removed] == [
        ("model-07", "models/model-07/mlgate.yml")
    ]
    assert plan.models == 29


def test_a_malformed_config_fails_the_plan_naming_its_file(repo: Path) -> None:
    (repo / "models" / "model-11" / "mlgate.yml").write_text("model: model-11\nmetrics: [1\n")
    (repo / "models" / "model-12" / "mlgate.yml").write_text("model: model-12\nmetricz: {}\n")
    commit(repo)
    with pytest.raises(ConfigError) as caught:
        plan_repository(repo, base="main")
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("models/model-11/mlgate.yml")
    assert lines[1].startswith("models/model-12/mlgate.yml:2: metricz: unknown key")


def test_two_configs_naming_one_model_fail_the_plan(repo: Path) -> None:
    (repo / "models" / "model-12" / "mlgate.yml").write_text("model: model-11\n")
    with pytest.raises(ConfigError, match="model 'model-11' is also configured by"):
        plan_repository(repo, base="main")


def test_all_plans_all_thirty_without_reading_a_diff(repo: Path) -> None:
    plan = plan_repository(repo, base="no-such-ref", everything=True)
    assert [p.model for p in plan.planned] == MODELS
    assert plan.everything and plan.merge_base is None


def test_a_rename_across_models_plans_both(repo: Path) -> None:
    git(repo, "mv", "models/model-04/train.py", "models/model-21/train_v2.py")
    commit(repo)
    assert planned(repo) == ["model-04", "model-21"]


def test_paths_outside_the_folder_belong_to_the_model(repo: Path) -> None:
    (repo / "data" / "m29" / "rows.csv").write_text("a\n2\n")
    commit(repo)
    assert planned(repo) == ["model-29"]


def test_the_plan_is_the_same_on_every_run(repo: Path) -> None:
    for name in reversed(MODELS[:10]):
        (repo / "models" / name / "train.py").write_text("print('v3')\n")
    commit(repo)
    first = plan_repository(repo, base="main")
    assert [p.model for p in first.planned] == MODELS[:10]
    assert plan_repository(repo, base="main") == first


def test_an_unchanged_branch_has_an_empty_plan(repo: Path) -> None:
    plan = plan_repository(repo, base="main")
    assert plan.empty and plan.changed_files == 0


def test_an_unknown_base_says_how_to_fetch_it(repo: Path) -> None:
    with pytest.raises(InputError, match="--base 'origin/main' is not a commit here; fetch it"):
        plan_repository(repo, base="origin/main")


def test_a_base_that_looks_like_an_option_is_refused(repo: Path) -> None:
    with pytest.raises(InputError, match="not a git ref"):
        plan_repository(repo, base="--output=/tmp/x")


def test_a_config_without_a_model_name_is_named(repo: Path) -> None:
    (repo / "models" / "model-05" / "mlgate.yml").write_text("baseline: champion\n")
    with pytest.raises(ConfigError, match=r"^models/model-05/mlgate.yml: model: missing"):
        plan_repository(repo, base="main")


def test_paths_leaving_the_repository_are_refused(repo: Path) -> None:
    (repo / "models" / "model-05" / "mlgate.yml").write_text(
        "model: model-05\npaths: ['../../../etc/**']\n"
    )
    with pytest.raises(
        ConfigError, match=r"paths: '\.\./\.\./\.\./etc/\*\*' leaves the repository"
    ):
        plan_repository(repo, base="main")
