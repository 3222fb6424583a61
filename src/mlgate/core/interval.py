"""A confidence interval for Δ = candidate − baseline, as plain data (no numpy)."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from mlgate.core.numbers import decode_number, decode_required, encode_number


@dataclass(frozen=True, kw_only=True)
class Interval:
    low: float
    high: float
    confidence: float
    # "Newcombe (paired score)", "MOVER (Wilson, paired)", "multinomial bootstrap", "DeLong",
    # "bootstrap", "normal (delta method)"; unpaired: "Newcombe (Wilson)", "Wilson"
    method: str
    resamples: int | None = None
    p_value: float | None = None  # two-sided, for "Δ = 0"

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    def smallest_detectable(self, power: float = 0.8) -> float:
        """The smallest true change this evaluation set detects with ``power``: the
        standard error (from the interval's width) times z(1 − α/2) + z(power)."""
        z = z_value(self.confidence)
        return self.half_width / z * (z + NormalDist().inv_cdf(power))

    def to_dict(self) -> dict[str, Any]:
        return {
            "low": encode_number(self.low),
            "high": encode_number(self.high),
            "confidence": self.confidence,
            "method": self.method,
            "resamples": self.resamples,
            "p_value": encode_number(self.p_value),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Interval:
        p_value = data.get("p_value")
        return cls(
            low=decode_required(data["low"]),
            high=decode_required(data["high"]),
            confidence=float(data["confidence"]),
            method=str(data["method"]),
            resamples=data.get("resamples"),
            p_value=decode_number(p_value),
        )


def z_value(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def normal_p_value(delta: float, standard_error: float) -> float:
    if standard_error <= 0:
        return 0.0 if delta else 1.0
    return 2 * (1 - NormalDist().cdf(abs(delta) / standard_error))
