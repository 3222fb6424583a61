"""`mlgate relay` under load: 500 signed deliveries over loopback from 16 concurrent senders,
10% of them redeliveries of an earlier id (some while the original is still in flight), each
accepted delivery dispatched with PyGithub to the GitHub fake (tests/fakes) over HTTP.

Counts lost and duplicated dispatches, and the latency each sender saw (p50, p99, max),
against a bare stdlib HTTP server answering the same requests with 200 (the cost of HTTP on
this machine, measured side by side in the same run). Also with --state (an fsync per
dispatch).

    .venv/bin/python benchmarks/relay_load.py [--deliveries 500] [--senders 16]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fakes"))

from github_server import FakeGitHub  # noqa: E402

from mlgate.core.webhooks import RelayFilter, signature  # noqa: E402
from mlgate.relay import RelaySettings, build_server  # noqa: E402

SECRET = "benchmark-secret-of-some-length"


def deliveries(count: int, duplicates: float, seed: int = 0) -> list[tuple[bytes, dict[str, str]]]:
    rng = random.Random(seed)
    unique = count - round(count * duplicates)
    made = []
    for n in range(unique):
        body = json.dumps(
            {
                "entity": "model_version",
                "action": "created",
                "timestamp": "2026-12-02T00:00:00+00:00",
                "data": {"name": f"model-{n % 20}", "version": str(n + 1)},
            }
        ).encode()
        delivery = str(uuid.UUID(int=rng.getrandbits(128)))
        stamp = str(int(time.time()))
        made.append(
            (
                body,
                {
                    "Content-Type": "application/json",
                    "X-MLflow-Delivery-Id": delivery,
                    "X-MLflow-Timestamp": stamp,
                    "X-MLflow-Signature": signature(
                        SECRET, delivery=delivery, timestamp=stamp, body=body
                    ),
                },
            )
        )
    # Redeliveries: copies of earlier deliveries, placed soon after them (MLflow retries
    # within seconds), so some arrive while the original is still being dispatched.
    for _ in range(count - unique):
        at = rng.randrange(len(made))
        made.insert(min(len(made), at + rng.randrange(1, 8)), made[at])
    return made


def load(
    url: str, sent: list[tuple[bytes, dict[str, str]]], senders: int
) -> tuple[list[float], dict[int, int], float]:
    def post(item: tuple[bytes, dict[str, str]]) -> tuple[float, int]:
        body, headers = item
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        return time.perf_counter() - started, status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=senders) as pool:
        results = list(pool.map(post, sent))
    wall = time.perf_counter() - started
    statuses: dict[int, int] = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    return [latency for latency, _ in results], statuses, wall


class _Ok(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        data = b'{"outcome": "ok"}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Bare(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # as the relay's: the stdlib default of 5 resets under load


def serve(server: ThreadingHTTPServer) -> Callable[[], None]:
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return stop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--senders", type=int, default=16)
    args = parser.parse_args()
    sent = deliveries(args.deliveries, 0.10)
    unique = len({headers["X-MLflow-Delivery-Id"] for _, headers in sent})

    rows = []
    bare = _Bare(("127.0.0.1", 0), _Ok)
    stop = serve(bare)
    latencies, statuses, wall = load(
        f"http://127.0.0.1:{bare.server_address[1]}/", sent, args.senders
    )
    stop()
    rows.append(("bare stdlib server (reference)", latencies, statuses, wall, None))

    for label, with_state in (
        ("mlgate relay → GitHub fake", False),
        ("mlgate relay --state", True),
    ):
        github = FakeGitHub()
        github.state.users = {"ghp-bench": "relay-bot"}
        with tempfile.TemporaryDirectory() as folder:
            settings = RelaySettings(
                host="127.0.0.1",
                port=0,
                secret=SECRET,
                relay_filter=RelayFilter(),
                github_repo="acme/churn",
                github_api=github.api_url,
                github_token="ghp-bench",
                state=Path(folder) / "relay.state" if with_state else None,
            )
            server = build_server(settings, log=io.StringIO())
            stop = serve(server)
            latencies, statuses, wall = load(server.url + "/", sent, args.senders)
            stop()
        ids = [d["client_payload"]["delivery"] for d in github.state.repository_dispatches]
        github.close()
        rows.append((label, latencies, statuses, wall, ids))

    reference = statistics.median(rows[0][1])
    print(
        f"{len(sent)} deliveries ({unique} distinct ids, {len(sent) - unique} redeliveries), "
        f"{args.senders} concurrent senders, loopback\n"
    )
    print(
        "| server | wall | deliveries/s | p50 | p99 | max | p50 × reference | answers "
        "| dispatched | lost | duplicated |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for label, latencies, statuses, wall, ids in rows:
        ordered = sorted(latencies)
        p50 = statistics.median(ordered)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
        answers = ", ".join(f"{code}×{n}" for code, n in sorted(statuses.items()))
        if ids is None:
            dispatched = lost = duplicated = "—"
        else:
            dispatched = str(len(ids))
            lost = str(unique - len(set(ids)))
            duplicated = str(len(ids) - len(set(ids)))
        print(
            f"| {label} | {wall:.2f} s | {len(sent) / wall:.0f} | {p50 * 1000:.1f} ms | "
            f"{p99 * 1000:.1f} ms | {ordered[-1] * 1000:.1f} ms | {p50 / reference:.1f} | "
            f"{answers} | {dispatched} | {lost} | {duplicated} |"
        )


if __name__ == "__main__":
    main()
