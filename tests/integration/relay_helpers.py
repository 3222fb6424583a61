"""What the relay's integration tests share: the relay serving in a thread, deliveries
signed the way MLflow signs them, and waiting for a condition."""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

from mlgate.core.webhooks import signature
from mlgate.relay import RelaySettings, build_server
from mlgate.relay.server import RelayServer

SECRET = "a-webhook-secret-of-some-length"
REPO = "acme/churn"
TRIGGER = "glptt-trigger-token"


class Running:
    def __init__(self, server: RelayServer, log: io.StringIO) -> None:
        self.server = server
        self.log = log
        self.url = server.url + "/"

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.server.url + path, timeout=5) as answer:
            return str(answer.read().decode())

    def health(self) -> dict[str, object]:
        return dict(json.loads(self.get("/healthz")))

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def running(settings: RelaySettings, log: io.StringIO) -> Iterator[Running]:
    """The relay serving ``settings`` in a thread, until the test is done."""
    server = build_server(settings, log=log)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Running(server, log)
    server.shutdown()
    server.server_close()


def delivery(
    model: str,
    *,
    event: str = "model_version.created",
    version: str = "3",
    secret: str = SECRET,
    stamp: int | None = None,
    delivery_id: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    entity, action = event.split(".")
    body = json.dumps(
        {
            "entity": entity,
            "action": action,
            "timestamp": "2026-12-02T00:00:00+00:00",
            "data": {"name": model, "version": version, "source": "models:/m-1", "tags": {}},
        }
    ).encode()
    delivery_id = delivery_id or str(uuid.uuid4())
    stamp_text = str(int(time.time()) if stamp is None else stamp)
    return body, {
        "Content-Type": "application/json",
        "X-MLflow-Delivery-Id": delivery_id,
        "X-MLflow-Timestamp": stamp_text,
        "X-MLflow-Signature": signature(
            secret, delivery=delivery_id, timestamp=stamp_text, body=body
        ),
    }


def wait_for(condition: object, *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")
