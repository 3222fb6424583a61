"""`mlgate monitor`'s tracking issue through the real PyGithub and python-gitlab clients,
over real HTTP, against the fake GitHub and GitLab servers: open → update → close, never
a duplicate, nobody else's issue touched, retraining started once per episode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from github_server import FakeGitHub
from gitlab_server import FakeGitLab
from monitor_helpers import REPO, in_scheduled_github_run, outcomes_file

from mlgate.adapters.github import GitHubTarget
from mlgate.adapters.github_issues import GitHubTracker
from mlgate.adapters.gitlab import GitLabTarget
from mlgate.adapters.gitlab_issues import GitLabTracker
from mlgate.cli import cli
from mlgate.core.drift import DriftReport
from mlgate.core.monitoring import MonitorReport
from mlgate.core.tracking import Step
from mlgate.files.config import load_config
from mlgate.monitor.drift import drift_report
from mlgate.monitor.tracking import MonitorOutcome, track

MARKER = "<!-- mlgate:drift model=churn -->"
N = 3000


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("monitor-data")
    rng = np.random.default_rng(9)

    def table(name: str, *, tenure: float = 0.0, plan: tuple[float, float] = (0.7, 0.3)) -> Path:
        path = folder / f"{name}.parquet"
        columns = {
            "tenure": rng.normal(tenure, 1, N),
            "charges": rng.normal(50, 10, N),
            "plan": rng.choice(["basic", "pro"], N, p=list(plan)),
        }
        pq.write_table(pa.table(columns), path)
        return path

    return {
        "reference": table("reference"),
        "steady": table("steady"),
        "tenure": table("tenure", tenure=0.6),
        "both": table("both", tenure=0.6, plan=(0.3, 0.7)),
    }


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "mlgate.yml"
    path.write_text(
        "model: churn\n"
        "monitor:\n"
        "  labels: [mlgate, data-drift]\n"
        "  retrain: {workflow: retrain.yml, inputs: {reason: drift, full: true}}\n"
    )
    return path


def report_for(data: dict[str, Path], config_file: Path, current: str) -> DriftReport:
    return drift_report(
        reference=str(data["reference"]), current=data[current], config=load_config(config_file)
    )


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    server.state.users = {"actions-token": None, "someone": "mallory"}
    yield server
    server.close()


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    server = FakeGitLab()
    server.state.users = {"glpat-token": "project_42_bot", "someone": "mallory"}
    yield server
    server.close()


def run_github(fake: FakeGitHub, report: DriftReport, config_file: Path) -> MonitorOutcome:
    tracker = GitHubTracker(
        GitHubTarget(api_url=fake.api_url, repository=REPO, token="actions-token"), min_interval=0
    )
    return track(
        MonitorReport(model=report.model, drift=report),
        tracker=tracker,
        config=load_config(config_file),
        now="2026-11-27T06:00:00Z",
        where="[Run](http://ci/run/1)",
        max_chars=65_536,
    )


def test_github_issue_lifecycle(
    github: FakeGitHub, data: dict[str, Path], config_file: Path
) -> None:
    # someone else's issue carrying our marker must never be edited or closed
    forged = github.add_issue(REPO, login="mallory", title="fake", body=MARKER + "\nforged")

    assert (
        run_github(github, report_for(data, config_file, "steady"), config_file).step is Step.NONE
    )
    assert [r for r in github.requests() if r[0] != "GET"] == []

    opened = run_github(github, report_for(data, config_file, "tenure"), config_file)
    assert opened.step is Step.OPEN
    assert opened.retrain == "workflow retrain.yml dispatched on main"
    ours = [i for i in github.issues(REPO) if i["user"]["login"] == "github-actions[bot]"]
    assert len(ours) == 1
    issue = ours[0]
    assert issue["title"] == "Data drift in churn"
    assert issue["body"].startswith(MARKER + "\n<!-- mlgate:drift-state ")
    assert "`tenure`" in issue["body"] and [label["name"] for label in issue["labels"]] == [
        "mlgate",
        "data-drift",
    ]
    assert opened.issue_url == issue["html_url"]
    assert github.state.dispatches == [
        {"workflow": "retrain.yml", "ref": "main", "inputs": {"reason": "drift", "full": "true"}}
    ]

    again = run_github(github, report_for(data, config_file, "tenure"), config_file)
    assert again.step is Step.UPDATE and again.retrain is None
    assert len(github.issues(REPO)) == 2  # no duplicate
    assert "seen in 2 checks" in github.issues(REPO)[1]["body"]
    assert github.comments(REPO, issue["number"]) == []  # same features: no comment

    changed = run_github(github, report_for(data, config_file, "both"), config_file)
    assert changed.step is Step.UPDATE
    comments = github.comments(REPO, issue["number"])
    assert len(comments) == 1 and ": plan, tenure. [Run]" in comments[0]["body"]

    closed = run_github(github, report_for(data, config_file, "steady"), config_file)
    assert closed.step is Step.CLOSE
    assert github.issues(REPO)[1]["state"] == "closed"
    assert github.issues(REPO)[1]["state_reason"] == "completed"
    assert github.comments(REPO, issue["number"])[-1]["body"].startswith(
        "✅ Drift ended after 3 checks since 2026-11-27T06:00:00Z"
    )
    assert github.issues(REPO)[0] == forged  # untouched

    reopened = run_github(github, report_for(data, config_file, "tenure"), config_file)
    assert reopened.step is Step.OPEN  # a new episode, a new issue
    assert len(github.issues(REPO)) == 3
    assert len(github.state.dispatches) == 2


def test_github_retraining_failure_is_a_warning_not_a_lost_issue(
    github: FakeGitHub, data: dict[str, Path], config_file: Path
) -> None:
    github.state.workflows = set()  # retrain.yml does not exist
    outcome = run_github(github, report_for(data, config_file, "tenure"), config_file)
    assert outcome.step is Step.OPEN and outcome.retrain is None
    assert len(github.issues(REPO)) == 1
    assert outcome.problems and "retraining was not started" in outcome.problems[0]
    assert "HTTP 404" in outcome.problems[0]


def run_gitlab(fake: FakeGitLab, report: DriftReport, config_file: Path) -> MonitorOutcome:
    tracker = GitLabTracker(GitLabTarget(url=fake.url, project="42", token="glpat-token"))
    return track(
        MonitorReport(model=report.model, drift=report),
        tracker=tracker,
        config=load_config(config_file),
        now="2026-11-27T06:00:00Z",
        where="Pipeline 7.",
        max_chars=1_000_000,
    )


def test_gitlab_issue_lifecycle(
    gitlab: FakeGitLab, data: dict[str, Path], config_file: Path
) -> None:
    forged = gitlab.add_issue("42", username="mallory", title="fake", body=MARKER)
    assert (
        run_gitlab(gitlab, report_for(data, config_file, "steady"), config_file).step is Step.NONE
    )

    opened = run_gitlab(gitlab, report_for(data, config_file, "tenure"), config_file)
    assert opened.step is Step.OPEN
    issue = gitlab.issues("42")[1]
    assert issue["author"]["username"] == "project_42_bot"
    assert issue["labels"] == ["mlgate", "data-drift"]
    assert issue["description"].startswith(MARKER)
    assert opened.retrain == "pipeline 900 started on main"
    assert gitlab.state.pipelines[0]["variables"] == [
        {"key": "MLGATE_RETRAIN", "value": "retrain.yml"},
        {"key": "reason", "value": "drift"},
        {"key": "full", "value": "true"},
    ]

    assert (
        run_gitlab(gitlab, report_for(data, config_file, "tenure"), config_file).step is Step.UPDATE
    )
    assert len(gitlab.issues("42")) == 2
    assert "seen in 2 checks" in gitlab.issues("42")[1]["description"]

    closed = run_gitlab(gitlab, report_for(data, config_file, "steady"), config_file)
    assert closed.step is Step.CLOSE
    assert gitlab.issues("42")[1]["state"] == "closed"
    notes = gitlab.state.issue_notes[("42", issue["iid"])]
    assert notes[-1]["body"].startswith("✅ Drift ended after 2 checks")
    assert gitlab.issues("42")[0] == forged


def test_monitor_command_on_github(
    github: FakeGitHub,
    data: dict[str, Path],
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    in_scheduled_github_run(github, tmp_path, monkeypatch)
    args = ["monitor", "--reference", str(data["reference"]), "--current", str(data["tenure"])]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "tracking issue opened: " in result.output
    assert "retraining: workflow retrain.yml dispatched on main" in result.output
    assert "actions-token" not in result.output
    assert (tmp_path / "mlgate-monitor.json").is_file() and (
        tmp_path / "mlgate-monitor.md"
    ).is_file()
    body = github.issues(REPO)[0]["body"]
    assert "[Run](https://github.example/acme/churn/actions/runs/77)" in body

    config_file.write_text(config_file.read_text() + "  fail: true\n")
    again = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert again.exit_code == 1  # monitor.fail: the scheduled job shows red while drift lasts
    assert "tracking issue updated" in again.output
    assert len(github.issues(REPO)) == 1


def test_monitor_keeps_the_report_when_github_fails(
    data: dict[str, Path], config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for key, value in {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": "http://127.0.0.1:9/api/v3",  # nothing listens there
        "GITHUB_TOKEN": "actions-token",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    args = ["monitor", "--reference", str(data["reference"]), "--current", str(data["tenure"])]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert "mlgate-monitor.json and mlgate-monitor.md were written" in result.output
    assert (tmp_path / "mlgate-monitor.json").is_file()


def test_a_drift_only_run_or_unlabelled_outcomes_never_end_a_degradation(
    github: FakeGitHub,
    data: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mlgate.yml").write_text(
        "model: churn\nmonitor:\n  performance:\n    accuracy: {max_drop: 0.03}\n"
    )
    in_scheduled_github_run(github, tmp_path, monkeypatch)
    reference = outcomes_file(tmp_path / "reference.csv", accuracy=0.9, seed=1)

    def monitor(*args: str) -> str:
        result = CliRunner().invoke(cli, ["monitor", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    outcomes = ("--performance-reference", str(reference), "--outcomes")
    bad = outcomes_file(tmp_path / "bad.csv", accuracy=0.8, seed=2)
    assert "tracking issue opened" in monitor(*outcomes, str(bad))
    (issue,) = github.issues(REPO)
    assert issue["title"] == "Performance drop in churn"

    # the daily drift run: no outcomes, so the degradation is not judged and stays open
    drift_args = ("--reference", str(data["reference"]), "--current", str(data["steady"]))
    assert "tracking issue updated" in monitor(*drift_args)
    (issue,) = github.issues(REPO)
    assert issue["state"] == "open"
    assert "performance: not checked this run (no outcomes)" in issue["body"]

    # outcomes whose labels have not arrived: unknown, not "degradation ended"
    pending = outcomes_file(tmp_path / "pending.csv", accuracy=0.9, labelled=False, seed=3)
    assert "tracking issue updated" in monitor(*outcomes, str(pending))
    (issue,) = github.issues(REPO)
    assert (
        issue["state"] == "open" and "no labels yet (0 labelled of 3,000 served)" in issue["body"]
    )

    good = outcomes_file(tmp_path / "good.csv", accuracy=0.9, seed=4)
    assert "tracking issue closed" in monitor(*outcomes, str(good))
    (issue,) = github.issues(REPO)
    assert issue["state"] == "closed"
