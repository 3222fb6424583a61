"""The fork-safe two-phase publish, up to the one API call phase 2 makes: everything in the
artifact is untrusted, so each malformed or forged part is refused — naming the file and
the field — before anything is read from GitHub or posted. (The API check of the PR's head
is in tests/integration/publish/test_github.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlgate.core.verdict import Verdict
from mlgate.errors import InputError, UsageError
from mlgate.files.verdict import write_verdict
from mlgate.publish.artifact import PR_FILE, VERDICT_FILE, load_checked, save

SHA = "a" * 40


@pytest.fixture
def event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("GITHUB_TOKEN", "MLGATE_GITHUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "event.json"
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/churn")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # nothing listens
    return path


def write_event(path: Path, payload: Any) -> None:
    path.write_text(json.dumps(payload), encoding="utf-8")


def artifact(tmp_path: Path, verdict: Verdict, claim: Any) -> Path:
    folder = tmp_path / "artifact"
    folder.mkdir(exist_ok=True)
    write_verdict(folder / VERDICT_FILE, verdict)
    text = claim if isinstance(claim, str) else json.dumps(claim)
    (folder / PR_FILE).write_text(text, encoding="utf-8")
    return folder


def test_phase_one_saves_the_verdict_and_the_pr_it_is_for(
    event: Path, passing: Verdict, tmp_path: Path
) -> None:
    write_event(event, {"pull_request": {"number": 7, "head": {"sha": SHA}}})
    verdict_path = tmp_path / "verdict.json"
    write_verdict(verdict_path, passing)
    folder = save(verdict_path, tmp_path / "out")
    assert json.loads((folder / PR_FILE).read_text()) == {"number": 7, "head_sha": SHA}
    assert (folder / VERDICT_FILE).read_bytes() == verdict_path.read_bytes()


def test_phase_one_outside_a_pull_request_is_a_usage_error(
    event: Path, passing: Verdict, tmp_path: Path
) -> None:
    write_event(event, {"push": {}})
    verdict_path = tmp_path / "verdict.json"
    write_verdict(verdict_path, passing)
    with pytest.raises(UsageError, match="runs in a pull_request job"):
        save(verdict_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("claim", "problem"),
    [
        ({"number": True, "head_sha": SHA}, "number: expected a pull request number"),
        ({"number": 0, "head_sha": SHA}, "number: expected a pull request number"),
        ({"number": 4.0, "head_sha": SHA}, "number: expected a pull request number"),
        ({"number": "4", "head_sha": SHA}, "number: expected a pull request number"),
        ({"head_sha": SHA}, "number: expected a pull request number"),
        ({"number": 4, "head_sha": SHA.upper()}, "head_sha: expected a 40-character"),
        ({"number": 4, "head_sha": SHA[:12]}, "head_sha: expected a 40-character"),
        ({"number": 4, "head_sha": SHA + "\n"}, "head_sha: expected a 40-character"),
        ({"number": 4, "head_sha": ["a"]}, "head_sha: expected a 40-character"),
        ([4, SHA], "number: expected a pull request number"),
        ("{not json", "not readable JSON"),
    ],
)
def test_a_malformed_claim_is_refused_naming_the_field(
    event: Path, passing: Verdict, tmp_path: Path, claim: Any, problem: str
) -> None:
    write_event(event, {"workflow_run": {"head_sha": SHA}})
    folder = artifact(tmp_path, passing, claim)
    with pytest.raises(InputError) as raised:
        load_checked(folder)
    assert str(raised.value).startswith(f"{folder / PR_FILE}: ")
    assert problem in str(raised.value)


def test_a_missing_claim_says_which_phase_writes_it(event: Path, tmp_path: Path) -> None:
    folder = tmp_path / "artifact"
    folder.mkdir()
    with pytest.raises(InputError, match="phase 1 writes it with --to-artifact"):
        load_checked(folder)


def test_a_tampered_verdict_is_refused(event: Path, passing: Verdict, tmp_path: Path) -> None:
    write_event(event, {"workflow_run": {"head_sha": SHA}})
    folder = artifact(tmp_path, passing, {"number": 4, "head_sha": SHA})
    data = json.loads((folder / VERDICT_FILE).read_text())
    data["status"] = "approved"
    (folder / VERDICT_FILE).write_text(json.dumps(data))
    with pytest.raises(InputError, match="not a valid mlgate verdict"):
        load_checked(folder)


@pytest.mark.parametrize(
    "payload",
    [{}, {"workflow_run": "x"}, {"workflow_run": {"head_sha": "main"}}, {"workflow_run": {}}],
)
def test_phase_two_runs_only_on_a_workflow_run_event(
    event: Path, passing: Verdict, tmp_path: Path, payload: Any
) -> None:
    write_event(event, payload)
    folder = artifact(tmp_path, passing, {"number": 4, "head_sha": SHA})
    with pytest.raises(UsageError, match=r"no workflow_run\.head_sha"):
        load_checked(folder)


def test_a_claim_about_another_commit_is_refused_before_any_api_call(
    event: Path, passing: Verdict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token is set and the API address is closed: reaching it would be a service error,
    not this refusal."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghs-write")
    write_event(event, {"workflow_run": {"head_sha": "b" * 40}})
    folder = artifact(tmp_path, passing, {"number": 4, "head_sha": SHA})
    with pytest.raises(InputError, match="the triggering run built bbbbbbbbbbbb; refusing"):
        load_checked(folder)


def test_phase_two_needs_a_token(event: Path, passing: Verdict, tmp_path: Path) -> None:
    write_event(event, {"workflow_run": {"head_sha": SHA}})
    folder = artifact(tmp_path, passing, {"number": 4, "head_sha": SHA})
    with pytest.raises(UsageError, match="no token: set GITHUB_TOKEN for the workflow_run job"):
        load_checked(folder)
