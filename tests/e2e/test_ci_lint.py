"""The CI files are security-clean and valid: zizmor (offline), actionlint with shellcheck,
shellcheck on the action's scripts, and check-jsonschema against the vendored GitHub and
GitLab schemas (the GitLab pipeline as gitlab-ci-local expands it, templates included)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from e2e_helpers import ROOT, gitlab_project, run_gitlab_ci_local, tool, tool_env

EXAMPLE_WORKFLOWS = sorted((ROOT / "examples" / "github" / ".github" / "workflows").glob("*.yml"))
MONOREPO_WORKFLOWS = sorted(
    (ROOT / "examples" / "monorepo" / ".github" / "workflows").glob("*.yml")
)
CANARY_WORKFLOWS = sorted((ROOT / "examples" / "canary" / "kserve").glob("*.yml"))
OWN_WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
TEST_WORKFLOWS = sorted((ROOT / "tests" / "e2e" / "github" / "workflows").glob("*.yml"))
ACTIONS = [
    ROOT / "action.yml",
    ROOT / "tests" / "e2e" / "github" / "never_run" / "action.yml",
    *sorted((ROOT / "tests" / "e2e" / "github" / "artifacts").glob("*/action.yml")),
]


def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=ROOT,
        env=tool_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_there_is_something_to_lint() -> None:
    assert len(EXAMPLE_WORKFLOWS) == 7 and len(MONOREPO_WORKFLOWS) == 1
    assert OWN_WORKFLOWS and TEST_WORKFLOWS and len(ACTIONS) == 4


def test_zizmor_finds_nothing_in_the_action_and_the_repositorys_workflows() -> None:
    done = run(
        tool("zizmor"), "--offline", "--no-config", "--no-progress", "action.yml", ".github/"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout


def test_zizmor_finds_nothing_in_the_example_workflows() -> None:
    config = ROOT / "examples" / "github" / ".github" / "zizmor.yml"
    done = run(
        tool("zizmor"),
        "--offline",
        "--no-progress",
        "--config",
        config,
        "examples/github",
        "examples/monorepo",
        *CANARY_WORKFLOWS,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout


def test_actionlint_with_shellcheck_is_clean() -> None:
    tool("shellcheck")  # actionlint runs it on every `run:` script when it is on PATH
    workflows = (
        *EXAMPLE_WORKFLOWS,
        *MONOREPO_WORKFLOWS,
        *CANARY_WORKFLOWS,
        *OWN_WORKFLOWS,
        *TEST_WORKFLOWS,
    )
    done = run(tool("actionlint"), *workflows)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_actions_scripts_pass_shellcheck() -> None:
    scripts = sorted((ROOT / "action").glob("*.sh"))
    assert len(scripts) == 3
    done = run(tool("shellcheck"), "--severity=style", *scripts)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-actions", ACTIONS),
        (
            "vendor.github-workflows",
            EXAMPLE_WORKFLOWS
            + MONOREPO_WORKFLOWS
            + CANARY_WORKFLOWS
            + OWN_WORKFLOWS
            + TEST_WORKFLOWS,
        ),
    ],
)
def test_github_files_match_the_schema(schema: str, files: list[Path]) -> None:
    done = run(tool("check-jsonschema"), "--builtin-schema", schema, *files)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_expanded_gitlab_pipeline_matches_the_schema(tmp_path: Path) -> None:
    repo, _ = gitlab_project(tmp_path / "repo", model="churn-classifier", params="C: 1.0\n")
    preview = run_gitlab_ci_local(repo, "--preview", variables={})
    assert preview.returncode == 0, preview.stdout + preview.stderr
    expanded = tmp_path / "expanded.yml"
    expanded.write_text(preview.stdout, encoding="utf-8")
    assert "mlgate-evaluate:" in preview.stdout and "mlgate-promote:" in preview.stdout
    assert "resource_group: mlgate-production" in preview.stdout
    done = run(tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", expanded)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_generated_child_pipeline_matches_the_schema(tmp_path: Path) -> None:
    """mlgate plan --format gitlab on examples/monorepo, every model planned, with a
    model name that needs quoting: valid against GitLab's schema."""
    repo = tmp_path / "monorepo"
    subprocess.run(["cp", "-r", str(ROOT / "examples" / "monorepo"), str(repo)], check=True)
    config = repo / "models" / "fraud" / "mlgate.yml"
    config.write_text(config.read_text().replace("model: fraud\n", "model: 'fraud: $X #1'\n"))
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    child = tmp_path / "child.yml"
    done = subprocess.run(
        [str(tool("mlgate")), "plan", "--all", "--format", "gitlab", "--out", str(child)],
        cwd=repo,
        env=tool_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"mlgate-evaluate fraud: $X #1"' in child.read_text()
    assert '"MLGATE_MODEL": "fraud: $$X #1"' in child.read_text()
    checked = run(tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", child)
    assert checked.returncode == 0, checked.stdout + checked.stderr
