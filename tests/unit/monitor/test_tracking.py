"""The monitor job's tracking issue, carried out on an in-memory tracker (the same five
operations GitHubTracker and GitLabTracker implement over their APIs): opened once when
drift appears — and retraining started then, only then — updated while it lasts, closed
when it ends, within the platform's size limit; a retraining that cannot start is a
problem on an issue that is open, not a failed run. (The real trackers against the fake
servers: tests/integration/monitor/test_tracking.py.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mlgate.core.drift import DriftReport
from mlgate.core.monitoring import MonitorReport
from mlgate.core.tracking import Step, TrackedIssue
from mlgate.errors import ServiceError
from mlgate.files.config import Config, load_config
from mlgate.files.tables import read_table
from mlgate.monitor.tables import compare_tables
from mlgate.monitor.tracking import MonitorOutcome, track


@dataclass
class Issue:
    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    state: str = "open"
    comments: list[str] = field(default_factory=list)


@dataclass
class MemoryTracker:
    issues: list[Issue] = field(default_factory=list)
    dispatched: list[tuple[str, str | None, dict[str, str]]] = field(default_factory=list)
    dispatch_error: str | None = None

    def find_issue(self, *, marker: str) -> TrackedIssue | None:
        for issue in self.issues:
            if issue.state == "open" and marker in issue.body:
                return TrackedIssue(number=issue.number, body=issue.body, url=self.url(issue))
        return None

    def open_issue(
        self, *, title: str, body: str, labels: tuple[str, ...], marker: str
    ) -> TrackedIssue:
        issue = Issue(number=len(self.issues) + 1, title=title, body=body, labels=labels)
        self.issues.append(issue)
        return TrackedIssue(number=issue.number, body=body, url=self.url(issue))

    def update_issue(self, number: int, *, title: str, body: str) -> None:
        issue = self.issues[number - 1]
        issue.title, issue.body = title, body

    def comment_issue(self, number: int, *, body: str) -> None:
        self.issues[number - 1].comments.append(body)

    def close_issue(self, number: int) -> None:
        self.issues[number - 1].state = "closed"

    def dispatch_workflow(self, workflow: str, *, ref: str | None, inputs: dict[str, str]) -> str:
        if self.dispatch_error:
            raise ServiceError(self.dispatch_error)
        self.dispatched.append((workflow, ref, inputs))
        return f"workflow {workflow} on {ref or 'the default branch'}"

    @staticmethod
    def url(issue: Issue) -> str:
        return f"https://github.example/acme/churn/issues/{issue.number}"


def table(path: Path, columns: dict[str, list[object]]) -> Path:
    names = list(columns)
    rows = zip(*columns.values(), strict=True)
    path.write_text(
        ",".join(names) + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "mlgate.yml"
    path.write_text(
        "model: churn\nmonitor:\n  labels: [mlgate, drift]\n"
        "  retrain: {workflow: retrain.yml, ref: main, inputs: {reason: drift, full: true}}\n",
        encoding="utf-8",
    )
    return load_config(path)


def report(tmp_path: Path, *, shift: int, features: int = 2, name: str = "tenure") -> DriftReport:
    columns = {f"{name}_{i}" if i else name: list(range(1000)) for i in range(features)}
    moved = {
        key: [v + shift * (i % 2 == 0) for v in values]
        for i, (key, values) in enumerate(columns.items())
    }
    return compare_tables(
        read_table(table(tmp_path / "ref.csv", columns), role="reference"),
        read_table(table(tmp_path / f"cur-{shift}.csv", moved), role="current"),
        settings=load_config(None).drift,
        reference_label="models:/churn/3",
        model="churn",
    )


def run(
    tracker: MemoryTracker, drift: DriftReport, config: Config, *, max_chars: int = 65_536
) -> MonitorOutcome:
    return track(
        MonitorReport(model=drift.model, drift=drift),
        tracker=tracker,
        config=config,
        now="2026-12-01T06:17:00Z",
        where="Reference models:/churn/3. [Run](https://ci.example/run/1)",
        max_chars=max_chars,
    )


def test_drift_opens_one_issue_and_starts_retraining_once(tmp_path: Path, config: Config) -> None:
    tracker = MemoryTracker()
    outcome = run(tracker, report(tmp_path, shift=400), config)
    assert outcome.step is Step.OPEN
    (issue,) = tracker.issues
    assert issue.labels == ("mlgate", "drift")
    assert issue.title == "Data drift in churn"
    assert "`tenure`" in issue.body and "<!-- mlgate:drift model=churn -->" in issue.body
    assert outcome.issue_url == MemoryTracker.url(issue)
    assert tracker.dispatched == [("retrain.yml", "main", {"reason": "drift", "full": "true"})]
    assert outcome.retrain == "workflow retrain.yml on main"

    again = run(tracker, report(tmp_path, shift=400), config)
    assert again.step is Step.UPDATE
    assert len(tracker.issues) == 1 and len(tracker.dispatched) == 1, "no second retraining"
    assert issue.comments == [], "the same features still drift: no comment"


def test_a_change_in_what_drifts_is_commented(tmp_path: Path, config: Config) -> None:
    tracker = MemoryTracker()
    run(tracker, report(tmp_path, shift=400, features=2), config)
    run(tracker, report(tmp_path, shift=400, features=4), config)
    (issue,) = tracker.issues
    assert len(issue.comments) == 1
    assert issue.comments[0].startswith("The drifting features changed")
    assert "tenure\\_2" in issue.comments[0], "feature names are escaped Markdown"


def test_no_drift_closes_the_issue_with_how_long_it_lasted(tmp_path: Path, config: Config) -> None:
    tracker = MemoryTracker()
    run(tracker, report(tmp_path, shift=400), config)
    run(tracker, report(tmp_path, shift=400), config)
    outcome = run(tracker, report(tmp_path, shift=0), config)
    assert outcome.step is Step.CLOSE
    (issue,) = tracker.issues
    assert issue.state == "closed"
    assert issue.comments[-1].startswith("✅ Drift ended after 2 checks since 2026-12-01T06:17:00Z")


def test_no_drift_and_no_issue_does_nothing(tmp_path: Path, config: Config) -> None:
    tracker = MemoryTracker()
    outcome = run(tracker, report(tmp_path, shift=0), config)
    assert (outcome.step, outcome.issue_url, tracker.issues) == (Step.NONE, None, [])


def test_retraining_that_cannot_start_leaves_the_issue_open_and_says_why(
    tmp_path: Path, config: Config
) -> None:
    tracker = MemoryTracker(dispatch_error="GitHub: 404 workflow retrain.yml not found")
    outcome = run(tracker, report(tmp_path, shift=400), config)
    assert outcome.step is Step.OPEN and len(tracker.issues) == 1
    assert outcome.retrain is None
    assert outcome.problems == [
        "retraining was not started: GitHub: 404 workflow retrain.yml not found"
    ]


def test_without_a_retrain_workflow_nothing_is_dispatched(tmp_path: Path) -> None:
    path = tmp_path / "mlgate.yml"
    path.write_text("model: churn\n", encoding="utf-8")
    tracker = MemoryTracker()
    outcome = run(tracker, report(tmp_path, shift=400), load_config(path))
    assert outcome.step is Step.OPEN and tracker.dispatched == [] and outcome.retrain is None


def test_a_wide_report_fits_the_platforms_limit(tmp_path: Path, config: Config) -> None:
    tracker = MemoryTracker()
    drift = report(tmp_path, shift=400, features=300, name="feature_with_a_long_descriptive_name")
    run(tracker, drift, config, max_chars=20_000)
    (issue,) = tracker.issues
    assert len(issue.body) <= 20_000
    assert "<!-- mlgate:drift-state " in issue.body, "the state line survives shortening"


def test_hostile_feature_names_stay_text_in_the_issue(tmp_path: Path, config: Config) -> None:
    tracker = MemoryTracker()
    run(tracker, report(tmp_path, shift=400, name="x<script>"), config)
    (issue,) = tracker.issues
    assert "<script>" not in issue.body.split("<!-- mlgate:drift-state")[0]
