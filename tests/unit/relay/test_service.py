"""One delivery through the relay's decision: answers, retries, and never twice; what is
owed after the retries, re-driven with backoff, kept across restarts in one locked file."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from mlgate.adapters.dispatch import DispatchFailed
from mlgate.core.webhooks import RelayFilter, signature
from mlgate.errors import UsageError
from mlgate.relay.ledger import Ledger
from mlgate.relay.service import Backoff, Redrive, Relay

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


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def owing(target: Target, clock: Clock, ledger: Ledger) -> Relay:
    return Relay(
        secret=SECRET,
        targets=[target],
        relay_filter=RelayFilter(),
        ledger=ledger,
        backoff=Backoff(first=0.0),
        redrive=Redrive(first=2.0, cap=30.0),
        clock=clock,
        sleep=lambda _: None,
    )


def test_a_dispatch_failing_for_good_is_owed_and_redriven_with_backoff_once() -> None:
    down = Target(failures=[True] * 7)  # 4 attempts on delivery, then 3 re-drives
    clock, ledger = Clock(), Ledger()
    service = owing(down, clock, ledger)
    answer = service.handle(*delivery())
    assert answer.status == 502 and "owed: re-driven in the background" in answer.detail
    (owed,) = ledger.owed()
    assert owed.key == "d-1@github:acme/churn" and owed.next_at == NOW + 2
    assert service.redrive() == []  # not due yet
    times = []
    for _ in range(4):
        clock.now = ledger.owed()[0].next_at
        times.append(clock.now - NOW)
        service.redrive()
        if not ledger.owed():
            break
    assert times == [2.0, 6.0, 14.0, 30.0]  # 2, then 4, 8, 16 apart
    assert ledger.owed() == [] and len(down.sent) == 1
    again = service.handle(*delivery())  # MLflow's late redelivery
    assert again.outcome == "duplicate" and len(down.sent) == 1


def test_the_backoff_is_capped() -> None:
    assert [Redrive(first=2, cap=30).delay(n) for n in range(6)] == [2, 4, 8, 16, 30, 30]


def test_mlflows_retry_and_the_redrive_send_once_between_them(tmp_path: Path) -> None:
    target = Target(failures=[True] * 4)
    clock, ledger = Clock(), Ledger(state=tmp_path / "state")
    service = owing(target, clock, ledger)
    assert service.handle(*delivery()).status == 502
    assert service.handle(*delivery()).outcome == "dispatched"  # MLflow's retry, first
    clock.now += 60
    assert service.redrive() == [] and len(target.sent) == 1
    restarted = Ledger(state=tmp_path / "state")  # the file says it is settled
    assert restarted.owed() == [] and restarted.seen() == ["d-1@github:acme/churn"]


def test_what_is_owed_survives_a_restart_and_the_file_is_compacted(tmp_path: Path) -> None:
    state = tmp_path / "state"
    clock = Clock()
    service = owing(Target(failures=[True] * 8), clock, Ledger(state=state))
    for n in (1, 2):
        assert service.handle(*delivery(f"d-{n}")).status == 502
    assert len(state.read_text().splitlines()) == 2
    back = Target()
    restarted = owing(back, clock, Ledger(state=state))
    assert [p.key for p in restarted.ledger.owed()] == [
        "d-1@github:acme/churn",
        "d-2@github:acme/churn",
    ]
    clock.now += 5
    assert [r.delivered for r in restarted.redrive()] == [True, True]
    assert [p["delivery"] for p in back.sent] == ["d-1", "d-2"]
    lines = state.read_text().splitlines()
    assert len(lines) == 4  # two owed, two settled: compacted on the next start
    state.write_text(state.read_text() + '{"torn": \n')
    Ledger(state=state)
    assert state.read_text().splitlines() == ["d-1@github:acme/churn", "d-2@github:acme/churn"]
    assert state.stat().st_mode & 0o777 == 0o600


def test_one_state_file_one_user(tmp_path: Path) -> None:
    first, second = Ledger(state=tmp_path / "s"), Ledger(state=tmp_path / "s")
    first.lock()
    with pytest.raises(UsageError, match="another mlgate relay uses this file"):
        second.lock()
    first.close()
    second.lock()
    second.close()


def test_while_a_target_owes_a_new_delivery_gets_one_try_not_four() -> None:
    down = Target(failures=[True] * 5)
    clock, ledger = Clock(), Ledger()
    service = owing(down, clock, ledger)
    assert service.handle(*delivery("d-1")).status == 502  # 4 tries
    answer = service.handle(*delivery("d-2"))  # 1 try
    assert answer.status == 502 and "after 1 attempt: it owes others" in answer.detail
    assert down.failures == [] and len(ledger.owed()) == 2
    back = service.handle(*delivery("d-3"))  # back: one try is enough
    assert back.outcome == "dispatched" and len(ledger.owed()) == 2


def test_a_down_target_is_probed_by_one_owed_dispatch_and_then_drained() -> None:
    down = Target(failures=[True] * 8)  # d-1: 4 tries; d-2, d-3: 1 each; two probes
    clock, ledger = Clock(), Ledger()
    service = owing(down, clock, ledger)
    for n in (1, 2, 3):
        assert service.handle(*delivery(f"d-{n}")).status == 502
    clock.now += 2
    assert len(service.redrive()) == 1  # one probe, not three
    assert service.redrive() == []  # the next probe waits for the backoff
    clock.now += 4
    assert len(service.redrive()) == 1 and len(ledger.owed()) == 3  # the last failure
    clock.now += 8
    assert [r.delivered for r in service.redrive()] == [True, True, True]  # back: drained
    sent = [p["delivery"] for p in down.sent]
    assert sent[0] == "d-1" and sorted(sent[1:]) == ["d-2", "d-3"]  # the probe, then 8 at once
