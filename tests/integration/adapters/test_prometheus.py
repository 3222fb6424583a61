"""The monitoring export against the real Prometheus stack (Debian's prometheus and
prometheus-pushgateway, started here on free loopback ports): `mlgate drift --pushgateway`
PUTs its group, Prometheus scrapes the Pushgateway with honor_labels and answers PromQL for
the drifting count; the textfile parses with prometheus-client's parser; the shipped alert
rules pass `promtool check rules` and the dashboard queries the metrics it ships for."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from prometheus_client.parser import text_string_to_metric_families
from registry_helpers import free_port

from mlgate.cli import cli

pytestmark = pytest.mark.skipif(
    not shutil.which("prometheus-pushgateway") or not shutil.which("prometheus"),
    reason="make test installs prometheus and prometheus-pushgateway (scripts/system-tools.sh)",
)
ASSETS = resources.files("mlgate.monitor.assets")
ROOT = Path(__file__).resolve().parents[3]


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text()[-2000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up:\n{log.read_text()[-2000:]}")


def _start(command: list[str], root: Path, name: str, ready: str) -> subprocess.Popen[bytes]:
    log = root / f"{name}.log"
    process = subprocess.Popen(
        command, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )
    _wait(ready, process, log)
    return process


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("prometheus")
    gateway_port, prometheus_port = free_port(), free_port()
    gateway = f"http://127.0.0.1:{gateway_port}"
    pushgateway = _start(
        ["prometheus-pushgateway", f"--web.listen-address=127.0.0.1:{gateway_port}"],
        root,
        "pushgateway",
        f"{gateway}/-/ready",
    )
    (root / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: [{ASSETS.joinpath('prometheus-rules.yml')}]\n"
        "scrape_configs:\n"
        "  - job_name: pushgateway\n"
        "    honor_labels: true\n"
        f"    static_configs: [{{targets: ['127.0.0.1:{gateway_port}']}}]\n"
    )
    prometheus_url = f"http://127.0.0.1:{prometheus_port}"
    prometheus = _start(
        [
            "prometheus",
            f"--config.file={root / 'prometheus.yml'}",
            f"--storage.tsdb.path={root / 'data'}",
            f"--web.listen-address=127.0.0.1:{prometheus_port}",
        ],
        root,
        "prometheus",
        f"{prometheus_url}/-/ready",
    )
    try:
        yield {"pushgateway": gateway, "prometheus": prometheus_url}
    finally:
        for process in (prometheus, pushgateway):
            process.terminate()
            process.wait(timeout=15)


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


def query(prometheus: str, promql: str) -> list[dict[str, object]]:
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
    with urllib.request.urlopen(url, timeout=5) as answer:
        data = json.load(answer)
    assert data["status"] == "success"
    return list(data["data"]["result"])


def test_a_push_reaches_prometheus_and_the_textfile_parses(
    stack: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tables(tmp_path)
    model = "churn/eu"  # a slash: the grouping key is base64-encoded in the URL
    result = drift(model, stack["pushgateway"], "--metrics-file", "out/mlgate.prom")
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

    with urllib.request.urlopen(f"{stack['pushgateway']}/metrics", timeout=5) as answer:
        pushed = answer.read().decode()
    assert (
        'mlgate_features_drifting_total{instance="",job="mlgate",model="churn/eu",version=""} 1'
        in pushed
    )

    promql = f'mlgate_features_drifting_total{{model="{model}"}}'
    deadline = time.monotonic() + 20
    found: list[dict[str, object]] = []
    while time.monotonic() < deadline and not found:
        found = query(stack["prometheus"], promql)
        time.sleep(0.5)
    assert found, f"Prometheus never answered {promql}"
    assert found[0]["value"][1] == "1"  # type: ignore[index]
    assert found[0]["metric"]["job"] == "mlgate"  # type: ignore[index]

    # A second run replaces the group (PUT): the drift is gone, the count follows.
    (tmp_path / "served.csv").write_text((tmp_path / "train.csv").read_text())
    again = drift(model, stack["pushgateway"])
    assert again.exit_code == 0
    with urllib.request.urlopen(f"{stack['pushgateway']}/metrics", timeout=5) as answer:
        assert (
            'mlgate_features_drifting_total{instance="",job="mlgate",model="churn/eu",version=""} 0'
            in answer.read().decode()
        )


def test_the_alert_rules_pass_promtool_and_load_in_prometheus(stack: dict[str, str]) -> None:
    checked = subprocess.run(
        ["promtool", "check", "rules", str(ASSETS.joinpath("prometheus-rules.yml"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with urllib.request.urlopen(f"{stack['prometheus']}/api/v1/rules", timeout=5) as answer:
        groups = json.load(answer)["data"]["groups"]
    names = {rule["name"] for group in groups for rule in group["rules"]}
    assert names == {
        "MlgateFeatureDrift",
        "MlgatePredictionDrift",
        "MlgatePerformanceDegraded",
        "MlgateMonitorStale",
        "MlgateMonitorGone",
    }


def test_every_shipped_rule_passes_its_promtool_unit_tests() -> None:
    tests = ASSETS.joinpath("prometheus-rules.test.yml")
    rules = ASSETS.joinpath("prometheus-rules.yml").read_text()
    declared = set(re.findall(r"- alert: (\w+)", rules))
    tested = set(re.findall(r"alertname: (\w+)", tests.read_text()))
    assert declared == tested, "every rule needs a promtool unit test"
    found = subprocess.run(
        ["promtool", "test", "rules", tests.name],
        cwd=str(tests.parent),
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
    stack: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    tables(tmp_path)
    # Prometheus itself answers a push with an HTTP error: a server that refuses.
    result = drift("m", stack["prometheus"], "--metrics-file", "m.prom")
    assert result.exit_code == 0, result.output
    assert f"warning: Pushgateway {stack['prometheus']}: push failed" in result.output
    assert (tmp_path / "m.prom").is_file() and (tmp_path / "mlgate-drift.json").is_file()
    required = drift("m", stack["prometheus"], "--require-push")
    assert required.exit_code == 3 and "push failed" in required.output
