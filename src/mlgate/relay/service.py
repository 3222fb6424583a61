"""What ``mlgate relay`` does with one delivery: verify it (core/webhooks.py), filter it,
dispatch it to every target once, and answer so that MLflow retries exactly when a retry
can help.

The answers:
- 2xx: dispatched now, dispatched before (a redelivery), or deliberately ignored (an event
  or model the relay does not pass on) — MLflow must not retry;
- 4xx: a delivery that can never succeed (forged, stale, malformed, oversized);
- 5xx: a target still failing after bounded retries, or the relay is at capacity — MLflow
  retries the same delivery id, and targets that already got it are not sent it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from mlgate.core.webhooks import Refused, RelayFilter, parse_event, verify
from mlgate.relay.ledger import Ledger


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


class Relay:
    def __init__(
        self,
        *,
        secret: str,
        targets: Sequence[Target],
        relay_filter: RelayFilter,
        ledger: Ledger,
        backoff: Backoff = Backoff(),
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
                sent.append(self._send(target, payload))
                ok = True
            except TargetFailed as exc:
                failures.append(str(exc))
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

    def _send(self, target: Target, payload: Mapping[str, str]) -> str:
        from mlgate.adapters.dispatch import DispatchFailed

        wait = self._backoff.first
        last = ""
        for attempt in range(1, self._backoff.attempts + 1):
            try:
                return target.send(payload)
            except DispatchFailed as exc:
                last = str(exc)
                if not exc.transient:
                    raise TargetFailed(f"{target.name}: {last} (not retried)") from None
            if attempt < self._backoff.attempts:
                self._sleep(wait)
                wait = min(wait * 2, self._backoff.cap)
        raise TargetFailed(f"{target.name}: {last} (after {self._backoff.attempts} attempts)")


class TargetFailed(Exception):
    pass
