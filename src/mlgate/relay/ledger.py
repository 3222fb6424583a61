"""Which deliveries were already dispatched, so a redelivery is never dispatched twice, and
which ones are still owed to a target, so none is lost — kept in memory and, with
``--state FILE``, in a file that a restarted relay reads back.

The file holds one line per event, appended and fsynced before the delivery is answered:
a dispatched ``delivery@target`` key as it is, and a dispatch owed (one that failed after
its retries) as a JSON object. A key dispatched later settles what was owed. The file is
compacted when it is read back, and locked (``FILE.lock``) while a relay or ``relay
redrive`` uses it: two users of one file would both send what is owed."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate.core.webhooks import Refused
from mlgate.errors import UsageError


@dataclass(kw_only=True)
class Pending:
    """A dispatch still owed to ``target``: it failed after its retries."""

    key: str  # delivery@target
    target: str
    payload: dict[str, str]
    since: float  # when it first failed (Unix time)
    error: str
    attempts: int = 0  # re-drives tried since
    next_at: float = field(default=0.0)  # when the next re-drive is due

    def line(self) -> str:
        return json.dumps(
            {
                "key": self.key,
                "target": self.target,
                "payload": self.payload,
                "since": self.since,
                "error": self.error,
            },
            ensure_ascii=True,
        )


class Ledger:
    """The deliveries seen recently, so a redelivery is not dispatched twice. A delivery
    is *claimed* while its dispatch runs (a concurrent retry of it waits for the answer
    instead of dispatching again) and *done* once dispatched; a failed dispatch releases
    the claim so MLflow's retry, or the re-drive, can try again. Bounded: the oldest ids are
    forgotten first, long after MLflow's retries (and the timestamp window) have ended."""

    def __init__(self, *, capacity: int = 100_000, state: Path | None = None) -> None:
        self._capacity = capacity
        self._done: OrderedDict[str, None] = OrderedDict()
        self._owed: dict[str, Pending] = {}
        self._running: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._state = state
        self._file_lock: int | None = None
        if state is not None and state.is_file():
            self._read(state)

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
                self._owed.pop(delivery, None)
                while len(self._done) > self._capacity:
                    self._done.popitem(last=False)
                self._append(delivery)
        if running is not None:
            running.set()

    def owe(self, pending: Pending) -> None:
        """Remember a dispatch that failed after its retries (again: a new error and time)."""
        with self._lock:
            if pending.key in self._done:
                return
            known = self._owed.get(pending.key)
            if known is not None:
                known.error = pending.error
                return
            self._owed[pending.key] = pending
            self._append(pending.line())

    def retry_later(self, key: str, *, error: str, at: float) -> None:
        with self._lock:
            known = self._owed.get(key)
            if known is not None:
                known.error, known.next_at = error, at
                known.attempts += 1

    def owes(self, target: str) -> bool:
        """Whether dispatches to ``target`` are owed (it is down, or was)."""
        with self._lock:
            return any(p.target == target for p in self._owed.values())

    def owed(self) -> list[Pending]:
        """What is still owed, oldest first (copies)."""
        with self._lock:
            found = sorted(self._owed.values(), key=lambda p: p.since)
            return [Pending(**vars(p)) for p in found]

    def seen(self) -> list[str]:
        with self._lock:
            return list(self._done)

    def load(self, deliveries: list[str]) -> None:
        with self._lock:
            for delivery in deliveries[-self._capacity :]:
                self._done[delivery] = None

    def lock(self) -> None:
        """Hold ``FILE.lock`` for as long as this process runs, or refuse: another relay
        (or ``relay redrive``) uses the same file."""
        if self._state is None or self._file_lock is not None:
            return
        import fcntl

        path = self._state.with_name(self._state.name + ".lock")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise UsageError(
                f"--state {self._state}: another mlgate relay uses this file (it re-drives "
                "what is owed by itself; stop it to re-drive from here)"
            ) from None
        except OSError as exc:
            raise UsageError(f"--state {self._state}: cannot lock it: {exc.strerror}") from None
        self._file_lock = fd

    def close(self) -> None:
        """Let go of ``FILE.lock``."""
        if self._file_lock is not None:
            os.close(self._file_lock)  # closing the descriptor releases the flock
            self._file_lock = None

    def _read(self, state: Path) -> None:
        owed: dict[str, Pending] = {}
        done: list[str] = []
        # split on "\n" alone, as written: splitlines() would also split a torn line at a
        # form feed or a line separator and read its pieces as delivery ids
        for raw in state.read_text("utf-8", errors="replace").split("\n"):
            line = raw.strip()
            if line.startswith("{"):
                found = _pending(line)
                if found is not None:
                    owed.setdefault(found.key, found)
            elif line:
                done.append(line)
        self.load(done)
        self._owed = {k: p for k, p in owed.items() if k not in self._done}
        if len(done) > len(self._done) or len(owed) > len(self._owed):
            self._compact(state)

    def _compact(self, state: Path) -> None:
        """Rewrite the file with what is still worth knowing (atomically: a crash leaves
        the old file or the new one)."""
        lines = [*self._done, *(p.line() for p in self._owed.values())]
        handle, temporary = tempfile.mkstemp(prefix=f".{state.name}.", dir=state.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("".join(f"{line}\n" for line in lines))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, state)

    def _append(self, line: str) -> None:
        # Flushed before the delivery is answered: a relay killed after this line cannot
        # dispatch it again, nor forget what it owes, when restarted.
        if self._state is None:
            return
        fd = os.open(self._state, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)


def _pending(line: str) -> Pending | None:
    """An owed line as written, or None when it is not (an edited or torn line)."""
    try:
        data: Any = json.loads(line)
        payload = {str(k): str(v) for k, v in dict(data["payload"]).items()}
        return Pending(
            key=str(data["key"]),
            target=str(data["target"]),
            payload=payload,
            since=float(data["since"]),
            error=str(data.get("error", "")),
        )
    except (ValueError, KeyError, TypeError):
        return None
