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
from mlgate.core.monitoring import MonitorReport
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
        MonitorReport(model=drift.model, drift=drift),
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


def degraded(drift: DriftReport, *metrics: str) -> MonitorReport:
    from mlgate.core.checks import Status
    from mlgate.core.performance import PerformanceReport
    from mlgate.core.verdict import MetricRow

    failing = [MetricRow(name=m, baseline=0.9, candidate=0.8, status=Status.FAIL) for m in metrics]
    rows = (*failing, MetricRow(name="recall", baseline=0.7, candidate=0.7, status=Status.PASS))
    performance = PerformanceReport(
        model="churn",
        version="3",
        reference="models:/churn@champion",
        outcomes="o.csv",
        served=100,
        labelled=100,
        rows=rows,
    )
    return MonitorReport(model="churn", drift=drift, performance=performance)


def plan_for(report: MonitorReport, existing: TrackedIssue | None):  # type: ignore[no-untyped-def]
    return plan_tracking(
        report,
        existing,
        marker=MARKER,
        section="S",
        now="2026-11-27T10:00:00Z",
        where="Run 8.",
        retrain=True,
        escape=lambda s: s,
    )


def test_one_issue_carries_drift_and_degradation_together() -> None:
    opened = plan_for(degraded(report(), "accuracy"), None)
    assert opened.step is Step.OPEN and opened.title == "Performance drop in churn"
    assert opened.retrain and "Degraded since" in opened.body
    both = plan_for(degraded(report("age"), "accuracy"), TrackedIssue(number=1, body=opened.body))
    assert both.step is Step.UPDATE and both.title == "Data drift and performance drop in churn"
    assert (
        "The drifting features changed" in both.comment and "degraded metrics" not in both.comment
    )
    state = read_state(both.body)
    assert state is not None and state.degraded == ("accuracy",) and state.checks == 2
    more = plan_for(
        degraded(report("age"), "accuracy", "f1"), TrackedIssue(number=1, body=both.body)
    )
    assert "The degraded metrics changed as of 2026-11-27T10:00:00Z: accuracy, f1." in more.comment
    closed = plan_for(degraded(report()), TrackedIssue(number=1, body=more.body))
    assert closed.step is Step.CLOSE
    assert closed.comment.startswith("✅ Drift and degradation ended after 3 checks")
    assert "no drift and no degradation" in closed.comment


def outcomes_only(*metrics: str, labelled: int = 100) -> MonitorReport:
    found = degraded(report(), *metrics)
    assert found.performance is not None
    from dataclasses import replace

    performance = replace(found.performance, labelled=labelled, settings={"min_labels": 30})
    return MonitorReport(model="churn", performance=performance)


def test_a_run_that_did_not_look_never_closes_the_alarm() -> None:
    opened = plan_for(outcomes_only("accuracy"), None)
    assert opened.step is Step.OPEN
    issue = TrackedIssue(number=1, body=opened.body)
    # the daily drift-only run: performance was not checked, the degradation stays
    drift_only = plan_for(MonitorReport(model="churn", drift=report()), issue)
    assert drift_only.step is Step.UPDATE
    state = read_state(drift_only.body)
    assert state is not None and state.degraded == ("accuracy",)
    assert "performance: not checked this run (no outcomes)" in drift_only.body
    # outcomes with no labels yet: unknown, not "degradation ended"
    no_labels = plan_for(outcomes_only(labelled=0), TrackedIssue(number=1, body=drift_only.body))
    assert no_labels.step is Step.UPDATE
    assert "performance: no labels yet (0 labelled of 100 served)" in no_labels.body
    too_few = plan_for(outcomes_only(labelled=12), TrackedIssue(number=1, body=no_labels.body))
    assert too_few.step is Step.UPDATE and "monitor.min_labels is 30" in too_few.body
    # only a run that judged performance ends the degradation
    ended = plan_for(outcomes_only(), TrackedIssue(number=1, body=too_few.body))
    assert ended.step is Step.CLOSE


def test_too_few_rows_to_judge_drift_ends_no_drift_alarm() -> None:
    opened = plan(report("age"), None)
    small = DriftReport(
        kind=Kind.DRIFT,
        model="churn",
        reference=DataSide(label="models:/churn/3", rows=100),
        current=DataSide(label="cur.csv", rows=20),
        features=(FeatureDrift(name="age", kind="numeric", status=FeatureStatus.TOO_FEW),),
    )
    assert small.status.value == "warn"
    assert small.headline() == "drift not judged: 1 feature with too few values to judge"
    kept = plan(small, TrackedIssue(number=3, body=opened.body))
    assert kept.step is Step.UPDATE
    assert "drift: 1 feature with too few values to judge" in kept.body
    assert plan(small, None).step is Step.NONE


def test_a_metric_this_run_could_not_compute_keeps_its_alarm() -> None:
    from dataclasses import replace

    from mlgate.core.checks import Status
    from mlgate.core.verdict import MetricRow

    opened = plan_for(degraded(report(), "roc_auc"), None)
    found = degraded(report())
    assert found.performance is not None
    rows = (
        *found.performance.rows,
        MetricRow(name="roc_auc", baseline=0.9, candidate=None, status=Status.WARN),
    )
    one_class = replace(found, performance=replace(found.performance, rows=rows))
    kept = plan_for(one_class, TrackedIssue(number=1, body=opened.body))
    assert kept.step is Step.UPDATE
    state = read_state(kept.body)
    assert state is not None and state.degraded == ("roc_auc",)
    assert "roc_auc: not computed this run" in kept.body
    ended = plan_for(degraded(report()), TrackedIssue(number=1, body=kept.body))
    assert ended.step is Step.CLOSE


def test_a_failed_inputs_reason_is_escaped_on_the_issue() -> None:
    opened = plan_for(degraded(report(), "accuracy"), None)
    failed = MonitorReport(
        model="churn", drift=report(), failed={"performance": "o*.csv: unreadable"}
    )
    kept = plan_tracking(
        failed,
        TrackedIssue(number=1, body=opened.body),
        marker=MARKER,
        section="S",
        now="2026-11-27T10:00:00Z",
        where="Run 8.",
        retrain=True,
        escape=lambda s: s.replace("*", "\\*"),
    )
    assert kept.step is Step.UPDATE
    state = read_state(kept.body)
    assert state is not None and state.degraded == ("accuracy",)
    assert "performance: o\\*.csv: unreadable" in kept.body
