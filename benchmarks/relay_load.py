"""`mlgate relay` under load: 500 signed deliveries over loopback from 16 concurrent senders,
10% of them redeliveries of an earlier id (some while the original is still in flight), each
accepted delivery dispatched with PyGithub to the GitHub fake (tests/fakes) over HTTP.

Counts lost and duplicated dispatches, and the latency each sender saw (p50, p99, max),
against a bare stdlib HTTP server answering the same requests with 200 (the cost of HTTP on
this machine, measured side by side in the same run). Also with --state (an fsync per
dispatch).

The outage scenario (``--outage SECONDS``, default 60; 0 skips it): 500 new versions
delivered over ``--spread`` seconds by senders that behave as MLflow does (a 429/5xx is
delivered again after 1, 2 and 4 s, honouring Retry-After, then given up), with GitHub
answering 503 to every dispatch for the middle ``--outage`` seconds. What MLflow gave up on
must come through the relay's re-drive (default schedule: 2 s, doubling, at most 30 s):
reports lost and duplicated dispatches, how many went through the re-drive, and the
re-drive delay — from GitHub being back to each owed version's dispatch (p50, p99, max).

    .venv/bin/python benchmarks/relay_load.py [--deliveries 500] [--senders 16] [--outage 60]
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


def relay_settings(github: FakeGitHub, state: Path | None) -> RelaySettings:
    """A relay on any free loopback port, dispatching to the GitHub fake."""
    return RelaySettings(
        host="127.0.0.1",
        port=0,
        secret=SECRET,
        relay_filter=RelayFilter(),
        github_repo="acme/churn",
        github_api=github.api_url,
        github_token="ghp-bench",
        state=state,
    )


def mlflow_like(url: str, item: tuple[bytes, dict[str, str]]) -> int:
    """One delivery as MLflow sends it: 4 tries at most, 1, 2, 4 s apart (or Retry-After)."""
    body, headers = item
    status = 0
    for attempt in range(4):
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        retry_after = None
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
                return int(answer.status)
        except urllib.error.HTTPError as error:
            status = error.code
            retry_after = error.headers.get("Retry-After")
            if status not in (429, 500, 502, 503, 504):
                return status
        if attempt < 3:
            time.sleep(float(retry_after) if retry_after else 2.0**attempt)
    return status


def outage(count: int, senders: int, spread: float, down_for: float) -> None:
    """The outage scenario: see the module's docstring."""
    from github_server import Fault

    sent = deliveries(count, 0.0, seed=1)
    github = FakeGitHub()
    github.state.users = {"ghp-bench": "relay-bot"}
    arrived: dict[str, float] = {}  # delivery id → when GitHub stored its dispatch

    def watch(stop: threading.Event) -> None:
        while not stop.wait(0.02):
            for dispatch in list(github.state.repository_dispatches):
                arrived.setdefault(dispatch["client_payload"]["delivery"], time.monotonic())

    with tempfile.TemporaryDirectory() as folder:
        settings = relay_settings(github, Path(folder) / "relay.state")
        server = build_server(settings, log=io.StringIO())
        stop_server = serve(server)
        stop_watch = threading.Event()
        threading.Thread(target=watch, args=(stop_watch,), daemon=True).start()
        started = time.monotonic()
        down_at, up_at = started + (spread - down_for) / 2, started + (spread + down_for) / 2

        def switch() -> None:
            time.sleep(max(0.0, down_at - time.monotonic()))
            github.state.faults = [
                Fault("POST", "/dispatches", 503, {"message": "unavailable"})
                for _ in range(1_000_000)
            ]
            time.sleep(max(0.0, up_at - time.monotonic()))
            github.state.faults = []

        threading.Thread(target=switch, daemon=True).start()

        def one(index: int) -> int:
            time.sleep(max(0.0, started + index * spread / count - time.monotonic()))
            return mlflow_like(server.url + "/", sent[index])

        with ThreadPoolExecutor(max_workers=max(senders, 64)) as pool:
            answers = list(pool.map(one, range(count)))
        gave_up = sum(1 for status in answers if status >= 500)
        ids = {headers["X-MLflow-Delivery-Id"] for _, headers in sent}
        deadline = time.monotonic() + 120
        while set(arrived) != ids and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3)  # anything sent twice would arrive now
        health = server.health()
        stop_watch.set()
        stop_server()
    dispatched = [d["client_payload"]["delivery"] for d in github.state.repository_dispatches]
    github.close()
    redriven = int(health["deliveries"].get("redriven", 0))
    # the versions delivered before GitHub was back and dispatched after: the owed ones
    sent_at = {
        headers["X-MLflow-Delivery-Id"]: started + i * spread / count
        for i, (_, headers) in enumerate(sent)
    }
    delays = sorted(
        arrived[d] - up_at for d in arrived if arrived[d] > up_at and sent_at[d] < up_at
    )
    print(
        f"\nOutage: {count} new versions over {spread:.0f} s, GitHub answering 503 to every "
        f"dispatch for {down_for:.0f} s in the middle; MLflow-like senders (4 tries: 1, 2, 4 s "
        "apart)\n"
    )
    print(
        "| versions | MLflow gave up on | dispatched | lost | duplicated | through the re-drive "
        "| re-drive delay p50 | p99 | max | owed at the end |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    p99 = delays[min(len(delays) - 1, round(0.99 * len(delays)) - 1)] if delays else 0.0
    print(
        f"| {count} | {gave_up} | {len(dispatched)} | {len(ids - set(dispatched))} | "
        f"{len(dispatched) - len(set(dispatched))} | {redriven} | "
        f"{statistics.median(delays) if delays else 0:.1f} s | {p99:.1f} s | "
        f"{delays[-1] if delays else 0:.1f} s | {health['pending']} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--outage", type=float, default=60.0, help="seconds GitHub is down")
    parser.add_argument("--spread", type=float, default=120.0, help="seconds to send over")
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
            settings = relay_settings(github, Path(folder) / "relay.state" if with_state else None)
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
    if args.outage > 0:
        outage(args.deliveries, args.senders, args.spread, args.outage)


if __name__ == "__main__":
    main()
