"""`mlgate monitor` with skew.feast.repo: the online check on the monitor's schedule, its
families pushed to a real Pushgateway and scraped by Prometheus with the shipped rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from feast_helpers import config
from feast_repo import Repo, shifted
from prometheus_stack import Stack, needs_prometheus

pytestmark = [pytest.mark.xdist_group("feast"), needs_prometheus]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("prometheus"))
    yield running
    running.close()


def test_monitor_exports_mismatch_and_staleness_and_the_rule_fires(
    repo: Repo, run: Any, stack: Stack
) -> None:
    shifted(repo, drivers=20)
    config(f"skew:\n  feast: {{repo: {repo.path}}}\n")
    result = run("monitor", "--model", "driver-ranker", "--pushgateway", stack.pushgateway,
                 "--metrics-file", "mlgate.prom", "--require-push")  # fmt: skip
    assert result.exit_code == 0, result.output  # monitor.fail is off: the issue says it
    report = json.loads(Path("mlgate-monitor.json").read_text())
    assert report["checks"]["skew"] == {"state": "alert"}
    assert report["skew"]["mismatches"][0]["feature"] == "driver_stats:conv_rate"
    assert "driver_stats:conv_rate (online vs offline)" in report["drifting"]
    pushed = stack.pushed()
    assert (
        'mlgate_skew_mismatch_ratio{check="skew",command="monitor",feature="driver_stats:'
        'conv_rate",instance="",job="mlgate",model="driver-ranker",version=""} 0.1' in pushed
    )
    assert 'quantile="0.99"' in pushed and "mlgate_skew_staleness_seconds{" in pushed
    assert "mlgate_skew_mismatch_ratio" in Path("mlgate.prom").read_text()
    found = stack.wait_for('mlgate_skew_mismatch_ratio{model="driver-ranker"} > 0')
    assert {f["metric"]["feature"] for f in found} == {"driver_stats:conv_rate"}  # type: ignore[index]
    stack.wait_for('ALERTS{alertname="MlgateFeatureStoreSkew",alertstate="firing"}')
    firing = stack.firing("MlgateFeatureStoreSkew")
    assert [(a["model"], a["feature"]) for a in firing] == [
        ("driver-ranker", "driver_stats:conv_rate")
    ]
