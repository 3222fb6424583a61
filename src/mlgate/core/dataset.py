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
    # What the digest does not cover, when it hashes part of the data (MLflow's digest of
    # a DataFrame: its first 10,000 rows and the row count).
    covers: str | None = None

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
        if self.digest and self.covers:
            digest = f" (digest {self.short_digest}, which covers {self.covers})"
        return f"{self.name}{digest}"

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "digest": self.digest,
            "source": self.source,
            "origin": self.origin,
        }
        if self.covers:
            out["covers"] = self.covers
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Dataset:
        return cls(
            name=data["name"],
            digest=data.get("digest"),
            source=data.get("source"),
            origin=data.get("origin") or "file",
            covers=data.get("covers"),
        )
