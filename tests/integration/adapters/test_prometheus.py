"""The monitoring export against the real Prometheus stack (Debian's prometheus and
prometheus-pushgateway, started here on free loopback ports): `mlgate drift --pushgateway`
PUTs its group, Prometheus scrapes the Pushgateway with honor_labels and answers PromQL for
the drifting count; the textfile parses with prometheus-client's parser; the shipped alert
rules pass `promtool check rules` and the dashboard queries the metrics it ships for."""

from __future__ import annotations

import json
import re
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from prometheus_client.parser import text_string_to_metric_families
from prometheus_stack import ASSETS, Stack, needs_prometheus

from mlgate.cli import cli

pytestmark = needs_prometheus
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = Stack(tmp_path_factory.mktemp("prometheus"))
    yield running
    running.close()


def tables(root: Path) -> None:
    rng = np.random.default_rng(0)
    for name, shift in (("train.csv", 0.0), ("served.csv", 1.0)):
        rows = "".join(
            f"{a:.5f},{b:.5f}\n"
            for a, b in zip(rng.normal(shift, 1, 800), rng.normal(0, 1, 800), strict=True)
        )
        (root / name).write_text("tenure,charges\n" + rows)


def drift(model: str, push_to: str, *extra: str) -> Result:
    """`mlgate drift` on train.csv against served.csv, pushing to ``push_to``."""
    args = ["drift", "--reference", "train.csv", "--current", "served.csv", "--model", model]
    return CliRunner().invoke(
        cli, [*args, "--pushgateway", push_to, *extra], catch_exceptions=False
    )


def test_a_push_reaches_prometheus_and_the_textfile_parses(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tables(tmp_path)
    model = "churn/eu"  # a slash: the grouping key is base64-encoded in the URL
    result = drift(model, stack.pushgateway, "--metrics-file", "out/mlgate.prom")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    families = {
        f.name: f
        for f in text_string_to_metric_families((tmp_path / "out/mlgate.prom").read_text())
    }
    drifting = {s.labels["feature"]: s.value for s in families["mlgate_feature_drifting"].samples}
    assert drifting == {"tenure": 1.0, "charges": 0.0}
    assert families["mlgate_features_drifting_total"].samples[0].value == 1.0
    assert not list(tmp_path.joinpath("out").glob(".mlgate.prom.*"))  # renamed into place

    series = (
        'mlgate_features_drifting_total{check="drift",command="drift",instance="",job="mlgate",'
        'model="churn/eu",version=""}'
    )
    assert f"{series} 1" in stack.pushed()

    promql = f'mlgate_features_drifting_total{{model="{model}"}}'
    found = stack.wait_for(promql)
    assert found[0]["value"][1] == "1"  # type: ignore[index]
    assert found[0]["metric"]["job"] == "mlgate"  # type: ignore[index]

    # A second run replaces the group (PUT): the drift is gone, the count follows.
    (tmp_path / "served.csv").write_text((tmp_path / "train.csv").read_text())
    again = drift(model, stack.pushgateway)
    assert again.exit_code == 0
    assert f"{series} 0" in stack.pushed()


def test_the_alert_rules_pass_promtool_and_load_in_prometheus(stack: Stack) -> None:
    checked = subprocess.run(
        ["promtool", "check", "rules", str(ASSETS.joinpath("prometheus-rules.yml"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with urllib.request.urlopen(f"{stack.prometheus}/api/v1/rules", timeout=5) as answer:
        groups = json.load(answer)["data"]["groups"]
    names = {rule["name"] for group in groups for rule in group["rules"]}
    assert names == {
        "MlgateFeatureDrift",
        "MlgatePredictionDrift",
        "MlgatePerformanceDegraded",
        "MlgateFeatureStoreSkew",
        "MlgateOnlineStoreStale",
        "MlgateMonitorStale",
        "MlgateMonitorGone",
        "MlgateCheckUnknown",
        "MlgateCheckNotJudged",
        "MlgateRelayUndelivered",
    }


def test_every_shipped_rule_passes_its_promtool_unit_tests() -> None:
    files = ["prometheus-rules.test.yml", "prometheus-rules.days.test.yml"]
    rules = ASSETS.joinpath("prometheus-rules.yml").read_text()
    declared = set(re.findall(r"- alert: (\w+)", rules))
    tested = {
        name
        for file in files
        for name in re.findall(r"alertname: (\w+)", ASSETS.joinpath(file).read_text())
    }
    assert declared == tested, "every rule needs a promtool unit test"
    found = subprocess.run(
        ["promtool", "test", "rules", *files],
        cwd=str(ASSETS.joinpath(files[0]).parent),  # type: ignore[attr-defined]
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stdout + found.stderr


def test_the_shipped_files_and_the_examples_are_the_same() -> None:
    for name in ("grafana-dashboard.json", "prometheus-rules.yml"):
        assert (
            ASSETS.joinpath(name).read_text() == (ROOT / "examples/monitoring" / name).read_text()
        )


def test_a_refusing_push_target_is_a_warning_and_the_files_are_written(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tables(tmp_path)
    # Prometheus itself answers a push with an HTTP error: a server that refuses.
    result = drift("m", stack.prometheus, "--metrics-file", "m.prom")
    assert result.exit_code == 0, result.output
    assert f"warning: Pushgateway {stack.prometheus}: push failed" in result.output
    assert (tmp_path / "m.prom").is_file() and (tmp_path / "mlgate-drift.json").is_file()
    required = drift("m", stack.prometheus, "--require-push")
    assert required.exit_code == 3 and "push failed" in required.output
