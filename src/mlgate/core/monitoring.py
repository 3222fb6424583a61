"""What one ``mlgate monitor`` run found: feature drift (from ``--current``), the drift of
the model's outputs and labels, and degradation (from ``--outcomes``) — one report, one
status, one tracking issue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlgate.core.checks import Status
from mlgate.core.drift import DriftReport, FeatureDrift, FeatureStatus
from mlgate.core.performance import PerformanceReport, not_computed

KIND = "mlgate-monitor"
OUTPUT_SUFFIX = " (model output)"  # how an output's drift is named among the features
SCHEMA_VERSION = 1
_RANK = {Status.FAIL: 0, Status.WARN: 1, Status.PASS: 2}


@dataclass(frozen=True, kw_only=True)
class MonitorReport:
    model: str | None
    drift: DriftReport | None = None
    skew: DriftReport | None = None  # a feature store's online values against offline
    performance: PerformanceReport | None = None
    outputs: tuple[FeatureDrift, ...] = ()  # prediction and label drift
    created_at: str | None = None
    problems: tuple[str, ...] = field(default_factory=tuple)  # e.g. a failed push
    # monitor.fail: drift or degradation fails the run (exit 1), so the status says fail.
    fail_on_alert: bool = False
    # Checks given an input that could not be read (check → why): unknown, never ok.
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def drifting(self) -> tuple[str, ...]:
        """Features and outputs that drift, as the tracking issue lists them."""
        names: list[str] = []
        if self.drift is not None:
            names += [f.name for f in self.drift.drifted]
            names += [f"{m.feature} (by key)" for m in self.drift.skewed_keys]
        if self.skew is not None:
            names += [f"{m.feature} (online vs offline)" for m in self.skew.skewed_keys]
        names += [f"{f.name}{OUTPUT_SUFFIX}" for f in self.outputs_drifted]
        return tuple(names)

    @property
    def outputs_drifted(self) -> tuple[FeatureDrift, ...]:
        return tuple(f for f in self.outputs if f.status is FeatureStatus.DRIFT)

    @property
    def degraded(self) -> tuple[str, ...]:
        if self.performance is None:
            return ()
        return tuple(r.name for r in self.performance.degraded)

    @property
    def unknown(self) -> dict[str, str]:
        """The checks this run was given but could not judge, with the reason: they
        neither raise nor end an alarm (``drift``: no feature had enough values;
        ``performance``: no labels yet, too few, or no metric computable)."""
        out = dict(self.failed)
        if self.drift is not None and self.drift.unjudged is not None:
            out["drift"] = self.drift.unjudged
        if self.skew is not None and self.skew.unjudged is not None:
            out["skew"] = self.skew.unjudged
        if self.performance is not None and self.performance.unjudged is not None:
            out["performance"] = self.performance.unjudged
        return out

    @property
    def judged(self) -> frozenset[str]:
        """The checks this run ran and judged: ``drift`` (features, from --current) and
        ``performance`` (degradation and the outputs' drift, from --outcomes)."""
        ran = {"drift"} if self.drift is not None else set()
        if self.skew is not None:
            ran.add("skew")
        if self.performance is not None:
            ran.add("performance")
        return frozenset(ran - set(self.unknown))

    def checks(self) -> dict[str, dict[str, str]]:
        """Each check this run was given, with its state — ``ok``, ``alert`` or ``unknown``
        (with the reason) — as the export and the tracking issue treat it: ``drift``,
        ``outputs``, ``performance`` and ``performance/METRIC`` for each rule."""
        found = {name: _state(False, why) for name, why in self.failed.items()}
        unknown = self.unknown
        if self.drift is not None:
            found["drift"] = _state(
                bool(self.drift.drifted or self.drift.skewed_keys), unknown.get("drift")
            )
        if self.skew is not None:
            found["skew"] = _state(bool(self.skew.skewed_keys), unknown.get("skew"))
        if any(f.measured is not None for f in self.outputs):
            found["outputs"] = _state(bool(self.outputs_drifted), None)
        if self.performance is not None:
            why = unknown.get("performance")
            found["performance"] = _state(bool(self.degraded), why)
            for row in self.performance.rows:
                missing = why or (
                    ("; ".join(row.reasons) or "not computed") if not_computed(row) else None
                )
                found[f"performance/{row.name}"] = _state(row.status is Status.FAIL, missing)
        return found

    @property
    def status(self) -> Status:
        if self.fail_on_alert and self.alerting:
            return Status.FAIL
        parts = [Status.WARN if self.outputs_drifted else Status.PASS]
        for part in (self.drift, self.skew):
            if part is not None:
                parts.append(part.status)
        if self.performance is not None:
            parts.append(self.performance.status)
        return min(parts, key=lambda s: _RANK.get(s, 2))

    @property
    def alerting(self) -> bool:
        """Drift or degradation: what keeps the tracking issue open."""
        return bool(self.drifting or self.degraded)

    def headline(self) -> str:
        parts = []
        if self.drift is not None:
            parts.append(self.drift.headline())
        if self.skew is not None:
            parts.append("online vs offline: " + self.skew.headline())
        if self.outputs_drifted:
            parts.append("drift in " + ", ".join(f.name for f in self.outputs_drifted))
        if self.performance is not None:
            parts.append(self.performance.headline())
        return "; ".join(parts) or "nothing to check"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": KIND,
            "schema_version": SCHEMA_VERSION,
            "model": self.model,
            "status": self.status.value,
            "headline": self.headline(),
            "drifting": list(self.drifting),
            "degraded": list(self.degraded),
            "checks": self.checks(),
            "drift": self.drift.to_dict() if self.drift is not None else None,
            "skew": self.skew.to_dict() if self.skew is not None else None,
            "outputs": [f.to_dict() for f in self.outputs],
            "performance": self.performance.to_dict() if self.performance is not None else None,
            "problems": list(self.problems),
            "fail_on_alert": self.fail_on_alert,
            "failed": dict(self.failed),
            "created_at": self.created_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MonitorReport:
        drift, performance = data.get("drift"), data.get("performance")
        skew = data.get("skew")
        return cls(
            model=data.get("model"),
            drift=DriftReport.from_dict(drift) if drift else None,
            skew=DriftReport.from_dict(skew) if skew else None,
            performance=PerformanceReport.from_dict(performance) if performance else None,
            outputs=tuple(FeatureDrift.from_dict(f) for f in data.get("outputs", ())),
            problems=tuple(data.get("problems", ())),
            fail_on_alert=bool(data.get("fail_on_alert", False)),
            failed={str(k): str(v) for k, v in dict(data.get("failed") or {}).items()},
            created_at=data.get("created_at"),
        )


def _state(alert: bool, unknown: str | None) -> dict[str, str]:
    if unknown is not None:
        return {"state": "unknown", "reason": unknown}
    return {"state": "alert" if alert else "ok"}
