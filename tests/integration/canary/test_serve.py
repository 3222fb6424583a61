"""`mlgate canary serve` over real HTTP, reading a real Prometheus: Argo Rollouts' web
provider contract (``jsonPath: {$.decision}``), Flagger's ``rollout`` and
``confirm-promotion`` hooks, a burst of polls answered from one query set, and malformed
or oversized bodies refused."""

from __future__ import annotations

import http.client
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from canary_prometheus import END, CanaryPrometheus, needs_promtool
from registry_helpers import free_port

from mlgate.canary.run import CanaryInputs, judge_canary
from mlgate.canary.serve import CanaryServer, Decider
from mlgate.files.config import load_config

pytestmark = [needs_promtool, pytest.mark.xdist_group("canary-prometheus")]
RULES = "{error_rate: {max_rise: 0.005}, latency_p95: {max_rise_pct: 20}}"
FLAGGER = {"name": "churn", "namespace": "models", "phase": "Progressing", "checksum": "abc"}


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, canary_prometheus: CanaryPrometheus
) -> Iterator[tuple[CanaryServer, io.StringIO]]:
    root = tmp_path_factory.mktemp("serve")
    configs = {}
    down = f"http://user:s3cret@127.0.0.1:{free_port()}"
    for case, url in (("healthy", None), ("errors", None), ("trickle", None), ("down", down)):
        path = root / f"{case}.yml"
        path.write_text(canary_prometheus.config(case, RULES, url=url))
        configs[case] = load_config(path)
    # A requests query without sum(…): several series where one is expected, a mistake.
    broken = canary_prometheus.config("healthy", RULES).replace(
        "sum(increase(model_requests_total", "(increase(model_requests_total", 1
    )
    (root / "broken.yml").write_text(broken.replace("model: healthy", "model: broken"))
    configs["broken"] = load_config(root / "broken.yml")

    def judge(config: Any) -> Any:
        return judge_canary(config, CanaryInputs(at=END))

    log = io.StringIO()
    server = CanaryServer(
        ("127.0.0.1", 0), Decider(configs=configs, judge=judge, cache=60), log=log
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, log
    server.shutdown()
    server.server_close()


def request(
    server: CanaryServer, method: str, path: str, body: bytes | None = None, **headers: str
) -> tuple[int, dict[str, Any]]:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=30)
    connection.request(method, path, body=body, headers=headers)
    answer = connection.getresponse()
    data = json.loads(answer.read() or b"{}")
    connection.close()
    return answer.status, data


def hook(server: CanaryServer, name: str, model: str) -> int:
    payload = json.dumps({**FLAGGER, "metadata": {"model": model}}).encode()
    status, _ = request(server, "POST", f"/v1/flagger/{name}", payload)
    return status


@pytest.mark.parametrize(
    ("model", "decision"), [("healthy", "pass"), ("errors", "fail"), ("trickle", "inconclusive")]
)
def test_the_argo_web_provider_reads_the_decision(
    served: tuple[CanaryServer, io.StringIO], model: str, decision: str
) -> None:
    status, body = request(served[0], "GET", f"/v1/canary/{model}")
    assert status == 200
    assert body["decision"] == decision  # jsonPath {$.decision}
    rate = body["metrics"]["error_rate"]
    assert set(rate) >= {"decision", "delta", "ci", "n", "needed", "reason"}
    assert rate["n"]["stable"] > 7_500


def test_flagger_rollout_fails_only_a_failing_canary(
    served: tuple[CanaryServer, io.StringIO],
) -> None:
    server = served[0]
    assert hook(server, "rollout", "healthy") == 200
    assert hook(server, "rollout", "trickle") == 200  # not decided is not a failed check
    assert hook(server, "rollout", "errors") == 412


def test_flagger_promotion_waits_until_the_canary_is_shown_not_worse(
    served: tuple[CanaryServer, io.StringIO],
) -> None:
    server = served[0]
    assert hook(server, "confirm-promotion", "healthy") == 200
    assert hook(server, "confirm-promotion", "trickle") == 412
    assert hook(server, "confirm-promotion", "errors") == 412


def test_flagger_pre_rollout_stops_a_misconfigured_analysis_before_traffic_moves(
    served: tuple[CanaryServer, io.StringIO],
) -> None:
    server = served[0]
    assert hook(server, "pre-rollout", "trickle") == 200  # the queries run; undecided is fine
    assert hook(server, "pre-rollout", "errors") == 200  # it judges nothing yet
    payload = json.dumps({**FLAGGER, "metadata": {"model": "broken"}}).encode()
    status, body = request(server, "POST", "/v1/flagger/pre-rollout", payload)
    assert (status, body["decision"]) == (500, "error")
    assert "canary.prometheus.requests" in body["reason"]
    assert hook(server, "pre-rollout", "down") == 503


def test_a_burst_of_polls_is_answered_from_one_query_set(
    tmp_path: Path, canary_prometheus: CanaryPrometheus
) -> None:
    path = tmp_path / "mlgate.yml"
    path.write_text(canary_prometheus.config("healthy", RULES))
    decider = Decider(
        configs={"healthy": load_config(path)},
        judge=lambda config: judge_canary(config, CanaryInputs(at=END)),
        cache=60,
    )
    server = CanaryServer(("127.0.0.1", 0), decider, log=io.StringIO())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    answers: list[tuple[int, dict[str, Any]]] = []

    def poll() -> None:
        answers.append(request(server, "GET", "/v1/canary/healthy"))

    polls = [threading.Thread(target=poll) for _ in range(8)]
    for t in polls:
        t.start()
    for t in polls:
        t.join(timeout=60)
    server.shutdown()
    server.server_close()
    assert len(answers) == 8
    assert {a[1]["decision"] for a in answers} == {"pass"}
    assert decider.queries == 1


def test_an_unreachable_prometheus_is_an_error_never_a_pass(
    served: tuple[CanaryServer, io.StringIO],
) -> None:
    server, log = served
    status, body = request(server, "GET", "/v1/canary/down")
    assert status == 503
    assert body["decision"] == "error"
    assert hook(server, "confirm-promotion", "down") == 503
    assert "s3cret" not in log.getvalue()
    assert "model=down status=503 decision=error" in log.getvalue()


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"not json", 400, "not JSON"),
        (b"[1, 2]", 400, "not a JSON object"),
        (json.dumps({**FLAGGER, "name": 3}).encode(), 400, "name:"),
        (json.dumps({**FLAGGER, "metadata": {"model": ["x"]}}).encode(), 400, "metadata"),
        (json.dumps(FLAGGER).encode(), 400, "metadata.model"),
        (json.dumps({**FLAGGER, "metadata": {"model": "nope"}}).encode(), 404, "no canary"),
    ],
)
def test_malformed_flagger_payloads_are_refused(
    served: tuple[CanaryServer, io.StringIO], body: bytes, status: int, words: str
) -> None:
    found, answer = request(served[0], "POST", "/v1/flagger/rollout", body)
    assert (found, answer["decision"]) == (status, "error")
    assert words in answer["reason"]


def test_oversized_chunked_and_unknown_requests_are_refused(
    served: tuple[CanaryServer, io.StringIO],
) -> None:
    server = served[0]
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    connection.putrequest("POST", "/v1/flagger/rollout")
    connection.putheader("Content-Length", str(10 * 1024 * 1024))
    connection.endheaders()
    answer = connection.getresponse()
    assert answer.status == 413  # refused unread
    connection.close()
    status, _ = request(
        server, "POST", "/v1/flagger/rollout", b"{}", **{"Transfer-Encoding": "chunked"}
    )
    assert status == 411
    assert request(server, "POST", "/v1/flagger/post-rollout", b"{}")[0] == 404
    assert request(server, "GET", "/v1/canary/unknown")[0] == 404
    assert request(server, "GET", "/healthz")[1]["status"] == "ok"
