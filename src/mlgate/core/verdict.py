"""The Verdict: the one document that passes between mlgate's steps.

Its JSON form (``verdict.json``) is versioned by ``schema_version`` and described by
``schemas/verdict.schema.json``. Non-finite numbers are written as the strings ``"NaN"``,
``"Infinity"`` and ``"-Infinity"`` so the file stays standard JSON.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Any

from mlgate.core.checks import Check, Status
from mlgate.core.classes import ClassRow
from mlgate.core.dataset import Dataset
from mlgate.core.drift import DriftReport
from mlgate.core.evidence import Evidence, Source
from mlgate.core.identity import NoBaseline
from mlgate.core.interval import Interval
from mlgate.core.model_tests import ModelTests
from mlgate.core.numbers import decode_number, decode_required, encode_number
from mlgate.core.provenance import DataComparison
from mlgate.core.rules import MetricRule

SCHEMA_VERSION = 1


class Overall(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NO_BASELINE = "no_baseline"


@dataclass(frozen=True, kw_only=True)
class Identity:
    """Which model a set of metrics belongs to, and what they were computed on (the
    evaluation data and code); every field is optional."""

    label: str
    model_version: str | None = None
    run_id: str | None = None
    commit: str | None = None
    dataset: Dataset | None = None
    eval_code: str | None = None
    trained_on: Dataset | None = None  # the training data the run records, if any

    def to_dict(self) -> dict[str, Any]:
        out = {
            "label": self.label,
            "model_version": self.model_version,
            "run_id": self.run_id,
            "commit": self.commit,
            "dataset": self.dataset.to_dict() if self.dataset else None,
            "eval_code": self.eval_code,
        }
        if self.trained_on is not None:
            out["trained_on"] = self.trained_on.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Identity:
        dataset = data.get("dataset")
        return cls(
            label=data["label"],
            model_version=data.get("model_version"),
            run_id=data.get("run_id"),
            commit=data.get("commit"),
            dataset=Dataset.from_dict(dataset) if dataset else None,
            eval_code=data.get("eval_code"),
            trained_on=Dataset.from_dict(data["trained_on"]) if data.get("trained_on") else None,
        )


@dataclass(frozen=True, kw_only=True)
class MetricRow:
    name: str
    baseline: float | None
    candidate: float | None
    status: Status
    rule: MetricRule | None = None
    reasons: tuple[str, ...] = ()
    interval: Interval | None = None  # for Δ, from per-example predictions
    significant: bool | None = None  # the interval excludes 0 (None: no interval)
    source: Source | None = None  # where both values came from (None: not recorded)

    @property
    def gated(self) -> bool:
        return self.rule is not None

    @property
    def delta(self) -> float | None:
        if self.baseline is None or self.candidate is None:
            return None
        return self.candidate - self.baseline

    @property
    def rel_delta(self) -> float | None:
        """Relative change, as a fraction of the baseline's magnitude."""
        delta = self.delta
        if delta is None or self.baseline == 0 or not math.isfinite(delta):
            return None
        assert self.baseline is not None
        return delta / abs(self.baseline)

    @property
    def worse(self) -> float | None:
        """How much worse the candidate is, in the metric's units (negative: better)."""
        delta = self.delta
        if delta is None:
            return None
        return -delta if self.higher_is_better else delta

    @property
    def improved(self) -> bool | None:
        """True when the candidate moved in the good direction (None if unknown or same)."""
        delta = self.delta
        if delta is None or delta == 0 or math.isnan(delta):
            return None
        return (delta > 0) == self.higher_is_better

    @property
    def higher_is_better(self) -> bool:
        """The rule's direction; for a metric with no rule, the metric catalogue's."""
        from mlgate.core.metric_catalogue import higher_is_better

        return self.rule.higher_is_better if self.rule else higher_is_better(self.name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "baseline": encode_number(self.baseline),
            "candidate": encode_number(self.candidate),
            "delta": encode_number(self.delta),
            "rel_delta": encode_number(self.rel_delta),
            "ci": self.interval.to_dict() if self.interval else None,
            "significant": self.significant,
            "source": self.source.value if self.source else None,
            "rule": self.rule.to_dict() if self.rule else None,
            "rule_text": self.rule.describe() if self.rule else None,
            "status": self.status.value,
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MetricRow:
        rule = data.get("rule")
        interval = data.get("ci")
        return cls(
            name=data["name"],
            baseline=decode_number(data.get("baseline")),
            candidate=decode_number(data.get("candidate")),
            status=Status(data["status"]),
            rule=MetricRule.from_dict(data["name"], rule) if rule is not None else None,
            reasons=tuple(data.get("reasons", ())),
            interval=Interval.from_dict(interval) if interval else None,
            significant=data.get("significant"),
            source=Source(data["source"]) if data.get("source") else None,
        )


@dataclass(frozen=True, kw_only=True)
class ParamChange:
    """One parameter that differs: ``before`` None means added, ``after`` None removed."""

    name: str
    before: str | None
    after: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "before": self.before, "after": self.after}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParamChange:
        return cls(name=data["name"], before=data.get("before"), after=data.get("after"))


@dataclass(frozen=True, kw_only=True)
class SignatureChange:
    """One difference in the model signature; ``breaking`` if callers can fail."""

    section: str  # "inputs", "outputs" or "params"
    column: str
    change: str  # "added", "removed", "type", "required", "shape", "signature"
    before: str | None
    after: str | None
    breaking: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "column": self.column,
            "change": self.change,
            "before": self.before,
            "after": self.after,
            "breaking": self.breaking,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SignatureChange:
        return cls(
            section=data["section"],
            column=data["column"],
            change=data["change"],
            before=data.get("before"),
            after=data.get("after"),
            breaking=bool(data["breaking"]),
        )


@dataclass(frozen=True, kw_only=True)
class SliceRow:
    column: str
    value: str
    examples: int
    metric: str
    baseline: float
    candidate: float
    interval: Interval
    p_adjusted: float | None = None
    status: Status = Status.PASS
    reason: str = ""

    @property
    def delta(self) -> float:
        return self.candidate - self.baseline

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "value": self.value,
            "examples": self.examples,
            "metric": self.metric,
            "baseline": encode_number(self.baseline),
            "candidate": encode_number(self.candidate),
            "delta": encode_number(self.delta),
            "ci": self.interval.to_dict(),
            "p_adjusted": self.p_adjusted,
            "status": self.status.value,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SliceRow:
        return cls(
            column=data["column"],
            value=data["value"],
            examples=int(data["examples"]),
            metric=data["metric"],
            baseline=decode_required(data["baseline"]),
            candidate=decode_required(data["candidate"]),
            interval=Interval.from_dict(data["ci"]),
            p_adjusted=data.get("p_adjusted"),
            status=Status(data.get("status", "pass")),
            reason=data.get("reason", ""),
        )


@dataclass(frozen=True, kw_only=True)
class Verdict:
    model: str | None
    status: Overall
    candidate: Identity
    baseline: Identity | None
    metrics: tuple[MetricRow, ...]
    checks: tuple[Check, ...] = ()
    param_changes: tuple[ParamChange, ...] = ()
    signature_changes: tuple[SignatureChange, ...] = ()
    tests: ModelTests | None = None
    slices: tuple[SliceRow, ...] = ()
    slices_skipped: int = 0  # slice values with too few examples to judge
    classes: tuple[ClassRow, ...] = ()  # multiclass: per-class precision and recall
    significance: dict[str, Any] | None = None  # {mode, confidence} when rows have intervals
    drift: DriftReport | None = None  # the evaluation data against production's reference
    data: DataComparison | None = None  # which data each side was evaluated on
    evidence: Evidence | None = None  # where the numbers came from (intervals or why not)
    no_baseline: NoBaseline | None = None  # why there is no production model, when none
    config_hash: str | None = None
    created_at: str | None = None
    mlgate_version: str | None = None

    @property
    def passed(self) -> bool:
        return self.status is not Overall.FAIL

    def count(self, status: Status) -> int:
        return sum(1 for row in self.metrics if row.status is status)

    def gated_rows(self) -> tuple[MetricRow, ...]:
        return tuple(row for row in self.metrics if row.gated)

    def to_dict(self) -> dict[str, Any]:
        counts = {status.value: self.count(status) for status in Status}
        return {
            "schema_version": SCHEMA_VERSION,
            "model": self.model,
            "status": self.status.value,
            "summary": {"metrics": counts, "gated": len(self.gated_rows())},
            "candidate": self.candidate.to_dict(),
            "baseline": self.baseline.to_dict() if self.baseline else None,
            "metrics": [row.to_dict() for row in self.metrics],
            "slices": [row.to_dict() for row in self.slices],
            "slices_skipped": self.slices_skipped,
            "classes": [c.to_dict() for c in self.classes],
            "tests": self.tests.to_dict() if self.tests is not None else None,
            "significance": self.significance,
            "drift": self.drift.to_dict() if self.drift is not None else None,
            "data": self.data.to_dict() if self.data is not None else None,
            "evidence": self.evidence.to_dict() if self.evidence is not None else None,
            "no_baseline": self.no_baseline.to_dict() if self.no_baseline is not None else None,
            "checks": [check.to_dict() for check in self.checks],
            "changes": {
                "params": [change.to_dict() for change in self.param_changes],
                "signature": [change.to_dict() for change in self.signature_changes],
            },
            "config_hash": self.config_hash,
            "created_at": self.created_at,
            "mlgate_version": self.mlgate_version,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        """Rebuild a verdict from JSON that already passed the verdict schema."""
        baseline = data.get("baseline")
        changes = data.get("changes") or {}
        tests = data.get("tests")
        drift = data.get("drift")
        if drift is not None:
            drift = DriftReport.from_dict(drift)
        data_section = data.get("data")
        if data_section is not None:
            data_section = DataComparison.from_dict(data_section)
        return cls(
            model=data.get("model"),
            status=Overall(data["status"]),
            candidate=Identity.from_dict(data["candidate"]),
            baseline=Identity.from_dict(baseline) if baseline else None,
            metrics=tuple(MetricRow.from_dict(row) for row in data["metrics"]),
            checks=tuple(Check.from_dict(check) for check in data.get("checks", ())),
            param_changes=tuple(ParamChange.from_dict(c) for c in changes.get("params", ())),
            signature_changes=tuple(
                SignatureChange.from_dict(c) for c in changes.get("signature", ())
            ),
            tests=ModelTests.from_dict(tests) if tests is not None else None,
            significance=data.get("significance"),
            drift=drift,
            data=data_section,
            evidence=Evidence.from_dict(data["evidence"]) if data.get("evidence") else None,
            no_baseline=NoBaseline.from_dict(data["no_baseline"])
            if data.get("no_baseline")
            else None,
            slices=tuple(SliceRow.from_dict(row) for row in data.get("slices", ())),
            slices_skipped=int(data.get("slices_skipped") or 0),
            classes=tuple(ClassRow.from_dict(c) for c in data.get("classes") or ()),
            config_hash=data.get("config_hash"),
            created_at=data.get("created_at"),
            mlgate_version=data.get("mlgate_version"),
        )
