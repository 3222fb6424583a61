"""Sampling entity keys by a hash of the key, as Chronon and most feature-logging pipelines
do: the same key is in or out on every run and every machine, and all of a key's rows go
together. ``sample`` ≤ 1 is a rate (keys whose hash falls below it); > 1 is a count (the keys
with the smallest hashes — a uniform sample of exactly that many)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

_SPAN = float(1 << 64)


def key_text(parts: Sequence[object]) -> str:
    """One key as text: the value, or ``name=value`` pairs for a composite key."""
    return "\x1f".join(str(p) for p in parts)


def fraction(text: str) -> float:
    """The key's place in [0, 1): blake2b's first 8 bytes."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") / _SPAN


def chosen(keys: Iterable[str], sample: float) -> set[str]:
    """The keys kept (``keys`` distinct)."""
    places = {k: fraction(k) for k in keys}
    if sample <= 1:
        return {k for k, place in places.items() if place < sample}
    count = int(sample)
    return set(sorted(places, key=lambda k: (places[k], k))[:count])
