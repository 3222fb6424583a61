"""One delivery through the relay's decision: answers, retries, and never twice."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from mlgate.adapters.dispatch import DispatchFailed
from mlgate.core.webhooks import RelayFilter, signature
from mlgate.relay.ledger import Ledger
from mlgate.relay.service import Backoff, Relay

SECRET = "s3cret-s3cret-s3cret"
NOW = 1_800_000_000.0


class Target:
    """A CI target that records what it was sent, failing as told."""

    def __init__(self, name: str = "github:acme/churn", failures: list[bool] | None = None) -> None:
        self.name = name
        self.sent: list[dict[str, str]] = []
        self.failures = list(failures or [])  # True: transient, False: permanent
        self.lock = threading.Lock()
        self.delay = 0.0

    def send(self, payload: Mapping[str, str]) -> str:
        time.sleep(self.delay)
        with self.lock:
            if self.failures:
                transient = self.failures.pop(0)
                raise DispatchFailed(
                    f"{self.name}: HTTP {502 if transient else 404}", transient=transient
                )
            self.sent.append(dict(payload))
        return f"sent to {self.name}"


def relay(*targets: Target, ledger: Ledger | None = None, **kwargs: object) -> Relay:
    return Relay(
        secret=SECRET,
        targets=targets,
        relay_filter=RelayFilter(),
        ledger=ledger or Ledger(),
        backoff=Backoff(first=0.0),
        clock=lambda: NOW,
        sleep=lambda _: None,
        **kwargs,  # type: ignore[arg-type]
    )


def delivery(delivery_id: str = "d-1", model: str = "churn") -> tuple[dict[str, str], bytes]:
    raw = json.dumps(
        {"entity": "model_version", "action": "created", "data": {"name": model, "version": "2"}}
    ).encode()
    stamp = str(int(NOW))
    return {
        "X-MLflow-Delivery-Id": delivery_id,
        "X-MLflow-Timestamp": stamp,
        "X-MLflow-Signature": signature(SECRET, delivery=delivery_id, timestamp=stamp, body=raw),
    }, raw


def test_dispatched_once_then_duplicate() -> None:
    target = Target()
    service = relay(target)
    first = service.handle(*delivery())
    again = service.handle(*delivery())
    assert (first.status, first.outcome) == (200, "dispatched")
    assert (again.status, again.outcome) == (200, "duplicate")
    assert target.sent == [
        {"model": "churn", "version": "2", "event": "model_version.created", "delivery": "d-1"}
    ]


def test_transient_failures_are_retried_permanent_ones_are_not() -> None:
    flaky = Target(failures=[True, True, True])
    assert relay(flaky).handle(*delivery()).outcome == "dispatched"
    assert len(flaky.sent) == 1
    broken = Target(failures=[False])
    answer = relay(broken).handle(*delivery())
    assert answer.status == 502 and "not retried" in answer.detail and broken.sent == []


def test_backoff_doubles_and_is_capped() -> None:
    waits: list[float] = []
    service = Relay(
        secret=SECRET,
        targets=[Target(failures=[True] * 5)],
        relay_filter=RelayFilter(),
        ledger=Ledger(),
        backoff=Backoff(attempts=5, first=1.0, cap=3.0),
        clock=lambda: NOW,
        sleep=waits.append,
    )
    assert service.handle(*delivery()).status == 502
    assert waits == [1.0, 2.0, 3.0, 3.0]


def test_a_failed_target_is_retried_alone_on_redelivery() -> None:
    good, bad = Target("gitlab:42"), Target(failures=[True] * 4)
    service = relay(good, bad)
    assert service.handle(*delivery()).status == 502
    assert service.handle(*delivery()).outcome == "dispatched"
    assert len(good.sent) == 1 and len(bad.sent) == 1


def test_concurrent_redeliveries_dispatch_once() -> None:
    target = Target()
    target.delay = 0.05
    service = relay(target)
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(service.handle(*delivery())))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(target.sent) == 1
    assert sorted(a.outcome for a in answers) == ["dispatched"] + ["duplicate"] * 7


def test_the_ledger_survives_a_restart_and_stays_bounded(tmp_path: Path) -> None:
    state = tmp_path / "state"
    target = Target()
    relay(target, ledger=Ledger(state=state)).handle(*delivery())
    assert relay(target, ledger=Ledger(state=state)).handle(*delivery()).outcome == "duplicate"
    small = Ledger(capacity=2)
    for key in "abc":
        assert small.claim(key)
        small.finish(key, dispatched=True)
    assert small.seen() == ["b", "c"] and small.claim("a")


def test_ignored_and_refused_answers() -> None:
    target = Target()
    service = Relay(
        secret=SECRET,
        targets=[target],
        relay_filter=RelayFilter(models=("fraud-*",)),
        ledger=Ledger(),
        clock=lambda: NOW,
    )
    ignored = service.handle(*delivery())
    assert (ignored.status, ignored.outcome) == (202, "ignored") and target.sent == []
    headers, raw = delivery()
    forged = service.handle({**headers, "X-MLflow-Signature": "v1,AAAA"}, raw)
    assert (forged.status, forged.outcome) == (401, "refused")
