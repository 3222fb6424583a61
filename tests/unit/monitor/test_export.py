"""The Prometheus families for drift, skew and monitor: names, labels and values as the
docs promise, written through prometheus-client and read back with its parser; hostile
model and feature names stay label values; one group per command and check, and a check
that could not judge replaces only its status."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from mlgate.adapters.prometheus import read_textfile, render, write_textfile
from mlgate.core.checks import Status
from mlgate.core.drift import DataSide, DriftReport, FeatureDrift, FeatureStatus, Kind, Measured
from mlgate.core.exposition import Group
from mlgate.core.interval import Interval
from mlgate.core.monitoring import MonitorReport
from mlgate.core.performance import PerformanceReport, Window
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import MetricRow
from mlgate.errors import InputError
from mlgate.monitor.export import (
    drift_families,
    drift_group,
    export,
    monitor_groups,
    run_group,
    version_of,
)


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


def test_a_feature_stores_mismatch_rate_and_staleness_per_feature() -> None:
    from mlgate.core.mismatch import Mismatch

    rows = (
        Mismatch(feature="stats:conv_rate", compared=200, differing=40,
                 staleness=(("0.5", 0.0), ("0.99", 3600.0), ("1", 7200.0))),
        Mismatch(feature='q:"score"', compared=200, differing=0, staleness=(("0.5", 60.0),)),
    )  # fmt: skip
    report = replace(drift(Kind.SKEW), features=(), mismatches=rows, max_mismatch=0.0)
    found = parsed(drift_families(report, model="m", version=""))
    ratio = {s.labels["feature"]: s.value for s in found["mlgate_skew_mismatch_ratio"]}
    assert ratio == {"stats:conv_rate": 0.2, 'q:"score"': 0.0}
    stale = {
        (s.labels["feature"], s.labels["quantile"]): s.value
        for s in found["mlgate_skew_staleness_seconds"]
    }
    assert stale == {("stats:conv_rate", "0.5"): 0.0, ("stats:conv_rate", "0.99"): 3600.0,
                     ("stats:conv_rate", "1"): 7200.0, ('q:"score"', "0.5"): 60.0}  # fmt: skip
    group = drift_group(report, command="skew", model="m", version="", now=1.0)
    status = next(f for f in group.families if f.name == "mlgate_check_status")
    assert status.samples[0][1] == 1.0  # the conv_rate rate is above 0: alert


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


def families_of(groups: list[Group]) -> dict[str, list]:  # type: ignore[type-arg]
    return parsed([f for g in groups for f in g.families])


def monitor_report(**changes: object) -> MonitorReport:
    output = FeatureDrift(
        name="score", kind="numeric", status=FeatureStatus.DRIFT, measured=measured(0.3)
    )
    label = FeatureDrift(
        name="label", kind="categorical", status=FeatureStatus.OK, measured=measured(0.02)
    )
    fields: dict[str, object] = {
        "model": "churn",
        "drift": drift(),
        "performance": performance(),
        "outputs": (output, label),
    }
    fields.update(changes)
    return MonitorReport(**fields)  # type: ignore[arg-type]


def test_monitor_groups_one_per_check_each_series_labelled_with_its_group() -> None:
    groups = monitor_groups(monitor_report(), model="churn", version="7", now=1_800_000_000.0)
    keys = [g.labels for g in groups]
    assert keys == [
        {"model": "churn", "command": "monitor", "check": "drift"},
        {"model": "churn", "command": "monitor", "check": "outputs"},
        {"model": "churn", "command": "monitor", "check": "performance"},
        {"model": "churn", "command": "monitor", "check": "performance", "metric": "accuracy"},
        {"model": "churn", "command": "monitor"},  # the run's own group, pushed last
    ]
    assert all(g.judged for g in groups)
    for group in groups:
        for family in parsed(group.families).values():
            for sample in family:
                assert {k: sample.labels[k] for k in group.labels} == group.labels
    found = families_of(groups)
    live = {(s.labels["metric"], s.labels["window"]): s.value for s in found["mlgate_performance"]}
    assert live == {("accuracy", "all"): 0.84, ("accuracy", "latest"): 0.8}
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
    status = {
        (s.labels["check"], s.labels.get("metric", "")): s.value
        for s in found["mlgate_check_status"]
    }
    assert status == {
        ("drift", ""): 1.0,
        ("outputs", ""): 1.0,
        ("performance", ""): 1.0,
        ("performance", "accuracy"): 1.0,
    }
    assert len(found["mlgate_check_last_judged_timestamp_seconds"]) == 4


def test_a_check_that_could_not_judge_sends_only_its_status_and_keeps_its_findings() -> None:
    no_labels = replace(performance(), labelled=0, rows=(), windows=())
    few = replace(
        drift(),
        features=(FeatureDrift(name="few", kind="numeric", status=FeatureStatus.TOO_FEW),),
    )
    report = monitor_report(drift=few, performance=no_labels, outputs=(), failed={"skew": "x"})
    groups = monitor_groups(report, model="churn", version="7", now=1.0)
    by_check = {g.labels.get("check"): g for g in groups}
    assert not by_check["drift"].judged and not by_check["performance"].judged
    assert "outputs" not in by_check  # not in the outcomes: not touched
    assert not by_check["skew"].judged  # its input could not be read
    assert [f.name for f in by_check["drift"].families] == ["mlgate_check_status"]
    # the counts are sent (what this run saw), the judgment is not
    assert [f.name for f in by_check["performance"].families] == [
        "mlgate_check_status",
        "mlgate_outcomes_total",
    ]
    found = parsed(by_check["drift"].families)
    assert found["mlgate_check_status"][0].value == 2.0


def test_a_metric_that_cannot_be_computed_keeps_its_last_judgment() -> None:
    rule = MetricRule(name="roc_auc", tolerance=0.03)
    missing = MetricRow(
        name="roc_auc",
        baseline=0.9,
        candidate=None,
        status=Status.WARN,
        rule=rule,
        reasons=("not computed: one class",),
    )
    both = replace(performance(), rows=(*performance().rows, missing))
    groups = monitor_groups(monitor_report(performance=both), model="m", version="", now=1.0)
    metric = {g.labels.get("metric"): g for g in groups if "metric" in g.labels}
    assert metric["accuracy"].judged and not metric["roc_auc"].judged


def test_drift_and_skew_commands_have_their_own_groups() -> None:
    groups = [
        drift_group(drift(Kind.SKEW), command="skew", model="m", version="", now=1.0),
        run_group("skew", model="m", status=None, now=1.0),
    ]
    assert [g.labels for g in groups] == [
        {"model": "m", "command": "skew", "check": "skew"},
        {"model": "m", "command": "skew"},
    ]
    assert "mlgate_monitor_status" not in families_of(groups)


def test_the_textfile_keeps_the_groups_this_run_did_not_replace(tmp_path: Path) -> None:
    target = tmp_path / "collector" / "mlgate.prom"
    target.parent.mkdir()
    target.write_text('mlgate_features_drifting_total{model="old"} 3\n')  # before groups
    degraded = monitor_groups(monitor_report(), model="churn", version="7", now=1.0)
    write_textfile(target, degraded)
    assert 'model="old"' not in target.read_text()
    # a drift-only run: performance untouched, the degradation still there
    write_textfile(
        target,
        monitor_groups(
            monitor_report(performance=None, outputs=()), model="churn", version="7", now=2.0
        ),
    )
    found = parsed(read_textfile(target))
    assert found["mlgate_performance_degraded"][0].value == 1.0
    # outcomes with no labels: the status says unknown, the judgment stays
    no_labels = replace(performance(), labelled=0, rows=(), windows=())
    write_textfile(
        target,
        monitor_groups(
            monitor_report(drift=None, performance=no_labels, outputs=()),
            model="churn",
            version="7",
            now=3.0,
        ),
    )
    found = parsed(read_textfile(target))
    assert found["mlgate_performance_degraded"][0].value == 1.0
    status = {
        (s.labels["check"], s.labels.get("metric", "")): s.value
        for s in found["mlgate_check_status"]
    }
    assert status[("performance", "")] == 2.0 and status[("drift", "")] == 1.0
    judged = {
        s.labels["check"]: s.value
        for s in found["mlgate_check_last_judged_timestamp_seconds"]
        if "metric" not in s.labels
    }
    assert judged == {"drift": 2.0, "outputs": 1.0, "performance": 1.0}
    states = {s.labels["state"]: s.value for s in found["mlgate_outcomes_total"]}
    assert states == {"served": 1000.0, "labelled": 0.0}
    # a skew run writing the same file leaves the monitor's groups alone
    skew = [drift_group(drift(Kind.SKEW), command="skew", model="churn", version="", now=4.0)]
    write_textfile(target, skew)
    found = parsed(read_textfile(target))
    assert found["mlgate_performance_degraded"][0].value == 1.0
    assert found["mlgate_features_skewed_total"][0].value == 1.0
    assert list(target.parent.iterdir()) == [target]
    assert target.stat().st_mode & 0o777 == 0o644


def test_an_unreadable_earlier_textfile_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "mlgate.prom"
    target.write_bytes(b"\xff\xfe not prometheus {{{")
    write_textfile(target, [run_group("drift", model="m", status=None, now=1.0)])
    assert set(parsed(read_textfile(target))) == {"mlgate_monitor_last_success_timestamp_seconds"}


def test_an_unwritable_textfile_and_a_bad_url_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match="cannot write the metrics file"):
        write_textfile(tmp_path / "file" / "m.prom", [])
    with pytest.raises(InputError, match="give an http:// or https:// URL"):
        export([], metrics_file=None, pushgateway="ftp://x", require_push=False)


def test_the_reports_checks_say_what_the_export_says() -> None:
    rule = MetricRule(name="roc_auc", tolerance=0.03)
    missing = MetricRow(name="roc_auc", baseline=0.9, candidate=None, status=Status.WARN, rule=rule)
    both = replace(performance(), rows=(*performance().rows, missing))
    few = replace(
        drift(),
        features=(FeatureDrift(name="few", kind="numeric", status=FeatureStatus.TOO_FEW),),
    )
    for report in (
        monitor_report(),
        monitor_report(performance=both, drift=few),
        monitor_report(performance=replace(performance(), labelled=0, rows=(), windows=())),
    ):
        checks = report.checks()
        exported = {}
        for group in monitor_groups(report, model="m", version="", now=1.0):
            if "check" in group.labels:
                name = group.labels["check"] + (
                    f"/{group.labels['metric']}" if "metric" in group.labels else ""
                )
                (status,) = parsed(group.families)["mlgate_check_status"]
                exported[name] = {0.0: "ok", 1.0: "alert", 2.0: "unknown"}[status.value]
        assert {name: c["state"] for name, c in checks.items()} == exported
        assert all(c.get("reason") for c in checks.values() if c["state"] == "unknown")
    assert monitor_report(performance=both).checks()["performance/roc_auc"] == {
        "state": "unknown",
        "reason": "not computed",
    }
    assert MonitorReport.from_dict(monitor_report().to_dict()).checks() == monitor_report().checks()
