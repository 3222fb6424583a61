"""What mlgate reads from a CI job's environment: which commit a verdict is for, and the
step outputs it sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.adapters.ci import head_commit_from_environment
from mlgate.adapters.github_env import write_step_outputs
from mlgate.errors import InputError

HEAD, MERGE = "a" * 40, "m" * 40


def github_env(tmp_path: Path, event: object) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    return {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(path), "GITHUB_SHA": MERGE}


def test_a_pull_request_verdict_is_for_the_head_not_the_merge_commit(tmp_path: Path) -> None:
    env = github_env(tmp_path, {"pull_request": {"number": 1, "head": {"sha": HEAD}}})
    assert head_commit_from_environment(env) == HEAD


@pytest.mark.parametrize(
    "event",
    [{}, {"pull_request": "x"}, {"pull_request": {"head": None}}, {"pull_request": {"head": []}}],
)
def test_without_a_pull_request_head_it_is_github_sha(tmp_path: Path, event: object) -> None:
    assert head_commit_from_environment(github_env(tmp_path, event)) == MERGE


def test_an_event_payload_that_is_not_an_object_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a JSON object"):
        head_commit_from_environment(github_env(tmp_path, ["pull_request"]))


def test_gitlab_prefers_the_source_branch_head() -> None:
    env = {"GITLAB_CI": "true", "CI_COMMIT_SHA": MERGE}
    assert head_commit_from_environment(env) == MERGE
    assert head_commit_from_environment({**env, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": HEAD}) == HEAD


def test_no_ci_no_commit() -> None:
    assert head_commit_from_environment({"GITHUB_SHA": MERGE}) is None


def test_step_outputs_only_in_github_actions(tmp_path: Path) -> None:
    write_step_outputs({"verdict": "pass"}, env={})
    output = tmp_path / "output"
    write_step_outputs({"model-version": "7\n::error::x"}, env={"GITHUB_OUTPUT": str(output)})
    first, *value, last = output.read_text().splitlines()
    assert first.startswith("model-version<<MLGATE_EOF_")
    assert value == ["7", "::error::x"], "a value stays inside its heredoc"
    assert last == first.split("<<", 1)[1]
