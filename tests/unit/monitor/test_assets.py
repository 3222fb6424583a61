"""The shipped Grafana dashboard, checked structurally: its panels query the metric names
mlgate exports (and only those), through the datasource variable."""

from __future__ import annotations

import json
import re
from importlib import resources

DASHBOARD = json.loads(
    resources.files("mlgate.monitor.assets").joinpath("grafana-dashboard.json").read_text()
)
EXPORTED = {
    "mlgate_feature_drift_psi",
    "mlgate_features_drifting_total",
    "mlgate_prediction_drift_psi",
    "mlgate_label_drift_psi",
    "mlgate_performance",
    "mlgate_performance_reference",
    "mlgate_performance_degraded",
    "mlgate_outcomes_total",
    "mlgate_monitor_last_success_timestamp_seconds",
    # mlgate canary (docs/canary.md): why a rollout stopped
    "mlgate_canary_decision",
    "mlgate_canary_delta",
    "mlgate_canary_delta_low",
    "mlgate_canary_delta_high",
    "mlgate_canary_requests",
    "mlgate_canary_needed",
    "mlgate_canary_last_decision_timestamp_seconds",
    # mlgate skew --feast / monitor with skew.feast (docs/feature-store.md)
    "mlgate_skew_mismatch_ratio",
    "mlgate_skew_staleness_seconds",
}


def test_the_dashboard_queries_what_mlgate_exports_through_the_datasource_variable() -> None:
    variables = {v["name"]: v for v in DASHBOARD["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    queried = set()
    for panel in DASHBOARD["panels"]:
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}"
            queried |= set(re.findall(r"mlgate_[a-z_]+", target["expr"]))
    assert queried <= EXPORTED
    for required in (
        "mlgate_feature_drift_psi",  # per-feature PSI over time
        "mlgate_features_drifting_total",  # the drifting count
        "mlgate_performance",  # live …
        "mlgate_performance_reference",  # … against reference
        "mlgate_monitor_last_success_timestamp_seconds",  # the last run's age
    ):
        assert required in queried
    ids = [p["id"] for p in DASHBOARD["panels"]]
    assert len(ids) == len(set(ids))


def test_every_exported_family_is_in_the_monitoring_docs() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[3] / "docs" / "monitoring.md").read_text()
    for name in EXPORTED | {
        "mlgate_check_status",
        "mlgate_check_last_judged_timestamp_seconds",
        "mlgate_feature_drifting",
        "mlgate_performance_delta_bound",
        "mlgate_monitor_status",
    }:
        assert f"`{name}" in docs, name
