"""A real Prometheus (Debian's package) holding known canary traffic: series written as
OpenMetrics, backfilled with ``promtool tsdb create-blocks-from openmetrics`` into the
storage folder before Prometheus starts on a free loopback port, then queried at ``END``
(the last sample's time). Each case is a ``case`` label, so one server serves them all.

Per 15-second step and variant: ``STEP`` requests (``model_requests_total``, ``code``
200 or 500) and the latency histogram (``model_latency_seconds_bucket``), whose requests
fall in the buckets in the case's proportions."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from prometheus_stack import _start
from registry_helpers import free_port

needs_promtool = pytest.mark.skipif(
    not shutil.which("promtool") or not shutil.which("prometheus"),
    reason="make test installs prometheus (promtool) from apt (scripts/system-tools.sh)",
)

BOUNDS = ("0.025", "0.05", "0.1", "0.25", "0.5", "1", "+Inf")
USUAL = (40, 60, 60, 30, 8, 2, 0)  # of 200 requests per step: p95 at 0.25 s
SLOW = (10, 30, 60, 60, 30, 10, 0)  # p95 at 0.5 s
STEPS = 40  # 10 minutes of 15-second steps
# case → variant → (requests per step, errors per step, latency proportions)
CASES = {
    "healthy": {"stable": (200, 1, USUAL), "canary": (200, 1, USUAL)},
    "errors": {"stable": (200, 4, USUAL), "canary": (200, 8, USUAL)},
    "trickle": {"stable": (200, 1, USUAL), "canary": (0.5, 0, USUAL)},
    "idle": {"stable": (200, 1, USUAL), "canary": (0, 0, USUAL)},
    "slow": {"stable": (200, 1, USUAL), "canary": (200, 1, SLOW)},
}
START = int(time.time()) // 60 * 60 - 3600  # an hour ago: inside the default retention
END = START + STEPS * 15


def openmetrics() -> str:
    lines = [
        "# HELP model_requests Requests served.",
        "# TYPE model_requests counter",
    ]
    for case, variants in CASES.items():
        for variant, (per_step, errors, _) in variants.items():
            for code, share in (("200", per_step - errors), ("500", errors)):
                for step in range(STEPS + 1):
                    labels = f'case="{case}",variant="{variant}",code="{code}"'
                    lines.append(
                        f"model_requests_total{{{labels}}} {share * step} {START + step * 15}"
                    )
    lines += ["# HELP model_latency_seconds Latency.", "# TYPE model_latency_seconds histogram"]
    for case, variants in CASES.items():
        for variant, (per_step, _, shares) in variants.items():
            scale = per_step / 200
            cumulative = [sum(shares[: i + 1]) * scale for i in range(len(shares))]
            for bound, count in zip(BOUNDS, cumulative, strict=True):
                for step in range(STEPS + 1):
                    labels = f'case="{case}",variant="{variant}",le="{bound}"'
                    lines.append(
                        f"model_latency_seconds_bucket{{{labels}}} {count * step} "
                        f"{START + step * 15}"
                    )
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


class CanaryPrometheus:
    def __init__(self, root: Path) -> None:
        data = root / "data"
        source = root / "canary.om"
        source.write_text(openmetrics())
        subprocess.run(
            ["promtool", "tsdb", "create-blocks-from", "openmetrics", str(source), str(data)],
            check=True,
            capture_output=True,
        )
        (root / "prometheus.yml").write_text("global: {scrape_interval: 15s}\n")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._process = _start(
            [
                "prometheus",
                f"--config.file={root / 'prometheus.yml'}",
                f"--storage.tsdb.path={data}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            root,
            "prometheus",
            f"{self.url}/-/ready",
        )

    def config(self, case: str, rules: str, *, url: str | None = None) -> str:
        """An mlgate.yml reading ``case``'s series."""
        selector = f'case="{case}",variant="{{variant}}"'
        return (
            f"model: {case}\n"
            "canary:\n"
            "  window: 10m\n"
            f"  rules: {rules}\n"
            "  prometheus:\n"
            f"    url: {url or self.url}\n"
            f"    requests: 'sum(increase(model_requests_total{{{selector}}}[{{window}}]))'\n"
            f'    errors: \'sum(increase(model_requests_total{{{selector},code=~"5.."}}'
            "[{window}])) or vector(0)'\n"
            "    latency_buckets: 'sum by (le) (increase(model_latency_seconds_bucket"
            f"{{{selector}}}[{{window}}]))'\n"
        )

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=15)
