"""What every part of a verdict reports: a status, and a check that is not a metric row.
The drift, provenance and model-test parts build on this module, and the verdict on them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Status(str, Enum):
    """Outcome of one metric row or one check."""

    FAIL = "fail"
    WARN = "warn"
    MISSING = "missing"
    NEW = "new"
    PASS = "pass"
    INFO = "info"


# Worst first: the report lists rows in this order.
STATUS_ORDER: tuple[Status, ...] = tuple(Status)


@dataclass(frozen=True, kw_only=True)
class Check:
    """A gate check that is not a metric row (signature compatibility, model tests …)."""

    name: str
    status: Status
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status.value, "summary": self.summary}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Check:
        return cls(name=data["name"], status=Status(data["status"]), summary=data["summary"])


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``plural(1, "metric")`` → ``1 metric``; ``plural(2, "metric")`` → ``2 metrics``."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"
