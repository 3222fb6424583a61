"""A loopback HTTP proxy in front of a real server (MLflow, moto's S3) that counts what
passes and, when told, answers errors or answers slowly — an outside service failing
mid-run, for real clients over real HTTP."""

from __future__ import annotations

import collections
import http.client
import http.server
import re
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass

# What a failing S3 and a failing MLflow server answer (botocore and MLflow parse these).
S3_ERROR = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code>'
    b"<Message>We encountered an internal error. Please try again.</Message></Error>"
)
MLFLOW_ERROR = b'{"error_code": "TEMPORARILY_UNAVAILABLE", "message": "down"}'
_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "server", "date"}


@dataclass
class Fault:
    """Requests whose method is in ``methods`` and whose path matches ``path`` are answered
    with ``status`` (or, with ``delay``, forwarded that many seconds late) — ``times`` of
    them, or all while ``times`` is None."""

    methods: frozenset[str]
    path: re.Pattern[str]
    status: int | None = None
    delay: float = 0.0
    times: int | None = None
    skip: int = 0  # let this many matching requests through first

    def applies(self, method: str, path: str) -> bool:
        if method not in self.methods or not self.path.search(path):
            return False
        if self.skip > 0:
            self.skip -= 1
            return False
        if self.times is None:
            return True
        if self.times > 0:
            self.times -= 1
            return True
        return False


class FaultyProxy:
    def __init__(self, upstream: str, *, error_body: bytes = MLFLOW_ERROR) -> None:
        target = urllib.parse.urlsplit(upstream)
        self._host, self._port = target.hostname or "127.0.0.1", target.port or 80
        self._error_body = error_body
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.requests: collections.Counter[str] = collections.Counter()
        self.refused = 0
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    # -- what the test says ---------------------------------------------------------------

    def fail(
        self,
        *methods: str,
        path: str = "",
        status: int = 500,
        times: int | None = None,
        skip: int = 0,
    ) -> None:
        self._add(
            Fault(frozenset(methods), re.compile(path), status=status, times=times, skip=skip)
        )

    def slow(self, *methods: str, path: str = "", delay: float, times: int | None = None) -> None:
        self._add(Fault(frozenset(methods), re.compile(path), delay=delay, times=times))

    def heal(self) -> None:
        with self._lock:
            self._faults.clear()

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.refused = 0

    def count(self, *methods: str) -> int:
        with self._lock:
            return sum(n for m, n in self.requests.items() if not methods or m in methods)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            self.requests[method] += 1
            for fault in self._faults:
                if fault.applies(method, path):
                    if fault.status is not None:
                        self.refused += 1
                    return fault
        return None

    # -- the proxy ------------------------------------------------------------------------

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in separate writes: without this, Nagle's
                # algorithm and the client's delayed ACK add 40 ms to every answer.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def finish(self) -> None:
                upstream = getattr(self, "_upstream", None)
                if upstream is not None:
                    upstream.close()
                super().finish()

            def log_message(self, *args: object) -> None:
                pass

            def _body(self) -> bytes:
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    chunks = []
                    while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _forward(self) -> None:
                body = self._body()
                fault = proxy._fault(self.command, self.path)
                if fault is not None and fault.status is not None:
                    self._answer(fault.status, proxy._error_body, {})
                    return
                if fault is not None:
                    time.sleep(fault.delay)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                headers["Content-Length"] = str(len(body))
                # One upstream connection per client connection, as a real proxy keeps.
                upstream = getattr(self, "_upstream", None)
                if upstream is None:
                    upstream = http.client.HTTPConnection(proxy._host, proxy._port, timeout=60)
                    self._upstream = upstream
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    payload = answer.read()
                except (OSError, http.client.HTTPException):
                    upstream.close()
                    self._upstream = None
                    raise
                if answer.will_close:
                    upstream.close()
                    self._upstream = None
                self._answer(answer.status, payload, dict(answer.getheaders()))

            def _answer(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in _HOP_BY_HOP:
                        self.send_header(key, value)
                # A HEAD answer has no body but tells the length of the GET's (S3's object
                # size: MLflow's presigned downloads size their chunks by it).
                length = {k.lower(): v for k, v in headers.items()}.get("content-length")
                head = self.command == "HEAD" and length is not None
                self.send_header("Content-Length", length if head else str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward

        return Handler


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on a slow answer closed its socket: expected here
