"""`mlgate canary serve` as it is run: the command in its own process, two models' configs,
listening on a loopback port, answering from the real Prometheus — and the configs it
refuses before it listens."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from canary_prometheus import CanaryPrometheus, needs_promtool
from registry_helpers import free_port

pytestmark = [needs_promtool, pytest.mark.xdist_group("canary-prometheus")]
MLGATE = str(Path(sys.executable).parent / "mlgate")
RULES = "{error_rate: {max_rise: 0.005}}"


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


def test_the_command_serves_each_configured_model(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    for case in ("healthy", "idle"):
        (tmp_path / f"{case}.yml").write_text(canary_prometheus.config(case, RULES))
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [
            MLGATE,
            "canary",
            "serve",
            "--config",
            str(tmp_path / "healthy.yml"),
            "--config",
            str(tmp_path / "idle.yml"),
            "--listen",
            f"127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                status, health = get(f"{url}/healthz")
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "canary serve did not come up"
                time.sleep(0.2)
        assert (status, health["models"]) == (200, ["healthy", "idle"])
        # Now is an hour after the backfilled traffic: no series in the window, so nothing
        # can be established — inconclusive, never a pass.
        status, body = get(f"{url}/v1/canary/healthy")
        assert (status, body["decision"]) == (200, "inconclusive")
        assert "returned no series" in body["metrics"]["error_rate"]["reason"]
        assert get(f"{url}/v1/canary/other")[0] == 404
    finally:
        process.terminate()
        process.wait(timeout=15)
    logged = (tmp_path / "serve.log").read_text()
    assert "model=healthy status=200 decision=inconclusive" in logged
    assert "Traceback" not in logged


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("model: m\n", "no canary: section"),
        ("canary:\n  rules: {error_rate: {max_rise: 0.01}}\n", "name the model"),
    ],
)
def test_a_config_it_cannot_serve_is_refused_before_it_listens(
    tmp_path: Path, config: str, words: str
) -> None:
    (tmp_path / "mlgate.yml").write_text(config)
    done = subprocess.run(
        [
            MLGATE,
            "canary",
            "serve",
            "--config",
            str(tmp_path / "mlgate.yml"),
            "--listen",
            f"127.0.0.1:{free_port()}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr
