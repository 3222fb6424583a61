"""The relay's HTTP side: ``POST /`` takes a delivery, ``GET /healthz`` says it is alive —
``degraded``, with the count and age of what is owed, while dispatches wait for a target —
and ``GET /metrics`` exports its counts for Prometheus. A background thread re-drives what
is owed (service.py) every ``REDRIVE_TICK_SECONDS``.

Hardened for an endpoint anyone can reach: a body is read only up to the size bound (a
larger Content-Length is refused unread), chunked bodies are refused, a slow client times
out, at most ``max_concurrency`` deliveries are handled at once (the rest wait briefly, then
get 503 so MLflow retries), and each delivery is logged as one line that never holds the
secret or a token.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

from mlgate.core.webhooks import MAX_BODY_BYTES
from mlgate.relay.service import Answer, Relay

QUEUE_WAIT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 10.0
REDRIVE_TICK_SECONDS = 1.0


class RelayServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        relay: Relay,
        *,
        max_concurrency: int = 8,
        max_bytes: int = MAX_BODY_BYTES,
        log: TextIO = sys.stderr,
        redact: Callable[[str], str] = lambda text: text,
        redrive_tick: float = REDRIVE_TICK_SECONDS,
    ) -> None:
        self.relay = relay
        self.redrive_tick = redrive_tick
        self.stopping = threading.Event()
        self.slots = threading.BoundedSemaphore(max_concurrency)
        self.max_bytes = max_bytes
        self.log_stream = log
        self.log_lock = threading.Lock()
        self.redact = redact
        self.counts: dict[str, int] = {}
        super().__init__(address, _Handler)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Serve, and re-drive what is owed in the background until shut down."""
        self.stopping.clear()
        redriver = threading.Thread(target=self._redrive_loop, name="mlgate-redrive", daemon=True)
        redriver.start()
        try:
            super().serve_forever(poll_interval)
        finally:
            self.stopping.set()
            redriver.join(timeout=30)

    def server_close(self) -> None:
        super().server_close()
        self.relay.ledger.close()

    def _redrive_loop(self) -> None:
        while not self.stopping.wait(self.redrive_tick):
            try:
                for done in self.relay.redrive():
                    self.note_redrive(done.delivered, done.model, done.version, done.detail)
            except Exception as exc:  # never let the re-drive thread die silently
                self.note_redrive(False, "-", "-", f"re-drive failed: {type(exc).__name__}")

    def note_redrive(self, delivered: bool, model: str, version: str, detail: str) -> None:
        outcome = "redriven" if delivered else "still-owed"
        line = (
            f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} mlgate relay: "
            f"{outcome} model={model} version={version} {detail}"
        )
        with self.log_lock:
            if delivered:
                self.counts["redriven"] = self.counts.get("redriven", 0) + 1
            self.log_stream.write(self.redact(one_line(line)) + "\n")
            self.log_stream.flush()

    def health(self) -> dict[str, Any]:
        """``ok``, or ``degraded`` while dispatches are owed (count, oldest age)."""
        owed = self.relay.ledger.owed()
        with self.log_lock:
            counts = dict(self.counts)
        body: dict[str, Any] = {"status": "degraded" if owed else "ok", "deliveries": counts}
        body["pending"] = len(owed)
        body["oldest_pending_seconds"] = round(time.time() - owed[0].since, 1) if owed else 0
        return body

    def metrics(self) -> str:
        health = self.health()
        counts = health["deliveries"]
        lines = [
            "# HELP mlgate_relay_deliveries_total Deliveries answered, by outcome.",
            "# TYPE mlgate_relay_deliveries_total counter",
        ]
        for outcome in ("dispatched", "duplicate", "ignored", "refused", "failed"):
            lines.append(
                f'mlgate_relay_deliveries_total{{outcome="{outcome}"}} {counts.get(outcome, 0)}'
            )
        lines += [
            "# HELP mlgate_relay_redriven_total Owed dispatches the re-drive delivered.",
            "# TYPE mlgate_relay_redriven_total counter",
            f"mlgate_relay_redriven_total {counts.get('redriven', 0)}",
            "# HELP mlgate_relay_pending Dispatches owed to a target (failed after retries).",
            "# TYPE mlgate_relay_pending gauge",
            f"mlgate_relay_pending {health['pending']}",
            "# HELP mlgate_relay_oldest_pending_age_seconds How long the oldest owed dispatch "
            "has waited (0: none).",
            "# TYPE mlgate_relay_oldest_pending_age_seconds gauge",
            f"mlgate_relay_oldest_pending_age_seconds {health['oldest_pending_seconds']}",
        ]
        return "\n".join(lines) + "\n"

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def record(self, answer: Answer, *, took: float) -> None:
        line = (
            f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} mlgate relay: "
            f"{answer.status} {answer.outcome} delivery={answer.delivery} event={answer.event} "
            f"model={answer.model} version={answer.version} {took * 1000:.0f}ms {answer.detail}"
        )
        with self.log_lock:
            self.counts[answer.outcome] = self.counts.get(answer.outcome, 0) + 1
            self.log_stream.write(self.redact(one_line(line)) + "\n")
            self.log_stream.flush()


class _Handler(BaseHTTPRequestHandler):
    server: RelayServer
    timeout = READ_TIMEOUT_SECONDS
    server_version = "mlgate-relay"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per delivery is written by RelayServer.record

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/healthz":
            return self._reply(200, self.server.health())
        if path == "/metrics":
            data = self.server.metrics().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return None
        return self._reply(404, {"outcome": "refused", "detail": "not found"})

    def do_POST(self) -> None:
        started = time.monotonic()
        answer = self._answer()
        self.server.record(answer, took=time.monotonic() - started)
        self._reply(answer.status, answer.body())

    def _answer(self) -> Answer:
        if self.path.split("?")[0] != "/":
            return Answer(status=404, outcome="refused", detail="deliveries go to POST /")
        body = read_body(self, self.server.max_bytes)
        if isinstance(body, tuple):
            return Answer(status=body[0], outcome="refused", detail=body[1])
        if not self.server.slots.acquire(timeout=QUEUE_WAIT_SECONDS):
            return Answer(status=503, outcome="failed", detail="the relay is at capacity")
        try:
            return self.server.relay.handle(dict(self.headers.items()), body)
        finally:
            self.server.slots.release()

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 503:
            self.send_header("Retry-After", "5")
        self.end_headers()
        self.wfile.write(data)


def read_body(handler: BaseHTTPRequestHandler, max_bytes: int) -> bytes | tuple[int, str]:
    """The request's body, or (status, why) when it is refused: chunked or without a
    Content-Length (411), over ``max_bytes`` (413, left unread), too slow (408). A refusal
    closes the connection, since the body was not read."""
    refused: tuple[int, str] | None = None
    length = -1
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        refused = (411, "a Content-Length is required")
    else:
        try:
            length = int(handler.headers.get("Content-Length") or "")
        except ValueError:
            refused = (411, "a Content-Length is required")
    if refused is None and (length < 0 or length > max_bytes):
        refused = (413, f"the body is {length} bytes, over the {max_bytes}-byte bound")
    if refused is None:
        try:
            return handler.rfile.read(length)
        except OSError:
            refused = (408, "the body did not arrive in time")
    handler.close_connection = True
    return refused


def one_line(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)
