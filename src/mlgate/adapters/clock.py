"""The clock: the one place mlgate reads the time, as ISO 8601 in UTC to the second."""

from __future__ import annotations

from datetime import datetime, timezone


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
