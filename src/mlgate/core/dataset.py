"""An evaluation dataset's identity: a name, a content digest and where it lives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Dataset:
    """One evaluation dataset's identity. ``origin`` says who vouches for the digest:
    ``mlflow`` (a dataset input on the run), ``dvc`` (dvc.lock / a .dvc file), ``file``
    (mlgate hashed the bytes: md5, as DVC does) or ``metrics file``."""

    name: str
    digest: str | None = None
    source: str | None = None
    origin: str = "file"

    @property
    def short_digest(self) -> str:
        return (self.digest or "")[:8]

    def same_data(self, other: Dataset) -> bool | None:
        """True/False when both digests are known, None when either is not."""
        if not self.digest or not other.digest:
            return None
        return self.digest.lower() == other.digest.lower()

    def describe(self) -> str:
        """``eval-2026-11 (digest 3f2a1b9c)`` — the plain-text form used in messages."""
        digest = f" (digest {self.short_digest})" if self.digest else " (no digest)"
        return f"{self.name}{digest}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "digest": self.digest,
            "source": self.source,
            "origin": self.origin,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Dataset:
        return cls(
            name=data["name"],
            digest=data.get("digest"),
            source=data.get("source"),
            origin=data.get("origin") or "file",
        )
