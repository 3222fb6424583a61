"""The relay's HTTP side against clients that misbehave, over real loopback sockets: bodies
without a length, chunked or oversized bodies, a client that stops sending, more deliveries
than the relay handles at once. Every answer is JSON, and every delivery one log line."""

from __future__ import annotations

import http.client
import io
import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping

import pytest

from mlgate.core.webhooks import RelayFilter, signature
from mlgate.relay import server as relay_server
from mlgate.relay.ledger import Ledger
from mlgate.relay.server import RelayServer
from mlgate.relay.service import Relay

SECRET = "a-secret-long-enough-for-the-relay"


class SlowTarget:
    """Holds every dispatch until released, so deliveries pile up in the relay."""

    name = "github:acme/churn"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.sent: list[Mapping[str, str]] = []

    def send(self, payload: Mapping[str, str]) -> str:
        self.release.wait(30)
        self.sent.append(payload)
        return "sent"


@pytest.fixture
def served(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[RelayServer, SlowTarget, io.StringIO]]:
    monkeypatch.setattr(relay_server, "QUEUE_WAIT_SECONDS", 0.5)
    monkeypatch.setattr(relay_server._Handler, "timeout", 1.0)
    target = SlowTarget()
    log = io.StringIO()
    relay = Relay(secret=SECRET, targets=[target], relay_filter=RelayFilter(), ledger=Ledger())
    server = RelayServer(("127.0.0.1", 0), relay, max_concurrency=2, log=log)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server, target, log
    target.release.set()
    server.shutdown()
    server.server_close()


def signed(version: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {
            "entity": "model_version",
            "action": "created",
            "data": {"name": "m", "version": str(version)},
        }
    ).encode()
    delivery, stamp = f"d-{version}", str(int(time.time()))
    return body, {
        "X-MLflow-Delivery-Id": delivery,
        "X-MLflow-Timestamp": stamp,
        "X-MLflow-Signature": signature(SECRET, delivery=delivery, timestamp=stamp, body=body),
        "Content-Type": "application/json",
    }


def raw(server: RelayServer, request: bytes, *, wait: float = 5) -> bytes:
    with socket.create_connection(server.server_address[:2], timeout=wait) as conn:
        conn.sendall(request)
        chunks = []
        try:
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_a_body_needs_a_length_and_chunks_are_refused(
    served: tuple[RelayServer, SlowTarget, io.StringIO],
) -> None:
    server, target, _ = served
    no_length = raw(server, b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert no_length.startswith(b"HTTP/1.0 411") and b"Content-Length is required" in no_length
    chunked = raw(
        server,
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    )
    assert chunked.startswith(b"HTTP/1.0 411")
    assert target.sent == []


def test_an_oversized_body_is_refused_unread(
    served: tuple[RelayServer, SlowTarget, io.StringIO],
) -> None:
    server, _, log = served
    # Only the headers are sent: a relay that tried to read 10 MB would hang here.
    answer = raw(server, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 413") and b"over the 65536-byte bound" in answer
    assert " 413 refused " in log.getvalue()


def test_a_client_that_stops_sending_is_cut_off(
    served: tuple[RelayServer, SlowTarget, io.StringIO],
) -> None:
    server, _, _ = served
    started = time.monotonic()
    answer = raw(server, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{", wait=10)
    assert time.monotonic() - started < 8
    assert answer == b"" or answer.startswith(b"HTTP/1.0 408")


def test_beyond_capacity_deliveries_get_503_with_retry_after(
    served: tuple[RelayServer, SlowTarget, io.StringIO],
) -> None:
    server, target, log = served
    host, port = server.server_address[:2]
    answers: list[tuple[int, str | None]] = []

    def deliver(version: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        body, headers = signed(version)
        conn.request("POST", "/", body=body, headers=headers)
        reply = conn.getresponse()
        answers.append((reply.status, reply.getheader("Retry-After")))
        conn.close()

    busy = [threading.Thread(target=deliver, args=(n,)) for n in (1, 2)]
    for thread in busy:
        thread.start()
    time.sleep(0.3)  # both hold the relay's two slots
    deliver(3)
    assert answers == [(503, "5")]
    target.release.set()
    for thread in busy:
        thread.join()
    assert sorted(status for status, _ in answers) == [200, 200, 503]
    assert len(target.sent) == 2
    assert " 503 failed " in log.getvalue() and "the relay is at capacity" in log.getvalue()


def test_every_answer_is_json_and_health_counts_outcomes(
    served: tuple[RelayServer, SlowTarget, io.StringIO],
) -> None:
    server, target, log = served
    target.release.set()
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    body, headers = signed(7)
    conn.request("POST", "/", body=body, headers={**headers, "X-MLflow-Signature": "v1,AAAA"})
    reply = conn.getresponse()
    assert reply.status == 401 and json.loads(reply.read())["outcome"] == "refused"
    conn.request("POST", "/", body=body, headers=headers)
    reply = conn.getresponse()
    assert reply.status == 200 and json.loads(reply.read())["outcome"] == "dispatched"
    conn.request("GET", "/healthz")
    health = json.loads(conn.getresponse().read())
    assert health == {
        "status": "ok",
        "deliveries": {"refused": 1, "dispatched": 1},
        "pending": 0,
        "oldest_pending_seconds": 0,
    }
    conn.request("GET", "/metrics")
    reply = conn.getresponse()
    assert reply.getheader("Content-Type", "").startswith("text/plain; version=0.0.4")
    metrics = reply.read().decode()
    assert 'mlgate_relay_deliveries_total{outcome="refused"} 1' in metrics
    assert 'mlgate_relay_deliveries_total{outcome="dispatched"} 1' in metrics
    assert "mlgate_relay_pending 0" in metrics
    conn.request("GET", "/other")
    assert conn.getresponse().status == 404
    lines = log.getvalue().splitlines()
    assert len(lines) == 2 and all("mlgate relay:" in line for line in lines)
    assert "delivery=d-7 event=model_version.created model=m version=7" in lines[1]
