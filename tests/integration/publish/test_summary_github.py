"""mlgate publish per model, then mlgate summary, against the fake GitHub over real HTTP:
one roll-up comment kept in place, the aggregate status, a missing verdict failing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from github_server import FakeGitHub
from quickstart_verdicts import quickstart_verdict

from mlgate.cli import cli
from mlgate.files.verdict import read_verdict, write_verdict

REPO = "acme/models"
TOKEN = "ghs-summary-token"
SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
BOT = "github-actions[bot]"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    server.state.users = {TOKEN: BOT}
    yield server
    server.close()


@pytest.fixture
def job(tmp_path: Path, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"number": 9, "pull_request": {"number": 9, "head": {"sha": SHA}}}))
    (tmp_path / "summary.md").write_text("")
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": fake.api_url,
        "GITHUB_SERVER_URL": fake.host,
        "GITHUB_RUN_ID": "5",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }


def mlgate(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, prog_name="mlgate", catch_exceptions=False)


def model_job(env: dict[str, str], tmp_path: Path, model: str, candidate: str) -> Path:
    """One matrix job: its verdict published from its own folder (the artifact)."""
    folder = tmp_path / "artifacts" / model
    folder.mkdir(parents=True)
    verdict = read_verdict(Path(quickstart_verdict(folder, candidate)))
    write_verdict(folder / "verdict.json", replace(verdict, model=model))
    result = mlgate(env, "publish", str(folder / "verdict.json"), "--out-dir", str(folder))
    assert result.exit_code in (0, 1), result.output
    return folder


def test_the_summary_is_one_comment_with_the_aggregate_status(
    job: dict[str, str], fake: FakeGitHub, tmp_path: Path
) -> None:
    model_job(job, tmp_path, "churn", "candidate.json")
    model_job(job, tmp_path, "fraud", "candidate-regressed.json")
    # Someone pastes our marker: that comment is never taken for the summary.
    fake.add_comment(REPO, 9, login="mallory", body="<!-- mlgate:summary -->\nall passed!")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"include": [{"model": m} for m in ("churn", "fraud", "ltv")]}))

    result = mlgate(job, "summary", "--plan", str(plan), str(tmp_path / "artifacts"))
    assert result.exit_code == 1
    ours = [c for c in fake.comments(REPO, 9) if c["user"]["login"] == BOT]
    summaries = [c for c in ours if c["body"].startswith("<!-- mlgate:summary -->")]
    assert len(summaries) == 1
    body = summaries[0]["body"]
    lines = [line for line in body.splitlines() if line.startswith("| ")][1:]
    assert [line.split("`")[1] for line in lines] == ["fraud", "ltv", "churn"]  # failing first
    reports = {c["body"].splitlines()[0]: c["html_url"] for c in ours}
    assert reports["<!-- mlgate:report model=churn -->"] in body
    latest = {s["context"]: s for s in fake.state.statuses}
    assert latest["mlgate"]["state"] == "failure"
    assert latest["mlgate"]["description"] == "2 of 3 failed: fraud, ltv"
    assert latest["mlgate/ltv"]["state"] == "failure"  # it never reported: the summary says so
    assert "no verdict" in latest["mlgate/ltv"]["description"]
    assert "3 models not passing" in (tmp_path / "summary.md").read_text()
    assert next(c for c in fake.comments(REPO, 9) if c["user"]["login"] == "mallory")["body"] == (
        "<!-- mlgate:summary -->\nall passed!"
    )

    # ltv reports after a rerun: the same comment is edited, and the aggregate passes only
    # when every planned model did — fraud still fails.
    model_job(job, tmp_path, "ltv", "candidate.json")
    before = len(fake.comments(REPO, 9))
    result = mlgate(job, "summary", "--plan", str(plan), str(tmp_path / "artifacts"))
    assert result.exit_code == 1
    assert len(fake.comments(REPO, 9)) == before
    assert [s["state"] for s in fake.state.statuses if s["context"] == "mlgate"] == [
        "failure",
        "failure",
    ]


def test_an_unreadable_verdict_counts_as_missing_and_is_named(
    job: dict[str, str], fake: FakeGitHub, tmp_path: Path
) -> None:
    folder = model_job(job, tmp_path, "churn", "candidate.json")
    (folder / "verdict.json").write_text("{not json")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"include": [{"model": "churn"}]}))
    result = mlgate(job, "summary", "--plan", str(plan), str(tmp_path / "artifacts"))
    assert result.exit_code == 1
    assert "verdict.json" in result.stderr and "counts as having no verdict" in result.stderr
    assert "Traceback" not in result.stderr
    assert {s["context"]: s["state"] for s in fake.state.statuses}["mlgate"] == "failure"
