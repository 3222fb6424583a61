"""``mlgate canary serve``: the canary decision over HTTP.

- ``GET /v1/canary/<model>`` — Argo Rollouts' **web** metric provider: 200 with
  ``{"decision": "pass"|"fail"|"inconclusive", "reason", "metrics": {name: {decision,
  delta, ci, n, needed, reason}}, …}``, so that ``successCondition: result.decision ==
  "pass"`` and ``failureCondition: result.decision == "fail"`` leave inconclusive to Argo's
  inconclusive (the rollout pauses). What mlgate could not establish (Prometheus down, a
  bad query) is 503 / 500 with ``decision: "error"``: an Argo *error*, never a pass.
- ``POST /v1/flagger/pre-rollout`` — before any traffic moves: 200 when every query runs
  (whatever it finds), 500/503 when one is a mistake or Prometheus is down, so a misconfigured
  analysis stops the rollout before the canary gets traffic;
  ``POST /v1/flagger/rollout`` — Flagger's ``rollout`` webhook: 200 unless the canary
  fails (412 counts a failed check); ``POST /v1/flagger/confirm-promotion`` — 200 only
  when it passes, so promotion waits until the canary is shown not worse. The payload is
  Flagger's (``name``, ``namespace``, ``phase``, ``checksum``, ``metadata``);
  ``metadata.model`` names the model when more than one is served.
- ``GET /healthz``.

Hardened as the relay is (bounded bodies, timeouts, one log line per decision without
secrets), and each model's decision is reused for ``cache`` seconds: polls arriving
together, or while one is being decided, share one query set to Prometheus.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO

from mlgate.core.canary import CanaryReport, Decision
from mlgate.core.refs import first_line, redact
from mlgate.errors import MlgateError, ServiceError
from mlgate.files.config import Config
from mlgate.relay.server import one_line, read_body

MAX_BODY_BYTES = 16 * 1024
READ_TIMEOUT_SECONDS = 10.0
HOOKS = ("pre-rollout", "rollout", "confirm-promotion")
# Which decisions let each hook pass: pre-rollout only needs the queries to run (before any
# traffic moves, a decision is not expected), rollout anything but a fail, promotion a pass.
_PASSING = {
    "pre-rollout": {d.value for d in Decision},
    "rollout": {Decision.PASS.value, Decision.INCONCLUSIVE.value},
    "confirm-promotion": {Decision.PASS.value},
}
Judge = Callable[[Config], CanaryReport]


@dataclass
class _Entry:
    at: float
    report: CanaryReport | None = None
    error: MlgateError | None = None


@dataclass
class Decider:
    """Each model's decision, reused for ``cache`` seconds; one model's polls wait for the
    decision in progress instead of starting their own."""

    configs: dict[str, Config]
    judge: Judge
    cache: float = 30.0
    clock: Callable[[], float] = time.monotonic
    queries: int = 0  # decisions made (each one query set)
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._locks = {model: threading.Lock() for model in self.configs}

    def decide(self, model: str) -> CanaryReport:
        with self._locks[model]:
            entry = self._entries.get(model)
            now = self.clock()
            if entry is None or now - entry.at >= self.cache:
                entry = _Entry(at=now)
                self.queries += 1
                try:
                    entry.report = self.judge(self.configs[model])
                except MlgateError as exc:
                    entry.error = exc
                self._entries[model] = entry
        if entry.error is not None:
            raise entry.error
        assert entry.report is not None
        return entry.report


def answer_body(report: CanaryReport) -> dict[str, Any]:
    """The web provider's JSON: the decision first, then each metric in brief."""
    data = report.to_dict()
    return {
        "decision": data["decision"],
        "reason": data["reason"],
        "model": data["model"],
        "at": data["at"],
        "window": data["window"],
        "traffic": data["traffic"],
        "metrics": {
            m["name"]: {
                key: m[key] for key in ("decision", "delta", "ci", "n", "needed", "reason", "unit")
            }
            for m in data["metrics"]
        },
    }


class CanaryServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], decider: Decider, *, log: TextIO = sys.stderr
    ) -> None:
        self.decider = decider
        self.log_stream = log
        self.log_lock = threading.Lock()
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def record(
        self, route: str, model: str, *, status: int, decision: str, took: float, why: str
    ) -> None:
        line = (
            f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} mlgate canary: {route} "
            f"model={model} status={status} decision={decision} {took * 1000:.0f}ms {why[:300]}"
        )
        with self.log_lock:
            self.log_stream.write(redact(one_line(line)) + "\n")
            self.log_stream.flush()


class _Handler(BaseHTTPRequestHandler):
    server: CanaryServer
    timeout = READ_TIMEOUT_SECONDS
    server_version = "mlgate-canary"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per decision is written by CanaryServer.record

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/healthz":
            return self._reply(200, {"status": "ok", "models": sorted(self.server.decider.configs)})
        prefix = "/v1/canary/"
        if not path.startswith(prefix):
            return self._reply(404, {"decision": "error", "reason": "not found"})
        from urllib.parse import unquote

        model = unquote(path[len(prefix) :])
        started = time.monotonic()
        status, body = self._decided(model)
        self.server.record(
            "GET",
            model,
            status=status,
            decision=body["decision"],
            took=time.monotonic() - started,
            why=body["reason"],
        )
        return self._reply(status, body)

    def do_POST(self) -> None:
        started = time.monotonic()
        path = self.path.split("?")[0]
        hook = path.removeprefix("/v1/flagger/") if path.startswith("/v1/flagger/") else ""
        status, body, model = self._hook(hook)
        self.server.record(
            f"flagger/{hook or '?'}",
            model,
            status=status,
            decision=body.get("decision", "error"),
            took=time.monotonic() - started,
            why=str(body.get("reason", "")),
        )
        self._reply(status, body)

    def _hook(self, hook: str) -> tuple[int, dict[str, Any], str]:
        if hook not in HOOKS:
            known = ", ".join(f"/v1/flagger/{h}" for h in HOOKS)
            return 404, {"decision": "error", "reason": f"Flagger hooks: {known}"}, "-"
        body = read_body(self, MAX_BODY_BYTES)
        if isinstance(body, tuple):
            return body[0], {"decision": "error", "reason": body[1]}, "-"
        payload, problem = _payload(body)
        if payload is None:
            return 400, {"decision": "error", "reason": problem}, "-"
        model = payload.get("metadata", {}).get("model") or self._only_model()
        if not model:
            reason = "metadata.model: name the model (more than one is served)"
            return 400, {"decision": "error", "reason": reason}, "-"
        status, answer = self._decided(model)
        if status != 200:
            return status, answer, model
        answer = {**answer, "canary": f"{payload['namespace']}/{payload['name']}", "hook": hook}
        return (200 if answer["decision"] in _PASSING[hook] else 412), answer, model

    def _only_model(self) -> str | None:
        models = list(self.server.decider.configs)
        return models[0] if len(models) == 1 else None

    def _decided(self, model: str) -> tuple[int, dict[str, Any]]:
        if model not in self.server.decider.configs:
            return 404, {"decision": "error", "reason": f"no canary configured for {model!r}"}
        try:
            report = self.server.decider.decide(model)
        except ServiceError as exc:
            return 503, {"decision": "error", "reason": first_line(exc)}
        except MlgateError as exc:
            return 500, {"decision": "error", "reason": first_line(exc)}
        return 200, answer_body(report)

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)


def _payload(body: bytes) -> tuple[dict[str, Any] | None, str]:
    """Flagger's webhook payload, checked field by field."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"the body is not JSON: {first_line(exc, limit=120)}"
    if not isinstance(data, dict):
        return None, "the body is not a JSON object (Flagger sends name, namespace, phase, …)"
    for key in ("name", "namespace", "phase"):
        if not isinstance(data.get(key), str) or not data[key]:
            return None, f"{key}: missing or not a string (Flagger's webhook payload)"
    if not isinstance(data.get("checksum", ""), str):
        return None, "checksum: not a string"
    metadata = data.get("metadata") or {}
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        return None, "metadata: expected a map of strings to strings"
    return {**data, "metadata": metadata}, ""


def serve(
    configs: dict[str, Config], *, host: str, port: int, cache: float, token: str | None
) -> None:
    from mlgate.canary.run import CanaryInputs, judge_canary

    def judge(config: Config) -> CanaryReport:
        return judge_canary(config, CanaryInputs(token=token))

    server = CanaryServer((host, port), Decider(configs=configs, judge=judge, cache=cache))
    models = ", ".join(sorted(configs))
    print(
        f"mlgate canary serve: {server.url} for {models} (decisions reused {cache:g} s)",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
