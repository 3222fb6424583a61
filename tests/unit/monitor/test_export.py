"""The Prometheus families for drift, skew and monitor: names, labels and values as the
docs promise, written through prometheus-client and read back with its parser; hostile
model and feature names stay label values."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from mlgate.adapters.prometheus import render, write_textfile
from mlgate.core.checks import Status
from mlgate.core.drift import DataSide, DriftReport, FeatureDrift, FeatureStatus, Kind, Measured
from mlgate.core.interval import Interval
from mlgate.core.monitoring import MonitorReport
from mlgate.core.performance import PerformanceReport, Window
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import MetricRow
from mlgate.errors import InputError
from mlgate.monitor.export import drift_families, export, monitor_families, version_of


def measured(psi: float) -> Measured:
    return Measured(
        psi=psi,
        distance=0.1,
        p_value=0.001,
        test="ks",
        statistic=0.1,
        reference_rows=100,
        current_rows=100,
        reference_missing=0.0,
        current_missing=0.0,
        reference_summary="",
        current_summary="",
    )


def drift(kind: Kind = Kind.DRIFT) -> DriftReport:
    return DriftReport(
        kind=kind,
        model='churn "eu"\n',
        reference=DataSide(label="models:/churn/7 (50000 rows sampled)", rows=10),
        current=DataSide(label="c.csv", rows=10),
        features=(
            FeatureDrift(
                name='age"} 1\nevil',
                kind="numeric",
                status=FeatureStatus.DRIFT,
                measured=measured(0.4),
            ),
            FeatureDrift(
                name="calm", kind="numeric", status=FeatureStatus.OK, measured=measured(0.01)
            ),
            FeatureDrift(name="few", kind="numeric", status=FeatureStatus.TOO_FEW),
        ),
    )


def parsed(families: list) -> dict[str, list]:  # type: ignore[type-arg]
    return {f.name: f.samples for f in text_string_to_metric_families(render(families))}


def test_drift_families_carry_the_documented_labels_and_survive_hostile_names() -> None:
    report = drift()
    found = parsed(
        drift_families(report, model=report.model or "", version=version_of(report.reference.label))
    )
    psi = found["mlgate_feature_drift_psi"]
    assert {s.labels["feature"]: s.value for s in psi} == {'age"} 1\nevil': 0.4, "calm": 0.01}
    assert {s.labels["model"] for s in psi} == {'churn "eu"\n'} and psi[0].labels["version"] == "7"
    flags = {s.labels["feature"]: s.value for s in found["mlgate_feature_drifting"]}
    assert flags == {'age"} 1\nevil': 1.0, "calm": 0.0}  # too few values: not exported
    assert found["mlgate_features_drifting_total"][0].value == 1.0
    assert found["mlgate_features_judged_total"][0].value == 2.0


def test_skew_has_its_own_names() -> None:
    names = {f.name for f in drift_families(drift(Kind.SKEW), model="m", version="")}
    assert names == {
        "mlgate_feature_skew_psi",
        "mlgate_feature_skewed",
        "mlgate_features_skewed_total",
        "mlgate_features_compared_total",
    }


def performance() -> PerformanceReport:
    rule = MetricRule(name="accuracy", tolerance=0.03)
    interval = Interval(low=-0.07, high=-0.04, confidence=0.95, method="Newcombe (Wilson)")
    row = MetricRow(
        name="accuracy",
        baseline=0.9,
        candidate=0.84,
        status=Status.FAIL,
        rule=rule,
        interval=interval,
    )
    latest = MetricRow(name="accuracy", baseline=0.9, candidate=0.8, status=Status.FAIL, rule=rule)
    return PerformanceReport(
        model="churn",
        version="7",
        reference="r",
        outcomes="o.csv",
        served=1000,
        labelled=600,
        rows=(row,),
        window="day",
        windows=(
            Window(start="2026-11-01", served=500, labelled=400, rows=(latest,)),
            Window(start="2026-11-02", served=500, labelled=10),
        ),
    )


def test_monitor_families() -> None:
    output = FeatureDrift(
        name="score", kind="numeric", status=FeatureStatus.DRIFT, measured=measured(0.3)
    )
    label = FeatureDrift(
        name="label", kind="categorical", status=FeatureStatus.OK, measured=measured(0.02)
    )
    report = MonitorReport(
        model="churn", drift=drift(), performance=performance(), outputs=(output, label)
    )
    found = parsed(monitor_families(report, model="churn", version="7", now=1_800_000_000.0))
    live = {(s.labels["metric"], s.labels["window"]): s.value for s in found["mlgate_performance"]}
    assert live == {
        ("accuracy", "all"): 0.84,
        ("accuracy", "latest"): 0.8,
    }  # the last judged window
    assert found["mlgate_performance_reference"][0].value == 0.9
    assert found["mlgate_performance_degraded"][0].value == 1.0
    bounds = {s.labels["bound"]: s.value for s in found["mlgate_performance_delta_bound"]}
    assert bounds == {"low": -0.07, "high": -0.04}
    states = {s.labels["state"]: s.value for s in found["mlgate_outcomes_total"]}
    assert states == {"served": 1000.0, "labelled": 600.0}
    assert found["mlgate_prediction_drift_psi"][0].value == 0.3
    assert found["mlgate_label_drift_psi"][0].value == 0.02
    assert found["mlgate_monitor_status"][0].value == 1.0
    assert found["mlgate_monitor_last_success_timestamp_seconds"][0].value == 1.8e9


def test_the_textfile_is_replaced_whole_and_readable(tmp_path: Path) -> None:
    target = tmp_path / "collector" / "mlgate.prom"
    families = drift_families(drift(), model="m", version="")
    write_textfile(target, families)
    first = target.read_text()
    write_textfile(target, families[:1])
    assert target.read_text() != first and list(target.parent.iterdir()) == [target]
    assert target.stat().st_mode & 0o777 == 0o644


def test_an_unwritable_textfile_and_a_bad_url_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match="cannot write the metrics file"):
        write_textfile(tmp_path / "file" / "m.prom", [])
    with pytest.raises(InputError, match="give an http:// or https:// URL"):
        export([], model="m", metrics_file=None, pushgateway="ftp://x", require_push=False)
