"""Degradation as plain data: the gate's judgement in the monitor's words, the report's
status, headline and JSON round trip, and the monitoring report that holds drift and
performance together."""

from __future__ import annotations

import json
import math

import pytest

from mlgate.core.checks import Status
from mlgate.core.drift import DataSide, DriftReport, FeatureDrift, FeatureStatus, Kind
from mlgate.core.interval import Interval
from mlgate.core.monitoring import MonitorReport
from mlgate.core.performance import PerformanceReport, Window, judge_live
from mlgate.core.rules import MetricRule
from mlgate.core.significance import Mode

ACCURACY = MetricRule(name="accuracy", tolerance=0.03, required=False)


def ci(low: float, high: float) -> Interval:
    return Interval(low=low, high=high, confidence=0.95, method="Newcombe (Wilson)")


@pytest.mark.parametrize(
    ("live", "interval", "mode", "status", "words"),
    [
        (0.85, ci(-0.07, -0.04), Mode.SIGNIFICANT, Status.FAIL, "and significantly"),
        (0.85, ci(-0.12, 0.02), Mode.SIGNIFICANT, Status.WARN, "too few labelled outcomes"),
        (0.85, ci(-0.12, 0.02), Mode.POINT, Status.FAIL, "exceeds max_drop 0.03"),
        (0.89, ci(-0.05, 0.03), Mode.NON_INFERIORITY, Status.FAIL, "not shown non-inferior"),
        (0.895, ci(-0.01, 0.0), Mode.SIGNIFICANT, Status.PASS, ""),
        (None, None, Mode.SIGNIFICANT, Status.WARN, "not computable from the outcomes"),
        (math.nan, None, Mode.SIGNIFICANT, Status.WARN, "live value is NaN"),
    ],
)
def test_judged_as_the_gate_judges_in_the_monitors_words(
    live: float | None, interval: Interval | None, mode: Mode, status: Status, words: str
) -> None:
    row = judge_live(ACCURACY, live=live, reference=0.9, interval=interval, mode=mode)
    assert row.status is status, row.reasons
    text = "; ".join(row.reasons)
    assert words in text
    assert "candidate" not in text and "evaluation set" not in text


def test_no_reference_value_is_said() -> None:
    row = judge_live(ACCURACY, live=0.8, reference=None, interval=None, mode=Mode.SIGNIFICANT)
    assert row.status is Status.NEW
    assert "production's own metric was not recorded" in row.reasons[-1]


def report(*rows_status: Status, windows: tuple[Window, ...] = ()) -> PerformanceReport:
    rows = tuple(
        judge_live(
            MetricRule(name=f"m{i}", tolerance=0.01, required=False),
            live=0.8 if s is Status.FAIL else 0.9,
            reference=0.9,
            interval=ci(-0.12, -0.08) if s is Status.FAIL else ci(-0.01, 0.01),
            mode=Mode.SIGNIFICANT,
        )
        for i, s in enumerate(rows_status)
    )
    return PerformanceReport(
        model="churn",
        version="3",
        reference="models:/churn@champion (version 3)",
        outcomes="o.csv",
        served=12_000,
        labelled=9_000,
        rows=rows,
        windows=windows,
        window="day" if windows else None,
        settings={"min_labels": 30},
    )


def test_status_headline_and_coverage() -> None:
    calm = report(Status.PASS, Status.PASS)
    assert calm.status is Status.PASS and calm.degraded == ()
    assert calm.headline() == "no degradation in 2 metrics; 9,000 labelled of 12,000 served"
    partial = (
        Window(start="2026-11-01", served=10, labelled=10),
        Window(start="2026-11-02", served=10, labelled=4),
    )
    worse = report(Status.FAIL, Status.PASS, windows=partial)
    assert worse.status is Status.WARN and [r.name for r in worse.degraded] == ["m0"]
    assert worse.headline().startswith("degradation in 1 metric: m0 −0.1; 9,000 labelled")
    assert worse.headline().endswith("labels still arriving for 1 window")
    assert worse.coverage == 0.75 and partial[1].coverage == 0.4
    assert worse.check().name == "model performance"


def test_the_json_round_trips_and_says_reference_and_live() -> None:
    windows = (
        Window(start="2026-11-01", served=5000, labelled=4000, rows=report(Status.FAIL).rows),
    )
    original = report(Status.FAIL, Status.PASS, windows=windows)
    data = json.loads(json.dumps(original.to_dict(), allow_nan=False))
    assert data["metrics"][0]["reference"] == 0.9 and data["metrics"][0]["live"] == 0.8
    assert data["windows"][0]["coverage"] == 0.8
    again = PerformanceReport.from_dict(data)
    assert again.to_dict() == original.to_dict()


def drift(*drifting: str) -> DriftReport:
    features = tuple(
        FeatureDrift(name=n, kind="numeric", status=FeatureStatus.DRIFT) for n in drifting
    )
    return DriftReport(
        kind=Kind.DRIFT,
        model="churn",
        reference=DataSide(label="models:/churn/3", rows=10),
        current=DataSide(label="c.csv", rows=10),
        features=(*features, FeatureDrift(name="calm", kind="numeric", status=FeatureStatus.OK)),
    )


def test_the_monitor_report_joins_drift_outputs_and_degradation() -> None:
    output = FeatureDrift(name="score", kind="numeric", status=FeatureStatus.DRIFT)
    both = MonitorReport(
        model="churn", drift=drift("age"), performance=report(Status.FAIL), outputs=(output,)
    )
    assert both.drifting == ("age", "score (model output)") and both.degraded == ("m0",)
    assert both.alerting and both.status is Status.WARN
    assert (
        "drift in 1 of 2 features: age" in both.headline() and "drift in score" in both.headline()
    )
    data = json.loads(json.dumps(both.to_dict(), allow_nan=False))
    assert data["kind"] == "mlgate-monitor" and data["drifting"] == ["age", "score (model output)"]
    assert MonitorReport.from_dict(data).to_dict() == both.to_dict()
    quiet = MonitorReport(model="churn", performance=report(Status.PASS))
    assert not quiet.alerting and quiet.status is Status.PASS and quiet.drift is None
    failing = MonitorReport(
        model="churn",
        drift=DriftReport(
            kind=Kind.DRIFT,
            model="churn",
            reference=DataSide(label="r", rows=1),
            current=DataSide(label="c", rows=1),
            features=(
                FeatureDrift(name="x", kind="numeric", status=FeatureStatus.DRIFT, fail=True),
            ),
        ),
    )
    assert failing.status is Status.FAIL
    assert MonitorReport(model=None).headline() == "nothing to check"
