"""The unattended loop against the real monitoring stack: scheduled `mlgate monitor` runs
push to Debian's Pushgateway, a real Prometheus scrapes it and evaluates the shipped rules,
and the tracking issue lives on the fake GitHub. A run that could not judge — no current
data, 20 rows, outcomes with no labels — keeps both the issue and the alerts; `skew`
pushing for the same model leaves them alone; after a Pushgateway restart the "gone" rule
selects the model; only runs that judged end the alarms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner
from github_server import FakeGitHub
from monitor_helpers import REPO, in_scheduled_github_run, outcomes_file
from prometheus_stack import ASSETS, Stack, needs_prometheus

from mlgate.cli import cli

pytestmark = needs_prometheus
CHURN = 'model="churn"'


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("prometheus-unattended"))
    yield running
    running.close()


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    server.state.users = {"actions-token": None}
    yield server
    server.close()


def features(path: Path, *, rows: int, tenure: float, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    columns = {"tenure": rng.normal(tenure, 1, rows), "charges": rng.normal(50, 10, rows)}
    pq.write_table(pa.table(columns), path)
    return path


def value(stack: Stack, promql: str) -> float:
    (found,) = stack.wait_for(promql)
    return float(found["value"][1])  # type: ignore[index]


def settled(stack: Stack, check: str, status: int) -> None:
    """Wait until Prometheus scraped the check's new status (the run's push has landed)."""
    stack.wait_for(
        f'mlgate_check_status{{{CHURN},command="monitor",check="{check}",metric=""}} == {status}'
    )


def test_an_alarm_outlives_every_run_that_did_not_judge_it(
    stack: Stack, github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mlgate.yml").write_text(
        "model: churn\nmonitor:\n  performance:\n    accuracy: {max_drop: 0.03}\n"
    )
    in_scheduled_github_run(github, tmp_path, monkeypatch)
    reference = features(tmp_path / "reference.parquet", rows=3000, tenure=0.0, seed=1)
    drifted = features(tmp_path / "drifted.parquet", rows=3000, tenure=0.8, seed=2)
    steady = features(tmp_path / "steady.parquet", rows=3000, tenure=0.0, seed=3)
    truncated = features(tmp_path / "truncated.parquet", rows=20, tenure=3.0, seed=4)
    labels = outcomes_file(tmp_path / "at-evaluation.csv", accuracy=0.9, seed=5)
    bad = outcomes_file(tmp_path / "bad.csv", accuracy=0.8, seed=6)
    pending = outcomes_file(tmp_path / "pending.csv", accuracy=0.9, labelled=False, seed=7)
    good = outcomes_file(tmp_path / "good.csv", accuracy=0.9, seed=8)

    def monitor(*, current: Path | None = None, outcomes: Path | None = None) -> str:
        args = ["monitor", "--pushgateway", stack.pushgateway, "--reference", str(reference)]
        if current is not None:
            args += ["--current", str(current)]
        if outcomes is not None:
            args += ["--performance-reference", str(labels), "--outcomes", str(outcomes)]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "warning" not in result.output
        return result.output

    def issue() -> dict[str, str]:
        (only,) = github.issues(REPO)
        return only  # type: ignore[no-any-return]

    # drift and degradation: one issue, both alerts firing
    assert "tracking issue opened" in monitor(current=drifted, outcomes=bad)
    assert issue()["title"] == "Data drift and performance drop in churn"
    stack.wait_for(f'ALERTS{{alertname="MlgatePerformanceDegraded",{CHURN},alertstate="firing"}}')
    stack.wait_for(f'ALERTS{{alertname="MlgateFeatureDrift",{CHURN},alertstate="firing"}}')
    judged_at = value(
        stack,
        f'mlgate_check_last_judged_timestamp_seconds{{{CHURN},check="performance",metric=""}}',
    )

    # a truncated export of 20 rows: drift unknown, never "no drift"
    assert "tracking issue updated" in monitor(current=truncated)
    settled(stack, "drift", 2)
    assert issue()["state"] == "open" and "drift: " in issue()["body"]
    # a drift-only run did not look at performance: its group is untouched
    assert judged_at == value(
        stack,
        f'mlgate_check_last_judged_timestamp_seconds{{{CHURN},check="performance",metric=""}}',
    )

    # outcomes whose labels have not arrived: performance unknown, the degradation stays
    monitor(outcomes=pending)
    settled(stack, "performance", 2)
    assert value(stack, f'mlgate_outcomes_total{{{CHURN},state="labelled"}}') == 0
    assert value(stack, f'mlgate_performance_degraded{{{CHURN},metric="accuracy"}}') == 1
    assert issue()["state"] == "open" and "no labels yet" in issue()["body"]
    assert stack.firing("MlgatePerformanceDegraded") and stack.firing("MlgateFeatureDrift")

    # another command for the same model pushes its own groups, and erases nothing
    monitor_ran = value(
        stack, f'mlgate_monitor_last_success_timestamp_seconds{{{CHURN},command="monitor"}}'
    )
    skew = CliRunner().invoke(
        cli,
        [
            "skew",
            "--training",
            str(reference),
            "--serving",
            str(steady),
            "--model",
            "churn",
            "--pushgateway",
            stack.pushgateway,
        ],
        catch_exceptions=False,
    )
    assert skew.exit_code == 0, skew.output
    stack.wait_for(f'mlgate_check_status{{{CHURN},command="skew",check="skew"}} == 0')
    assert stack.firing("MlgatePerformanceDegraded") and stack.firing("MlgateFeatureDrift")
    assert monitor_ran == value(
        stack, f'mlgate_monitor_last_success_timestamp_seconds{{{CHURN},command="monitor"}}'
    )

    # a Pushgateway restart without persistence: the series are gone, and that is an alert
    rules = yaml.safe_load(ASSETS.joinpath("prometheus-rules.yml").read_text())
    (gone,) = [r for r in rules["groups"][0]["rules"] if r.get("alert") == "MlgateMonitorGone"]
    assert not [r for r in stack.query(gone["expr"]) if r["metric"]["model"] == "churn"]  # type: ignore[index]
    stack.restart_gateway()
    stack.wait_for(f"mlgate_check_status{{{CHURN}}}", present=False)
    found = stack.wait_for(gone["expr"])
    assert {r["metric"]["model"] for r in found} == {"churn"}  # type: ignore[index]
    # (the rule's `for: 10m` and its firing are tested by promtool on the same rule)

    # only runs that judged end the alarms: the issue closes, the alerts resolve
    assert "tracking issue closed" in monitor(current=steady, outcomes=good)
    assert issue()["state"] == "closed"
    settled(stack, "performance", 0)
    stack.wait_for(f'ALERTS{{alertname="MlgatePerformanceDegraded",{CHURN}}}', present=False)
    stack.wait_for(f'ALERTS{{alertname="MlgateFeatureDrift",{CHURN}}}', present=False)
    assert not [r for r in stack.query(gone["expr"]) if r["metric"]["model"] == "churn"]  # type: ignore[index]
