"""`mlgate publish` in a (simulated) GitHub Actions job: the real CLI, the real PyGithub,
the fake GitHub over loopback HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from github_server import FakeGitHub
from quickstart_verdicts import quickstart_verdict

from mlgate.cli import cli

REPO = "acme/churn"
TOKEN = "ghs_s3cretvalue"
SHA = "f0e1d2c3b4a5968778695a4b3c2d1e0f98765432"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    server.state.users = {TOKEN: None, "fork": None}
    server.state.read_only = {"fork"}
    yield server
    server.close()


@pytest.fixture
def job(tmp_path: Path, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "action": "synchronize",
                "number": 42,
                "pull_request": {"number": 42, "head": {"sha": SHA}},
            }
        )
    )
    for name in ("summary.md", "output.txt"):
        (tmp_path / name).write_text("")
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": fake.api_url,
        "GITHUB_SERVER_URL": fake.host,
        "GITHUB_RUN_ID": "77",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
        "GITHUB_SHA": "0" * 40,
    }


def publish(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["publish", *args], env=env, prog_name="mlgate", catch_exceptions=False
    )


def test_passing_verdict_comments_sets_status_summary_and_outputs(
    job: dict[str, str], fake: FakeGitHub, tmp_path: Path
) -> None:
    result = publish(job, quickstart_verdict(tmp_path, "candidate.json"))
    assert result.exit_code == 0, result.output
    (comment,) = fake.comments(REPO, 42)
    assert comment["body"].startswith("<!-- mlgate:report model=churn-classifier -->\n✅")
    assert comment["user"]["login"] == "github-actions[bot]"
    (status,) = fake.state.statuses
    assert (status["sha"], status["state"], status["context"]) == (
        SHA,
        "success",
        "mlgate/churn-classifier",
    )
    assert status["target_url"] == f"{fake.host}/{REPO}/actions/runs/77"
    assert (tmp_path / "summary.md").read_text().startswith("<!-- mlgate:report")
    outputs = (tmp_path / "output.txt").read_text()
    assert re.search(r"verdict<<(\S+)\npass\n\1\n", outputs)
    assert comment["html_url"] in outputs
    assert result.stdout.splitlines()[0] == f"::add-mask::{TOKEN}"
    assert TOKEN not in result.stderr
    # a re-run edits the same comment
    assert publish(job, str(tmp_path / "verdict.json")).exit_code == 0
    assert len(fake.comments(REPO, 42)) == 1


def test_failing_verdict_exits_1_with_annotations_and_failure_status(
    job: dict[str, str], fake: FakeGitHub, tmp_path: Path
) -> None:
    result = publish(job, quickstart_verdict(tmp_path, "candidate-regressed.json"))
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert (
        "::error title=mlgate churn-classifier%3A accuracy::drop of 0.0171 exceeds max_drop 0.01"
        in errors
    )
    assert len(errors) == 5  # 4 metrics + the signature check
    assert any(
        line.startswith("::warning title=mlgate churn-classifier%3A log_loss::")
        for line in result.stdout.splitlines()
    )
    assert fake.state.statuses[0]["state"] == "failure"
    assert fake.state.statuses[0]["description"].startswith("failed: accuracy, f1, auc")


def test_fork_read_only_token_keeps_the_verdicts_exit_code(
    job: dict[str, str], fake: FakeGitHub, tmp_path: Path
) -> None:
    job["GITHUB_TOKEN"] = "fork"
    path = quickstart_verdict(tmp_path, "candidate.json")
    result = publish(job, path)
    assert result.exit_code == 0
    assert "read-only" in result.stderr and "workflow_run" in result.stderr
    assert (tmp_path / "mlgate-comment.md").read_text().startswith("<!-- mlgate:report")
    assert fake.comments(REPO, 42) == []
    assert publish(job, path, "--require-comment").exit_code == 3
    failing = quickstart_verdict(tmp_path, "candidate-regressed.json")
    assert publish(job, failing).exit_code == 1  # a failed comment never turns a fail into a pass


def test_oversized_report_is_shortened_in_the_comment_but_whole_in_the_summary(
    job: dict[str, str], fake: FakeGitHub, tmp_path: Path
) -> None:
    metrics = {f"metric_with_a_long_name_{i:05d}": 0.5 for i in range(3000)}
    (tmp_path / "c.json").write_text(json.dumps({"metrics": metrics}))
    (tmp_path / "b.json").write_text(json.dumps({"metrics": metrics}))
    CliRunner().invoke(
        cli, ["compare", "--candidate", "c.json", "--baseline", "b.json", "--print", "none"]
    )
    assert publish(job, "verdict.json").exit_code == 0
    (comment,) = fake.comments(REPO, 42)
    assert len(comment["body"]) <= 65_536
    assert (
        f"Full details: [the job summary]({fake.host}/{REPO}/actions/runs/77)." in comment["body"]
    )
    assert len((tmp_path / "summary.md").read_text()) > 65_536


def test_pr_option_and_no_token(job: dict[str, str], fake: FakeGitHub, tmp_path: Path) -> None:
    path = quickstart_verdict(tmp_path, "candidate.json")
    assert publish(job, path, "--pr", "5", "--no-status").exit_code == 0
    assert len(fake.comments(REPO, 5)) == 1 and fake.state.statuses == []
    del job["GITHUB_TOKEN"]
    result = publish(job, path)
    assert result.exit_code == 0
    assert "no token: set GITHUB_TOKEN" in result.stderr


def test_local_platform_previews(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = quickstart_verdict(tmp_path, "candidate-regressed.json")
    result = CliRunner().invoke(
        cli,
        ["publish", path, "--platform", "local"],
        env={"GITHUB_ACTIONS": ""},
        prog_name="mlgate",
    )
    assert result.exit_code == 1
    assert result.stdout.startswith("mlgate · churn-classifier: FAILED")
    assert (tmp_path / "mlgate-comment.md").exists()


def test_fork_two_phase_publish_checks_the_pr_against_the_built_commit(
    job: dict[str, str], fake: FakeGitHub, tmp_path: Path
) -> None:
    # Phase 1: the fork's pull_request run, read-only token, no API calls.
    job["GITHUB_TOKEN"] = "fork"
    path = quickstart_verdict(tmp_path, "candidate.json")
    before = len(fake.requests())
    phase1 = publish(job, path, "--to-artifact", str(tmp_path / "artifact"))
    assert phase1.exit_code == 0, phase1.output
    assert len(fake.requests()) == before
    assert json.loads((tmp_path / "artifact" / "pr.json").read_text()) == {
        "number": 42,
        "head_sha": SHA,
    }

    # Phase 2: workflow_run, write token, the artifact is untrusted.
    event = tmp_path / "workflow_run.json"
    event.write_text(
        json.dumps({"action": "completed", "workflow_run": {"head_sha": SHA, "pull_requests": []}})
    )
    trusted = {**job, "GITHUB_TOKEN": TOKEN, "GITHUB_EVENT_PATH": str(event)}
    fake.state.pulls[42] = SHA
    phase2 = publish(trusted, "--from-artifact", str(tmp_path / "artifact"))
    assert phase2.exit_code == 0, phase2.output
    assert len(fake.comments(REPO, 42)) == 1
    assert fake.state.statuses[-1]["sha"] == SHA

    # A forged PR number (its head is another commit) is refused.
    (tmp_path / "artifact" / "pr.json").write_text(json.dumps({"number": 43, "head_sha": SHA}))
    fake.state.pulls[43] = "d" * 40
    forged = publish(trusted, "--from-artifact", str(tmp_path / "artifact"))
    assert forged.exit_code == 2
    assert "PR #43's head is dddddddddddd, not the built commit" in forged.stderr
    assert fake.comments(REPO, 43) == []

    # A claim about another commit is refused before any API call.
    (tmp_path / "artifact" / "pr.json").write_text(json.dumps({"number": 42, "head_sha": "e" * 40}))
    claimed = publish(trusted, "--from-artifact", str(tmp_path / "artifact"))
    assert claimed.exit_code == 2
    assert "refusing to publish" in claimed.stderr


@pytest.mark.parametrize("content", ["[]", '{"number": "42; rm -rf /", "head_sha": "x"}', "{"])
def test_malformed_artifact_is_an_input_error(
    job: dict[str, str], tmp_path: Path, content: str
) -> None:
    folder = tmp_path / "artifact"
    folder.mkdir()
    (folder / "pr.json").write_text(content)
    result = publish(job, "--from-artifact", str(folder))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"mlgate: error: {folder / 'pr.json'}")


def test_github_dot_com_style_base_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = FakeGitHub(prefix="")
    server.state.users = {TOKEN: None}
    try:
        monkeypatch.chdir(tmp_path)
        event = tmp_path / "event.json"
        event.write_text(json.dumps({"pull_request": {"number": 3, "head": {"sha": SHA}}}))
        env = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": server.api_url,
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_EVENT_PATH": str(event),
        }
        assert publish(env, quickstart_verdict(tmp_path, "candidate.json")).exit_code == 0
        assert len(server.comments(REPO, 3)) == 1
    finally:
        server.close()


def test_gate_evaluates_against_the_registry_and_publishes(
    job: dict[str, str], fake: FakeGitHub, tmp_path: Path
) -> None:
    from registry_helpers import log_run, register

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    register(uri, log_run(uri, metrics={"accuracy": 0.9}), "churn", alias="champion")
    candidate = log_run(uri, metrics={"accuracy": 0.8})
    (tmp_path / "mlgate.yml").write_text("model: churn\nmetrics:\n  accuracy: {max_drop: 0.05}\n")
    result = CliRunner().invoke(
        cli,
        ["gate", "--tracking-uri", uri, "--candidate", candidate.model_uri, "--register"],
        env=job,
        prog_name="mlgate",
        catch_exceptions=False,
    )
    assert result.exit_code == 1, result.output
    (comment,) = fake.comments(REPO, 42)
    assert comment["body"].startswith("<!-- mlgate:report model=churn -->\n❌")
    assert fake.state.statuses[0]["context"] == "mlgate/churn"
    assert (tmp_path / "verdict.json").exists()
