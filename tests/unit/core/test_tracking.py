"""The tracking issue's lifecycle as plans: open → update (comment only on change) →
close, and the hidden state line that survives hostile feature names."""

from __future__ import annotations

from mlgate.core.drift import (
    DataSide,
    DriftReport,
    FeatureDrift,
    FeatureStatus,
    Kind,
)
from mlgate.core.tracking import State, Step, TrackedIssue, plan_tracking, read_state

MARKER = "<!-- mlgate:drift model=churn -->"


def report(*drifting: str) -> DriftReport:
    features = [
        FeatureDrift(name=name, kind="numeric", status=FeatureStatus.DRIFT) for name in drifting
    ] + [FeatureDrift(name="steady", kind="numeric", status=FeatureStatus.OK)]
    return DriftReport(
        kind=Kind.DRIFT,
        model="churn",
        reference=DataSide(label="models:/churn/3", rows=100),
        current=DataSide(label="cur.csv", rows=100),
        features=tuple(features),
    )


def plan(drift: DriftReport, existing: TrackedIssue | None, now: str = "2026-11-27T10:00:00Z"):  # type: ignore[no-untyped-def]
    return plan_tracking(
        drift,
        existing,
        marker=MARKER,
        section="SECTION",
        now=now,
        where="Run 7.",
        retrain=True,
        escape=lambda s: s.replace("*", "\\*"),
    )


def test_no_drift_and_no_issue_does_nothing() -> None:
    assert plan(report(), None).step is Step.NONE


def test_lifecycle() -> None:
    opened = plan(report("age"), None, now="2026-11-01T00:00:00Z")
    assert opened.step is Step.OPEN and opened.retrain
    assert opened.title == "Data drift in churn"
    assert opened.body.startswith(MARKER + "\n")
    assert "SECTION" in opened.body and "Run 7." in opened.body
    issue = TrackedIssue(number=5, body=opened.body)

    same = plan(report("age"), issue, now="2026-11-02T00:00:00Z")
    assert same.step is Step.UPDATE and not same.retrain
    assert same.comment == ""  # nothing new to say: only the body changes
    assert "Drifting since 2026-11-01T00:00:00Z; seen in 2 checks" in same.body

    changed = plan(report("age", "*bold*"), TrackedIssue(number=5, body=same.body))
    assert "age, \\*bold\\*" in changed.comment  # names are escaped by the caller's function
    assert "seen in 3 checks" in changed.body

    closed = plan(report(), TrackedIssue(number=5, body=changed.body))
    assert closed.step is Step.CLOSE
    assert closed.comment.startswith("✅ Drift ended after 3 checks since 2026-11-01T00:00:00Z")


def test_state_line_keeps_hostile_names_inside_the_comment() -> None:
    state = State(since="now", checks=2, drifting=("a --> <script>", "b"))
    line = state.line()
    assert line.count("-->") == 1 and line.endswith(" -->")
    assert "<script>" not in line
    assert read_state(f"intro\n{line}\nrest") == state


def test_an_edited_body_starts_the_count_afresh() -> None:
    for body in (
        "no state at all",
        "<!-- mlgate:drift-state {not json} -->",
        '<!-- mlgate:drift-state {"since": 1} -->',
    ):
        assert read_state(body) is None
        again = plan(report("age"), TrackedIssue(number=1, body=body))
        assert again.step is Step.UPDATE and "seen in 1 check," in again.body
