"""mlgate plan and mlgate summary from the command line: outputs, step outputs, exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=d@example.com", "-c", "user.name=d", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(workdir: Path) -> Path:
    for name in ("a", "b"):
        (workdir / "models" / name).mkdir(parents=True)
        (workdir / "models" / name / "mlgate.yml").write_text(f"model: {name}\n")
    git(workdir, "init", "-q", "-b", "main")
    git(workdir, "add", "-A")
    git(workdir, "commit", "-qm", "main")
    git(workdir, "checkout", "-qb", "feature")
    (workdir / "models" / "b" / "train.py").write_text("x = 1\n")
    git(workdir, "add", "-A")
    git(workdir, "commit", "-qm", "b")
    return workdir


def test_plan_prints_json_and_explains_on_stderr(run: Any, repo: Path) -> None:
    result = run("plan", "--base", "main")
    assert result.exit_code == 0
    plan = json.loads(result.stdout)
    assert [p["model"] for p in plan["planned"]] == ["b"]
    assert "1 of 2 models planned" in result.stderr


def test_plan_for_github_sets_the_step_outputs(run: Any, repo: Path) -> None:
    outputs = repo / "github_output"
    outputs.write_text("")
    result = run(
        "plan", "--base", "main", "--format", "github", env={"GITHUB_OUTPUT": str(outputs)}
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "include": [
            {"model": "b", "config": "models/b/mlgate.yml", "working-directory": "models/b"}
        ]
    }
    text = outputs.read_text()
    assert "count" in text and '"model":"b"' in text and "removed" in text


def test_an_empty_plan_is_valid_and_says_so(run: Any, repo: Path) -> None:
    result = run("plan", "--base", "HEAD", "--format", "github")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"include": []}
    assert "the plan is empty" in result.stderr


def test_a_malformed_config_exits_2_naming_the_file(run: Any, repo: Path) -> None:
    (repo / "models" / "a" / "mlgate.yml").write_text("model: a\nmetrics: 3\n")
    result = run("plan", "--base", "main")
    assert result.exit_code == 2
    assert result.stderr.startswith("mlgate: error: models/a/mlgate.yml:2: metrics:")
    assert "Traceback" not in result.stderr


def test_a_bad_shard_is_a_usage_error(run: Any, repo: Path) -> None:
    result = run("plan", "--base", "main", "--shard", "3/2")
    assert result.exit_code == 2 and "--shard" in result.stderr


def test_a_bad_gitlab_include_is_a_usage_error(run: Any, repo: Path) -> None:
    result = run("plan", "--format", "gitlab", "--gitlab-include", "[1]")
    assert result.exit_code == 2 and "--gitlab-include" in result.stderr


def test_summary_locally_fails_for_a_missing_verdict(run: Any, repo: Path) -> None:
    plan = run("plan", "--base", "main", "--all", "--out", "plan.json")
    assert plan.exit_code == 0
    (repo / "verdicts").mkdir()
    result = run("summary", "--plan", "plan.json", "verdicts", "--platform", "local")
    assert result.exit_code == 1
    assert "<!-- mlgate:summary -->" in result.stdout
    assert "2 of 2 failed: a, b" in result.stderr
    assert (repo / "mlgate-summary.md").read_text().startswith("<!-- mlgate:summary -->")


def test_summary_of_an_empty_plan_passes(run: Any, repo: Path) -> None:
    (repo / "plan.json").write_text('{"include": []}')
    result = run("summary", "--plan", "plan.json", "--platform", "local")
    assert result.exit_code == 0
    assert "no model changed" in result.stderr


def test_summary_refuses_a_file_that_is_not_a_plan(run: Any, repo: Path) -> None:
    (repo / "plan.json").write_text('{"models": []}')
    result = run("summary", "--plan", "plan.json", "--platform", "local")
    assert result.exit_code == 2 and "not a plan" in result.stderr


def test_summary_reads_the_slices_of_a_sharded_plan(run: Any, repo: Path) -> None:
    for k in (1, 2):
        sliced = run(
            "plan", "--all", "--shard", f"{k}/2", "--format", "github", "--out", f"{k}.json"
        )
        assert sliced.exit_code == 0
    result = run("summary", "--plan", "1.json", "--plan", "2.json", "--platform", "local")
    assert result.exit_code == 1
    assert "2 of 2 failed: a, b" in result.stderr
