"""`mlgate canary` against a real Prometheus holding known traffic: a healthy canary
passes, a doubled error rate and a latency shift fail, 20 requests and no requests are
inconclusive (exit 5) — never a pass — and the queries' mistakes and an unreachable
server get their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from canary_prometheus import END, CanaryPrometheus, needs_promtool
from click.testing import CliRunner, Result

from mlgate.cli import cli
from mlgate.files.canary import schema

pytestmark = [needs_promtool, pytest.mark.xdist_group("canary-prometheus")]
RULES = "{error_rate: {max_rise: 0.005}, latency_p95: {max_rise_pct: 20}}"


def run(tmp_path: Path, config: str, *extra: str) -> tuple[Result, dict]:
    path = tmp_path / "mlgate.yml"
    path.write_text(config)
    out = tmp_path / "mlgate-canary.json"
    args = ["canary", "--config", str(path), "--at", str(END), "--out", str(out)]
    args += ["--report", str(tmp_path / "mlgate-canary.md"), *extra]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    found = json.loads(out.read_text()) if out.exists() else {}
    if found:
        jsonschema.validate(found, schema())  # docs/canary.md's contract
    return result, found


def metrics(found: dict) -> dict[str, dict]:
    return {m["name"]: m for m in found["metrics"]}


def test_a_healthy_canary_with_ample_traffic_passes(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    result, found = run(tmp_path, canary_prometheus.config("healthy", RULES))
    assert result.exit_code == 0, result.output
    assert found["decision"] == "pass"
    assert 7_500 < found["traffic"]["canary"]["requests"] < 8_500
    rate = metrics(found)["error_rate"]
    assert rate["ci"][0] < 0 < rate["ci"][1]  # no change, and the interval says so
    assert metrics(found)["latency_p95"]["decision"] == "pass"
    assert "✅ Canary pass: healthy" in (tmp_path / "mlgate-canary.md").read_text()


def test_a_doubled_error_rate_fails(tmp_path: Path, canary_prometheus: CanaryPrometheus) -> None:
    result, found = run(tmp_path, canary_prometheus.config("errors", RULES))
    assert result.exit_code == 1, result.output
    rate = metrics(found)["error_rate"]
    assert rate["decision"] == "fail"
    assert rate["delta"] == pytest.approx(0.02, abs=0.002)
    assert rate["ci"][0] > 0.005  # worse than the tolerance, significantly
    assert metrics(found)["latency_p95"]["decision"] == "pass"


def test_twenty_requests_are_inconclusive_with_the_traffic_needed(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    result, found = run(tmp_path, canary_prometheus.config("trickle", RULES))
    assert result.exit_code == 5, result.output
    assert found["decision"] == "inconclusive"
    assert 15 <= found["traffic"]["canary"]["requests"] <= 25
    rate = metrics(found)["error_rate"]
    assert rate["decision"] == "inconclusive"
    assert "too little traffic to the canary" in rate["reason"]
    assert rate["needed"] == 100 - found["traffic"]["canary"]["requests"]
    assert "more requests" in (tmp_path / "mlgate-canary.md").read_text()


def test_no_requests_is_inconclusive_never_a_pass(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    result, found = run(tmp_path, canary_prometheus.config("idle", RULES))
    assert result.exit_code == 5, result.output
    for metric in found["metrics"]:
        assert metric["decision"] == "inconclusive"
        assert "no traffic to the canary" in metric["reason"]
    # A tool that cannot say "inconclusive" maps it; the decision itself does not change.
    mapped, again = run(tmp_path, canary_prometheus.config("idle", RULES), "--inconclusive", "fail")
    assert (mapped.exit_code, again["decision"]) == (1, "inconclusive")


def test_series_that_do_not_exist_are_inconclusive(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    result, found = run(tmp_path, canary_prometheus.config("no-such-case", RULES))
    assert result.exit_code == 5, result.output
    reasons = " ".join(m["reason"] for m in found["metrics"])
    assert "returned no series" in reasons


def test_a_latency_shift_in_the_histogram_fails(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    result, found = run(tmp_path, canary_prometheus.config("slow", RULES))
    assert result.exit_code == 1, result.output
    p95 = metrics(found)["latency_p95"]
    assert p95["decision"] == "fail"
    assert p95["delta"] == pytest.approx(0.25, abs=0.01)
    assert metrics(found)["error_rate"]["decision"] == "pass"


def test_a_query_returning_several_series_is_exit_2(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    config = canary_prometheus.config("healthy", RULES).replace(
        "sum(increase(model_requests_total", "(increase(model_requests_total", 1
    )
    result, _ = run(tmp_path, config)
    assert result.exit_code == 2
    assert "canary.prometheus.requests" in result.output
    assert "series where one is expected" in result.output
    assert "Traceback" not in result.output


def test_buckets_not_summed_by_le_are_exit_2(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    config = canary_prometheus.config("healthy", RULES)
    template = config.split("latency_buckets: ")[1].strip()
    by_case = "'sum by (le, case) (increase(model_latency_seconds_bucket{variant=\"{variant}\"}[{window}]))'"
    result, _ = run(tmp_path, config.replace(template, by_case))
    assert result.exit_code == 2
    assert "several series for le=" in result.output
    no_le = "'sum(increase(model_latency_seconds_bucket{variant=\"{variant}\"}[{window}]))'"
    result, _ = run(tmp_path, config.replace(template, no_le))
    assert result.exit_code == 2
    assert "canary.prometheus.latency_buckets" in result.output
    assert "without an le label" in result.output


def test_a_histogram_without_an_inf_bucket_is_exit_2(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    config = canary_prometheus.config("healthy", RULES).replace(
        'model_latency_seconds_bucket{case="healthy",',
        'model_latency_seconds_bucket{le!="+Inf",case="healthy",',
    )
    result, _ = run(tmp_path, config)
    assert result.exit_code == 2
    assert "no +Inf bucket" in result.output


def test_an_unreachable_prometheus_is_exit_3_naming_the_query(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    from registry_helpers import free_port

    url = f"http://user:s3cret@127.0.0.1:{free_port()}"
    result, _ = run(tmp_path, canary_prometheus.config("healthy", RULES, url=url))
    assert result.exit_code == 3
    assert "canary.prometheus.requests" in result.output
    assert "s3cret" not in result.output


def test_a_query_prometheus_rejects_is_exit_2(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    config = canary_prometheus.config("healthy", RULES).replace(
        "sum(increase(", "sum(increase((", 1
    )
    result, _ = run(tmp_path, config)
    assert result.exit_code == 2
    assert "Prometheus rejects" in result.output


def test_a_query_prometheus_cannot_evaluate_is_exit_2(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    """Prometheus's 422 (errorType execution): many-to-many matching is the query's fault."""
    config = canary_prometheus.config("healthy", RULES)
    template = config.split("requests: ")[1].split("\n")[0]
    matching = "'model_requests_total{variant=\"{variant}\"} + on(case) model_requests_total'"
    result, _ = run(tmp_path, config.replace(template, matching))
    assert result.exit_code == 2, result.output
    assert "canary.prometheus.requests: Prometheus rejects" in result.output
