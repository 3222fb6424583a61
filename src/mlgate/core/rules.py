"""Per-metric gate rules, as plain data.

A rule's tolerances are stated in the metric's *bad* direction: ``max_drop`` for a metric
where higher is better, ``max_rise`` where lower is better. Internally both are one
``tolerance`` (absolute) and ``tolerance_pct`` (relative to the baseline).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class MetricRule:
    name: str
    higher_is_better: bool = True
    tolerance: float | None = None
    tolerance_pct: float | None = None
    min: float | None = None
    max: float | None = None
    required: bool = True
    warn_only: bool = False
    # No direction was stated and the metric catalogue does not know the name.
    direction_assumed: bool = False

    @property
    def checks_change(self) -> bool:
        return self.tolerance is not None or self.tolerance_pct is not None

    @property
    def checks_bounds(self) -> bool:
        return self.min is not None or self.max is not None

    @property
    def worse_word(self) -> str:
        return "drop" if self.higher_is_better else "rise"

    def describe(self) -> str:
        """The rule in a few words, for the report's Rule column."""
        parts: list[str] = []
        if self.tolerance is not None:
            parts.append(f"{self.worse_word} ≤ {_num(self.tolerance)}")
        if self.tolerance_pct is not None:
            parts.append(f"{self.worse_word} ≤ {_num(self.tolerance_pct)}%")
        if self.min is not None:
            parts.append(f"≥ {_num(self.min)}")
        if self.max is not None:
            parts.append(f"≤ {_num(self.max)}")
        if not parts:
            parts.append("tracked")
        text = ", ".join(parts)
        if self.direction_assumed:
            text += " (higher-is-better assumed)"
        return f"{text} (warn only)" if self.warn_only else text

    def to_dict(self) -> dict[str, Any]:
        """The rule in the user's own vocabulary (``max_drop`` / ``max_rise`` …)."""
        word = "drop" if self.higher_is_better else "rise"
        out: dict[str, Any] = {"higher_is_better": self.higher_is_better}
        if self.tolerance is not None:
            out[f"max_{word}"] = self.tolerance
        if self.tolerance_pct is not None:
            out[f"max_{word}_pct"] = self.tolerance_pct
        if self.min is not None:
            out["min"] = self.min
        if self.max is not None:
            out["max"] = self.max
        out["required"] = self.required
        out["warn_only"] = self.warn_only
        if self.direction_assumed:
            out["direction_assumed"] = True
        return out

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> MetricRule:
        higher = bool(data.get("higher_is_better", True))
        word = "drop" if higher else "rise"
        return cls(
            name=name,
            higher_is_better=higher,
            tolerance=data.get(f"max_{word}"),
            tolerance_pct=data.get(f"max_{word}_pct"),
            min=data.get("min"),
            max=data.get("max"),
            required=bool(data.get("required", True)),
            warn_only=bool(data.get("warn_only", False)),
            direction_assumed=bool(data.get("direction_assumed", False)),
        )


def _num(value: float) -> str:
    return f"{value:g}"
