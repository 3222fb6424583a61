"""What ``mlgate relay`` does with one delivery: verify it (core/webhooks.py), filter it,
dispatch it to every target once, and answer so that MLflow retries exactly when a retry
can help.

The answers:
- 2xx: dispatched now, dispatched before (a redelivery), or deliberately ignored (an event
  or model the relay does not pass on) — MLflow must not retry;
- 4xx: a delivery that can never succeed (forged, stale, malformed, oversized);
- 5xx: a target still failing after bounded retries, or the relay is at capacity — MLflow
  retries the same delivery id, and targets that already got it are not sent it again.

A dispatch still failing after its retries is *owed* (ledger.py): the relay re-drives it in
the background with backoff (:meth:`Relay.redrive`) until the target takes it, so a CI API
down for longer than MLflow's retries loses nothing — and, the ledger being the one place
that says what was sent, never sends anything twice.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from mlgate.core.webhooks import Refused, RelayFilter, parse_event, verify
from mlgate.relay.ledger import Ledger, Pending


class Target(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, payload: Mapping[str, str]) -> str: ...


@dataclass(frozen=True, kw_only=True)
class Answer:
    status: int
    outcome: str  # dispatched, duplicate, ignored, refused, failed
    detail: str
    model: str = "-"
    version: str = "-"
    event: str = "-"
    delivery: str = "-"

    def body(self) -> dict[str, str]:
        return {"outcome": self.outcome, "detail": self.detail}


@dataclass(frozen=True, kw_only=True)
class Backoff:
    attempts: int = 4  # one try and three retries
    first: float = 0.5  # seconds; doubled after each failure
    cap: float = 8.0


@dataclass(frozen=True, kw_only=True)
class Redrive:
    """How often a target that owes dispatches is probed again: ``first`` seconds after a
    dispatch failed for good, then doubled after each failed probe, at most ``cap`` apart."""

    first: float = 2.0
    cap: float = 10.0
    workers: int = 8  # sends at once while draining a target that is back

    def delay(self, attempts: int) -> float:
        return float(min(self.first * 2 ** min(attempts, 30), self.cap))


@dataclass(frozen=True, kw_only=True)
class Redriven:
    key: str
    model: str
    version: str
    delivered: bool
    detail: str


class Relay:
    def __init__(
        self,
        *,
        secret: str,
        targets: Sequence[Target],
        relay_filter: RelayFilter,
        ledger: Ledger,
        backoff: Backoff = Backoff(),
        redrive: Redrive = Redrive(),
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_bytes: int | None = None,
    ) -> None:
        if not secret:
            raise ValueError("the relay needs a webhook secret")
        if not targets:
            raise ValueError("the relay needs at least one target")
        self._secret = secret
        self._targets = tuple(targets)
        self._filter = relay_filter
        self._ledger = ledger
        self._backoff = backoff
        self._redrive = redrive
        self._probes: dict[str, tuple[float, int]] = {}  # target → (next probe, failures)
        self._probes_lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep
        self._limits = {} if max_bytes is None else {"max_bytes": max_bytes}

    def handle(self, headers: Mapping[str, str], body: bytes) -> Answer:
        try:
            delivery, _ = verify(
                headers, body, secret=self._secret, now=self._clock(), **self._limits
            )
        except Refused as refused:
            return Answer(status=refused.status, outcome="refused", detail=refused.reason)
        try:
            event = parse_event(body, delivery=delivery)
        except Refused as refused:
            outcome = "ignored" if refused.status < 300 else "refused"
            return Answer(
                status=refused.status, outcome=outcome, detail=refused.reason, delivery=delivery
            )
        seen = {"model": event.model, "version": event.version, "event": event.event}
        why_not = self._filter.refusal(event)
        if why_not:
            return Answer(status=202, outcome="ignored", detail=why_not, delivery=delivery, **seen)
        payload = {**seen, "delivery": delivery}
        sent: list[str] = []
        failures: list[str] = []
        for target in self._targets:
            key = f"{delivery}@{target.name}"
            try:
                claimed = self._ledger.claim(key)
            except Refused as busy:
                failures.append(f"{target.name}: {busy.reason}")
                continue
            if not claimed:
                continue
            ok = False
            try:
                # A target that already owes dispatches is down: one try, not four, so a
                # delivery does not hold a slot through the retries while it is
                sent.append(self._send(target, payload, once=self._ledger.owes(target.name)))
                ok = True
            except TargetFailed as exc:
                failures.append(f"{exc}; owed: re-driven in the background")
                self._ledger.owe(
                    Pending(
                        key=key,
                        target=target.name,
                        payload=payload,
                        since=self._clock(),
                        error=str(exc),
                        next_at=self._clock() + self._redrive.first,
                    )
                )
            finally:
                self._ledger.finish(key, dispatched=ok)
        if failures:
            return Answer(
                status=502, outcome="failed", detail="; ".join(failures), delivery=delivery, **seen
            )
        if not sent:
            return Answer(
                status=200,
                outcome="duplicate",
                detail="already dispatched; not sent again",
                delivery=delivery,
                **seen,
            )
        return Answer(
            status=200, outcome="dispatched", detail="; ".join(sent), delivery=delivery, **seen
        )

    @property
    def ledger(self) -> Ledger:
        return self._ledger

    def redrive(self, *, everything: bool = False) -> list[Redriven]:
        """Send what is owed and due (``everything``: all of it now, each with the full
        retries). A target that fails is probed again later, with backoff, by one owed
        dispatch — not hammered by all of them; once it takes one, the rest follow at once,
        ``Redrive.workers`` at a time. A dispatch that MLflow's retry sent meanwhile is
        settled, not sent again."""
        from concurrent.futures import ThreadPoolExecutor

        targets = {t.name: t for t in self._targets}
        due: dict[str, list[Pending]] = {}
        now = self._clock()
        for owed in self._ledger.owed():
            probe_at, _ = self._probes.get(owed.target, (0.0, 0))
            if owed.target not in targets:
                continue  # no longer a target of this relay: kept for one that is
            if everything or (owed.next_at <= now and probe_at <= now):
                due.setdefault(owed.target, []).append(owed)
        done: list[Redriven] = []
        for name, owed_to in due.items():
            target = targets[name]
            probe = self._redrive_one(target, owed_to[0], everything=everything)
            done += [probe] if probe is not None else []
            if probe is not None and not probe.delivered:
                continue  # still down: the rest wait for the next probe
            with ThreadPoolExecutor(max_workers=self._redrive.workers) as pool:
                sent = pool.map(
                    functools.partial(self._redrive_one, target, everything=everything),
                    owed_to[1:],
                )
                done += [r for r in sent if r is not None]
        return done

    def _redrive_one(self, target: Target, owed: Pending, *, everything: bool) -> Redriven | None:
        from mlgate.adapters.dispatch import DispatchFailed

        try:
            claimed = self._ledger.claim(owed.key, wait=0.0)
        except Refused:
            return None  # MLflow's retry is sending it right now
        if not claimed:
            return None  # sent meanwhile
        ok, detail = False, ""
        try:
            detail = self._send(target, owed.payload) if everything else target.send(owed.payload)
            ok = True
        except TargetFailed as exc:
            detail = str(exc)
        except DispatchFailed as exc:  # one attempt in the background: again later
            detail = f"{target.name}: {exc}"
        finally:
            self._ledger.finish(owed.key, dispatched=ok)
        with self._probes_lock:
            if ok:
                self._probes.pop(target.name, None)
            else:
                _, streak = self._probes.get(target.name, (0.0, 0))
                at = self._clock() + self._redrive.delay(streak + 1)
                self._probes[target.name] = (at, streak + 1)
                self._ledger.retry_later(owed.key, error=detail, at=at)
        return Redriven(
            key=owed.key,
            model=owed.payload.get("model", "-"),
            version=owed.payload.get("version", "-"),
            delivered=ok,
            detail=detail,
        )

    def _send(self, target: Target, payload: Mapping[str, str], *, once: bool = False) -> str:
        from mlgate.adapters.dispatch import DispatchFailed

        wait = self._backoff.first
        last = ""
        attempts = 1 if once else self._backoff.attempts
        for attempt in range(1, attempts + 1):
            try:
                return target.send(payload)
            except DispatchFailed as exc:
                last = str(exc)
                if not exc.transient:
                    raise TargetFailed(f"{target.name}: {last} (not retried)") from None
            if attempt < attempts:
                self._sleep(wait)
                wait = min(wait * 2, self._backoff.cap)
        tries = "1 attempt: it owes others" if once else f"{attempts} attempts"
        raise TargetFailed(f"{target.name}: {last} (after {tries})")


class TargetFailed(Exception):
    pass
