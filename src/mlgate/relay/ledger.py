"""Which deliveries were already dispatched, so a redelivery is never dispatched twice —
kept in memory and, with ``--state FILE``, appended to a file that a restarted relay reads
back."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path

from mlgate.core.webhooks import Refused


class Ledger:
    """The deliveries seen recently, so a redelivery is not dispatched twice. A delivery
    is *claimed* while its dispatch runs (a concurrent retry of it waits for the answer
    instead of dispatching again) and *done* once dispatched; a failed dispatch releases
    the claim so MLflow's retry can try again. Bounded: the oldest ids are forgotten first,
    long after MLflow's retries (and the timestamp window) have ended."""

    def __init__(self, *, capacity: int = 100_000, state: Path | None = None) -> None:
        self._capacity = capacity
        self._done: OrderedDict[str, None] = OrderedDict()
        self._running: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._state = state
        if state is not None and state.is_file():
            lines = state.read_text("utf-8", errors="replace").splitlines()
            self.load([line.strip() for line in lines if line.strip()])

    def claim(self, delivery: str, *, wait: float = 30.0) -> bool:
        """True: the caller dispatches ``delivery`` now. False: it was dispatched already."""
        while True:
            with self._lock:
                if delivery in self._done:
                    return False
                running = self._running.get(delivery)
                if running is None:
                    self._running[delivery] = threading.Event()
                    return True
            if not running.wait(wait):
                raise Refused(503, "the same delivery is still being dispatched; retry later")

    def finish(self, delivery: str, *, dispatched: bool) -> None:
        with self._lock:
            running = self._running.pop(delivery, None)
            if dispatched:
                self._done[delivery] = None
                while len(self._done) > self._capacity:
                    self._done.popitem(last=False)
                if self._state is not None:
                    self._append(delivery)
        if running is not None:
            running.set()

    def seen(self) -> list[str]:
        with self._lock:
            return list(self._done)

    def load(self, deliveries: list[str]) -> None:
        with self._lock:
            for delivery in deliveries[-self._capacity :]:
                self._done[delivery] = None

    def _append(self, delivery: str) -> None:
        # One line per dispatched delivery, flushed before the delivery is answered: a relay
        # killed after this line cannot dispatch it again when restarted.
        fd = os.open(self._state, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)  # type: ignore[arg-type]
        try:
            os.write(fd, delivery.encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
