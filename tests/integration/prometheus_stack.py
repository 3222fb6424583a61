"""Debian's prometheus-pushgateway and prometheus, started on free loopback ports with the
shipped alert rules loaded (evaluated every second), for the tests that need the real
monitoring stack. The Pushgateway keeps its groups in memory only (upstream's default), so
a restart loses them."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from importlib import resources
from pathlib import Path

import pytest
from registry_helpers import free_port

ASSETS = resources.files("mlgate.monitor.assets")
needs_prometheus = pytest.mark.skipif(
    not shutil.which("prometheus-pushgateway") or not shutil.which("prometheus"),
    reason="make test installs prometheus and prometheus-pushgateway (scripts/system-tools.sh)",
)


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


class Stack:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.gateway_port, prometheus_port = free_port(), free_port()
        self.pushgateway = f"http://127.0.0.1:{self.gateway_port}"
        self.prometheus = f"http://127.0.0.1:{prometheus_port}"
        self._gateway = self._start_gateway()
        (root / "prometheus.yml").write_text(
            "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
            f"rule_files: [{ASSETS.joinpath('prometheus-rules.yml')}]\n"
            "scrape_configs:\n"
            "  - job_name: pushgateway\n"
            "    honor_labels: true\n"
            f"    static_configs: [{{targets: ['127.0.0.1:{self.gateway_port}']}}]\n"
        )
        self._prometheus = _start(
            [
                "prometheus",
                f"--config.file={root / 'prometheus.yml'}",
                f"--storage.tsdb.path={root / 'data'}",
                f"--web.listen-address=127.0.0.1:{prometheus_port}",
            ],
            root,
            "prometheus",
            f"{self.prometheus}/-/ready",
        )

    def _start_gateway(self) -> subprocess.Popen[bytes]:
        return _start(
            [
                "prometheus-pushgateway",
                f"--web.listen-address=127.0.0.1:{self.gateway_port}",
                # Debian's build persists to one shared /var/lib file; upstream's default is
                # memory only, which is what a test (and a restart) must see
                "--persistence.file=",
            ],
            self.root,
            "pushgateway",
            f"{self.pushgateway}/-/ready",
        )

    def restart_gateway(self) -> None:
        """As after a crash or a redeploy without --persistence.file: every group is gone."""
        self._gateway.terminate()
        self._gateway.wait(timeout=15)
        self._gateway = self._start_gateway()

    def pushed(self) -> str:
        with urllib.request.urlopen(f"{self.pushgateway}/metrics", timeout=5) as answer:
            return str(answer.read().decode())

    def query(self, promql: str) -> list[dict[str, object]]:
        url = f"{self.prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        with urllib.request.urlopen(url, timeout=5) as answer:
            data = json.load(answer)
        assert data["status"] == "success"
        return list(data["data"]["result"])

    def wait_for(
        self, promql: str, *, present: bool = True, seconds: float = 20
    ) -> list[dict[str, object]]:
        """The query's answer once it is non-empty (or empty, ``present=False``)."""
        deadline = time.monotonic() + seconds
        while True:
            found = self.query(promql)
            if bool(found) is present or time.monotonic() > deadline:
                assert bool(found) is present, f"Prometheus: {promql} → {found}"
                return found
            time.sleep(0.3)

    def firing(self, alert: str) -> list[dict[str, str]]:
        found = self.query(f'ALERTS{{alertname="{alert}",alertstate="firing"}}')
        return [dict(f["metric"]) for f in found]  # type: ignore[call-overload]

    def close(self) -> None:
        for process in (self._prometheus, self._gateway):
            process.terminate()
            process.wait(timeout=15)
