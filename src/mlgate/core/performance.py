"""Model degradation once labels arrive: production's live metrics against what it scored
at evaluation time, judged by ``monitor.performance`` rules in the gate's significance
modes, overall and by time window, with how much of the traffic is labelled yet.

Plain data: the numbers come from :mod:`mlgate.core.stats.live`; the rule judgement is the
gate's own (:func:`mlgate.core.compare.judge`), so ``max_drop`` means the same in both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from mlgate.core.checks import Check, Status, plural
from mlgate.core.compare import judge
from mlgate.core.interval import Interval
from mlgate.core.rules import MetricRule
from mlgate.core.significance import Mode
from mlgate.core.verdict import MetricRow

WINDOWS = ("day", "week")


@dataclass(frozen=True, kw_only=True)
class PerformanceSettings:
    """``monitor.performance`` (rules), ``monitor.window`` and the interval settings."""

    rules: tuple[MetricRule, ...] = ()
    mode: Mode = Mode.SIGNIFICANT
    confidence: float = 0.95
    resamples: int = 2000
    seed: int = 0
    window: str | None = None  # day, week
    timestamp: str = "timestamp"  # the outcomes' time column
    min_labels: int = 30  # a window with fewer labelled outcomes is shown, not judged


@dataclass(frozen=True, kw_only=True)
class Window:
    start: str  # ISO date of the window's first day (weeks start on Monday)
    served: int
    labelled: int
    rows: tuple[MetricRow, ...] = ()  # empty when too few labels to judge

    @property
    def coverage(self) -> float:
        return self.labelled / self.served if self.served else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "served": self.served,
            "labelled": self.labelled,
            "coverage": round(self.coverage, 6),
            "metrics": [_row(r) for r in self.rows],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Window:
        return cls(
            start=str(data["start"]),
            served=int(data["served"]),
            labelled=int(data["labelled"]),
            rows=tuple(MetricRow.from_dict(r) for r in data.get("metrics", ())),
        )


@dataclass(frozen=True, kw_only=True)
class PerformanceReport:
    model: str | None
    version: str | None
    reference: str  # where production's evaluation-time numbers came from
    outcomes: str  # the outcomes file
    served: int
    labelled: int
    rows: tuple[MetricRow, ...]
    windows: tuple[Window, ...] = ()
    window: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def coverage(self) -> float:
        return self.labelled / self.served if self.served else 0.0

    @property
    def degraded(self) -> tuple[MetricRow, ...]:
        if self.unjudged is not None:
            return ()
        return tuple(r for r in self.rows if r.status is Status.FAIL)

    @property
    def unjudged(self) -> str | None:
        """Why these outcomes cannot say whether production degraded (no labels yet, fewer
        than monitor.min_labels, no metric computable), or None when they judged it. Not
        judged is never "no degradation": it neither raises nor ends an alarm."""
        floor = int(self.settings.get("min_labels") or 0)
        if self.labelled == 0:
            return f"no labels yet (0 labelled of {self.served:,} served)"
        if self.labelled < floor:
            return (
                f"too few labels to judge ({self.labelled:,} labelled of {self.served:,} "
                f"served; monitor.min_labels is {floor})"
            )
        if self.rows and all(not_computed(r) for r in self.rows):
            return "no metric could be computed from the outcomes"
        return None

    @property
    def not_computed(self) -> tuple[MetricRow, ...]:
        """Rows the outcomes could not give a live value for: never "no degradation"."""
        return tuple(r for r in self.rows if not_computed(r))

    @property
    def status(self) -> Status:
        if self.degraded or self.unjudged is not None:
            return Status.WARN
        return Status.WARN if any(r.status is Status.WARN for r in self.rows) else Status.PASS

    def headline(self) -> str:
        parts = []
        if self.unjudged is not None:
            return f"performance not judged: {self.unjudged}"
        if self.degraded:
            names = ", ".join(
                f"{r.name} {_signed(r.delta)}" for r in self.degraded[:3] if r.delta is not None
            )
            parts.append(f"degradation in {plural(len(self.degraded), 'metric')}: {names}")
        else:
            judged = len(self.rows) - len(self.not_computed)
            parts.append(f"no degradation in {plural(judged, 'metric')}")
        if self.not_computed:
            names = ", ".join(r.name for r in self.not_computed[:3])
            parts.append(f"{len(self.not_computed)} not computed ({names})")
        parts.append(f"{self.labelled:,} labelled of {self.served:,} served")
        partial = [w for w in self.windows if w.coverage < 1]
        if partial:
            parts.append(f"labels still arriving for {plural(len(partial), 'window')}")
        return "; ".join(parts)

    def check(self) -> Check:
        return Check(name="model performance", status=self.status, summary=self.headline())

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "version": self.version,
            "status": self.status.value,
            "headline": self.headline(),
            "reference": self.reference,
            "outcomes": self.outcomes,
            "served": self.served,
            "labelled": self.labelled,
            "coverage": round(self.coverage, 6),
            "window": self.window,
            "settings": self.settings,
            "metrics": [_row(r) for r in self.rows],
            "windows": [w.to_dict() for w in self.windows],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PerformanceReport:
        return cls(
            model=data.get("model"),
            version=data.get("version"),
            reference=str(data["reference"]),
            outcomes=str(data["outcomes"]),
            served=int(data["served"]),
            labelled=int(data["labelled"]),
            window=data.get("window"),
            settings=dict(data.get("settings") or {}),
            rows=tuple(MetricRow.from_dict(r) for r in data["metrics"]),
            windows=tuple(Window.from_dict(w) for w in data.get("windows", ())),
        )


def _row(row: MetricRow) -> dict[str, Any]:
    """A metric row as verdict.json has it (baseline = the reference, candidate = live),
    with ``reference`` and ``live`` saying so."""
    data = row.to_dict()
    return {"reference": data["baseline"], "live": data["candidate"], **data}


def not_computed(row: MetricRow) -> bool:
    return row.candidate is None or not math.isfinite(row.candidate)


def judge_live(
    rule: MetricRule,
    *,
    live: float | None,
    reference: float | None,
    interval: Interval | None,
    mode: Mode,
) -> MetricRow:
    """The gate's judgement with live traffic in the candidate's place; a violation is
    degradation (FAIL here, which the monitor reports as an alert)."""
    row = judge(rule, live, reference, interval=interval, mode=mode)
    if live is None or not math.isfinite(live):
        # Not computable from these outcomes (one class only, say): a warning, not a drop,
        # and never "no degradation".
        row = replace(row, status=Status.WARN)
    reasons = tuple(_monitoring_words(text) for text in row.reasons)
    if reference is None and live is not None:
        reasons = (*reasons, "no reference value: production's own metric was not recorded")
    return replace(row, reasons=reasons)


def _monitoring_words(text: str) -> str:
    return (
        text.replace("the evaluation set is too small", "too few labelled outcomes")
        .replace("required metric missing from the candidate", "not computable from the outcomes")
        .replace("not reported by the candidate", "not computable from the outcomes")
        .replace("candidate value", "live value")
        .replace("baseline value", "reference value")
        .replace("baseline is 0", "the reference is 0")
    )


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.3g}".replace("-", "−")
