"""Skew by key, one row per feature: how many matched rows (or entity keys) carry a value
that differs, the rate's interval, and — for the feature-store checks — what kind each
difference is. A rate is above ``skew.max_mismatch`` only as the metrics' gate modes say:

``point``            the rate is above the limit;
``significant``      the rate is above it and so is its Wilson interval's lower bound (above
                     it by the rate only: inconclusive, a warning);
``non_inferiority``  the interval's upper bound is above it (the sample must show the rate
                     is within the limit).

At a limit of 0 every mode fails on the first unexpected difference, and none on zero: an
interval cannot show a rate is exactly 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from mlgate.core.numbers import decode_number, encode_number

STALENESS_QUANTILES = ("0.5", "0.9", "0.99", "1")


class Against(str, Enum):
    WITHIN = "within"
    INCONCLUSIVE = "inconclusive"
    ABOVE = "above"


@dataclass(frozen=True, kw_only=True)
class Mismatch:
    """One feature: rows compared, rows whose value differs unexpectedly, a few keys."""

    feature: str
    compared: int
    differing: int
    examples: tuple[str, ...] = ()
    # The feature-store checks (monitor/feast_online.py, feast_training.py); zero for two
    # files matched by key. missing_*/stale/leaked are part of ``differing``; expected_* not.
    missing_online: int = 0  # offline has a value, the online store (training table) none
    missing_offline: int = 0  # served (or trained on) a value offline does not have
    stale: int = 0  # online behind the newest offline value by more than max_lag
    expected_ttl: int = 0  # an online value older than the view's TTL
    expected_lag: int = 0  # behind the offline value, by at most max_lag
    leaked: int = 0  # a training value equal to a later offline value
    leak_examples: tuple[str, ...] = ()
    smape: float | None = None  # numbers present on both sides
    max_abs_diff: float | None = None
    staleness: tuple[tuple[str, float], ...] = ()  # (quantile, seconds behind)

    @property
    def share(self) -> float:
        return self.differing / self.compared if self.compared else 0.0

    def interval(self, confidence: float) -> tuple[float, float]:
        from mlgate.core.stats.unpaired import wilson

        return wilson(self.differing, self.compared, confidence=confidence)

    def against(self, limit: float, *, mode: str, confidence: float) -> Against:
        """Whether the rate is above ``limit`` under the gate ``mode``."""
        if self.differing == 0 and (limit == 0 or mode != "non_inferiority"):
            return Against.WITHIN
        low, high = self.interval(confidence)
        if mode == "point":
            return Against.ABOVE if self.share > limit else Against.WITHIN
        if mode == "non_inferiority":
            return Against.ABOVE if high > limit else Against.WITHIN
        if self.share <= limit:
            return Against.WITHIN
        return Against.ABOVE if low > limit else Against.INCONCLUSIVE

    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]:
        low, high = self.interval(confidence)
        data = {
            "feature": self.feature,
            "compared": self.compared,
            "differing": self.differing,
            "share": self.share,
            "interval": [low, high],
            "examples": list(self.examples),
        }
        return data | {
            "missing_online": self.missing_online,
            "missing_offline": self.missing_offline,
            "stale": self.stale,
            "expected_ttl": self.expected_ttl,
            "expected_lag": self.expected_lag,
            "leaked": self.leaked,
            "leaked_share": self.leaked / self.compared if self.compared else 0.0,
            "leak_examples": list(self.leak_examples),
            "smape": encode_number(self.smape),
            "max_abs_diff": encode_number(self.max_abs_diff),
            "staleness_seconds": dict(self.staleness),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mismatch:
        return cls(
            feature=data["feature"],
            compared=int(data["compared"]),
            differing=int(data["differing"]),
            examples=tuple(data.get("examples", ())),
            missing_online=int(data.get("missing_online", 0)),
            missing_offline=int(data.get("missing_offline", 0)),
            stale=int(data.get("stale", 0)),
            expected_ttl=int(data.get("expected_ttl", 0)),
            expected_lag=int(data.get("expected_lag", 0)),
            leaked=int(data.get("leaked", 0)),
            leak_examples=tuple(data.get("leak_examples", ())),
            smape=decode_number(data.get("smape")),
            max_abs_diff=decode_number(data.get("max_abs_diff")),
            staleness=tuple(
                (str(q), float(s)) for q, s in dict(data.get("staleness_seconds") or {}).items()
            ),
        )
