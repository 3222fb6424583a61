"""Data drift (and training–serving skew): settings, per-feature results, the report.

A feature *drifts* when the change is both large and real: its PSI or its distance (the
Kolmogorov–Smirnov D for numbers, the Jensen–Shannon distance for categories) reaches its
threshold, and the test of "same distribution" (KS or chi-squared) rejects at ``alpha``.
Large samples make every p-value tiny, small ones make PSI noisy; together they flag
neither a trivial shift in a million rows nor a noisy one in fifty. Features with fewer
than ``min_rows`` values on either side are listed, not judged. Schema changes — a
column removed or its type changed — count as drift of that feature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from mlgate.core.checks import Check, Status, plural
from mlgate.core.drift_settings import DriftSettings
from mlgate.core.mismatch import Against, Mismatch
from mlgate.core.noise import noise_floors
from mlgate.core.numbers import decode_number, encode_number

KIND = "mlgate-drift"
SCHEMA_VERSION = 1


class Kind(str, Enum):
    DRIFT = "drift"  # production data against the production model's reference
    SKEW = "skew"  # what was served against what the model was trained on


class FeatureStatus(str, Enum):
    DRIFT = "drift"
    OK = "ok"
    TOO_FEW = "too_few"  # fewer than min_rows values on a side: not judged
    SKIPPED = "skipped"  # a time column, or ignored by the config


@dataclass(frozen=True, kw_only=True)
class Measured:
    """What the statistics say about one feature, before any threshold."""

    psi: float
    distance: float  # KS D (numeric) or Jensen–Shannon distance (categorical)
    p_value: float
    test: str  # "ks", "ks+missing" (KS and the missing share, Bonferroni) or "chi2"
    statistic: float  # KS D or the chi-squared statistic
    reference_rows: int  # values present
    current_rows: int
    reference_missing: float  # share of rows without a value
    current_missing: float
    reference_summary: str  # median, or the most common categories
    current_summary: str
    cells: int = 0  # PSI's bins (numbers) or the categories compared: the noise floors' k


@dataclass(frozen=True, kw_only=True)
class FeatureDrift:
    name: str
    kind: str  # "numeric" or "categorical"
    status: FeatureStatus
    measured: Measured | None = None
    reasons: tuple[str, ...] = ()
    fail: bool = False  # drift of this feature fails the run
    p_adjusted: float | None = None  # Holm-adjusted across the report's judged features

    @property
    def score(self) -> float:
        """What the report sorts by: PSI (schema breaks and drift first)."""
        if self.measured is None or math.isnan(self.measured.psi):
            return math.inf if self.status is FeatureStatus.DRIFT else -1.0
        return self.measured.psi

    def to_dict(self) -> dict[str, Any]:
        m = self.measured
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status.value,
            "fail": self.fail,
            "reasons": list(self.reasons),
            "psi": encode_number(m.psi) if m else None,
            "distance": encode_number(m.distance) if m else None,
            "test": m.test if m else None,
            "statistic": encode_number(m.statistic) if m else None,
            "p_value": encode_number(m.p_value) if m else None,
            "p_adjusted": encode_number(self.p_adjusted),
            "cells": m.cells if m else None,
            "noise_floor": noise_floors(self.kind, m).to_dict() if m else None,
            "reference_rows": m.reference_rows if m else None,
            "current_rows": m.current_rows if m else None,
            "reference_missing": m.reference_missing if m else None,
            "current_missing": m.current_missing if m else None,
            "reference_summary": m.reference_summary if m else None,
            "current_summary": m.current_summary if m else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureDrift:
        measured = None
        if data.get("psi") is not None:
            measured = Measured(
                psi=_number(data["psi"]),
                distance=_number(data["distance"]),
                p_value=_number(data["p_value"]),
                test=str(data["test"]),
                statistic=_number(data["statistic"]),
                reference_rows=int(data["reference_rows"]),
                current_rows=int(data["current_rows"]),
                reference_missing=float(data["reference_missing"]),
                current_missing=float(data["current_missing"]),
                reference_summary=str(data.get("reference_summary") or ""),
                current_summary=str(data.get("current_summary") or ""),
                cells=int(data.get("cells") or 0),
            )
        return cls(
            name=data["name"],
            kind=data["kind"],
            status=FeatureStatus(data["status"]),
            measured=measured,
            reasons=tuple(data.get("reasons", ())),
            fail=bool(data.get("fail", False)),
            p_adjusted=decode_number(data.get("p_adjusted")),
        )


def _number(value: Any) -> float:
    number = decode_number(value)
    return math.nan if number is None else number


@dataclass(frozen=True, kw_only=True)
class SchemaChange:
    column: str
    change: str  # "added", "removed" or "type"
    reference_type: str | None
    current_type: str | None
    breaking: bool  # removed, or a type change that is not integer ↔ float

    def describe(self) -> str:
        if self.change == "added":
            return f"new column ({self.current_type})"
        if self.change == "removed":
            return f"column missing (was {self.reference_type})"
        return f"type {self.reference_type} → {self.current_type}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "change": self.change,
            "reference_type": self.reference_type,
            "current_type": self.current_type,
            "breaking": self.breaking,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SchemaChange:
        return cls(
            column=data["column"],
            change=data["change"],
            reference_type=data.get("reference_type"),
            current_type=data.get("current_type"),
            breaking=bool(data["breaking"]),
        )


@dataclass(frozen=True, kw_only=True)
class DataSide:
    label: str  # a path or a model reference
    rows: int

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "rows": self.rows}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataSide:
        return cls(label=data["label"], rows=int(data["rows"]))


@dataclass(frozen=True, kw_only=True)
class DriftReport:
    kind: Kind
    reference: DataSide
    current: DataSide
    features: tuple[FeatureDrift, ...]
    schema: tuple[SchemaChange, ...] = ()
    mismatches: tuple[Mismatch, ...] = ()
    key: str | None = None  # the join key of a skew report
    max_mismatch: float | None = None
    mismatch_fails: bool = False
    mode: str = "significant"  # how a mismatch rate is held against max_mismatch
    confidence: float = 0.95
    leakage_fails: bool = True  # training values from the future fail the report
    settings: dict[str, Any] = field(default_factory=dict)
    model: str | None = None
    created_at: str | None = None

    @property
    def drifted(self) -> tuple[FeatureDrift, ...]:
        return tuple(f for f in self.features if f.status is FeatureStatus.DRIFT)

    @property
    def judged(self) -> int:
        return sum(1 for f in self.features if f.status in (FeatureStatus.DRIFT, FeatureStatus.OK))

    def against(self, mismatch: Mismatch) -> Against:
        limit = self.max_mismatch if self.max_mismatch is not None else 0.0
        return mismatch.against(limit, mode=self.mode, confidence=self.confidence)

    @property
    def skewed_keys(self) -> tuple[Mismatch, ...]:
        """The features whose mismatch rate is shown above skew.max_mismatch."""
        return tuple(m for m in self.mismatches if self.against(m) is Against.ABOVE)

    @property
    def inconclusive_keys(self) -> tuple[Mismatch, ...]:
        return tuple(m for m in self.mismatches if self.against(m) is Against.INCONCLUSIVE)

    @property
    def leaking(self) -> tuple[Mismatch, ...]:
        return tuple(m for m in self.mismatches if m.leaked)

    @property
    def unjudged(self) -> str | None:
        """Why no feature could be judged (none had enough values), or None: judging
        nothing is never "no drift"."""
        if self.judged or any(m.compared for m in self.mismatches):
            return None
        if self.mismatches:
            return f"no {self.key or 'key'} had a value of any feature on either side"
        small = sum(1 for f in self.features if f.status is FeatureStatus.TOO_FEW)
        if small:
            return f"{plural(small, 'feature')} with too few values to judge"
        return "no feature to judge"

    @property
    def status(self) -> Status:
        if any(f.fail for f in self.drifted) or (self.skewed_keys and self.mismatch_fails):
            return Status.FAIL
        if self.leaking and self.leakage_fails:
            return Status.FAIL
        if self.drifted or self.skewed_keys or self.leaking or self.unjudged is not None:
            return Status.WARN
        if self.inconclusive_keys:
            return Status.WARN
        return Status.PASS

    def headline(self) -> str:
        word = "skew" if self.kind is Kind.SKEW else "drift"
        if self.unjudged is not None:
            return f"{word} not judged: {self.unjudged}"
        drifted = self.drifted
        parts = []
        if self.mismatches and not self.features:  # a feature store's values, by key
            within = sum(1 for m in self.mismatches if self.against(m) is Against.WITHIN)
            parts.append(f"{within} of {plural(len(self.mismatches), 'feature')} consistent")
        elif drifted:
            names = ", ".join(f.name for f in drifted[:3])
            more = f" and {len(drifted) - 3} more" if len(drifted) > 3 else ""
            parts.append(
                f"{word} in {len(drifted)} of {plural(self.judged, 'feature')}: {names}{more}"
            )
        else:
            parts.append(f"no {word} in {plural(self.judged, 'feature')}")
        if self.skewed_keys:
            names = ", ".join(m.feature for m in self.skewed_keys[:3])
            parts.append(f"values differ by {self.key} for {names}")
        elif self.inconclusive_keys:
            names = ", ".join(m.feature for m in self.inconclusive_keys[:3])
            parts.append(f"values differ by {self.key} for {names} (not shown above the limit)")
        if self.leaking:
            names = ", ".join(m.feature for m in self.leaking[:3])
            parts.append(f"future values leak into training for {names}")
        small = sum(1 for f in self.features if f.status is FeatureStatus.TOO_FEW)
        if small:
            parts.append(f"{plural(small, 'feature')} with too few values to judge")
        return "; ".join(parts)

    def check(self) -> Check:
        name = "training–serving skew" if self.kind is Kind.SKEW else "data drift"
        return Check(name=name, status=self.status, summary=self.headline())

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": KIND,
            "schema_version": SCHEMA_VERSION,
            "type": self.kind.value,
            "model": self.model,
            "status": self.status.value,
            "headline": self.headline(),
            "reference": self.reference.to_dict(),
            "current": self.current.to_dict(),
            "settings": self.settings,
            "features": [f.to_dict() for f in self.features],
            "schema": [c.to_dict() for c in self.schema],
            "key": self.key,
            "max_mismatch": self.max_mismatch,
            "mismatch_fails": self.mismatch_fails,
            "mode": self.mode,
            "confidence": self.confidence,
            "leakage_fails": self.leakage_fails,
            "mismatches": [m.to_dict(self.confidence) for m in self.mismatches],
            "created_at": self.created_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DriftReport:
        return cls(
            kind=Kind(data.get("type", "drift")),
            model=data.get("model"),
            reference=DataSide.from_dict(data["reference"]),
            current=DataSide.from_dict(data["current"]),
            settings=dict(data.get("settings") or {}),
            features=tuple(FeatureDrift.from_dict(f) for f in data["features"]),
            schema=tuple(SchemaChange.from_dict(c) for c in data.get("schema", ())),
            key=data.get("key"),
            max_mismatch=data.get("max_mismatch"),
            mismatch_fails=bool(data.get("mismatch_fails", False)),
            mode=str(data.get("mode", "significant")),
            confidence=float(data.get("confidence", 0.95)),
            leakage_fails=bool(data.get("leakage_fails", True)),
            mismatches=tuple(Mismatch.from_dict(m) for m in data.get("mismatches", ())),
            created_at=data.get("created_at"),
        )


def judge_feature(
    name: str,
    kind: str,
    measured: Measured,
    *,
    settings: DriftSettings,
    p_adjusted: float | None = None,
    family: int = 1,
) -> FeatureDrift:
    """Drift or not for one compared feature, with the reasons in words. A distance counts
    only past both its threshold and the noise floor at these sample sizes; the test counts
    with ``p_adjusted`` — Holm's, across the ``family`` of features judged together
    (core/drift_family.py) — when given."""
    limits = settings.for_feature(name)
    base = FeatureDrift(
        name=name, kind=kind, status=FeatureStatus.OK, measured=measured, p_adjusted=p_adjusted
    )
    small = min(measured.reference_rows, measured.current_rows)
    if small < settings.min_rows:
        side = "reference" if measured.reference_rows < settings.min_rows else "current data"
        return replace(
            base,
            status=FeatureStatus.TOO_FEW,
            reasons=(f"{small} values in the {side}; at least {settings.min_rows} needed",),
        )
    floors = noise_floors(kind, measured)
    distance_name, distance_limit = (
        ("KS D", limits.ks) if kind == "numeric" else ("JS distance", limits.js)
    )
    over = []
    if measured.psi >= limits.psi and measured.psi >= floors.psi:
        over.append(f"PSI {measured.psi:.3g} ≥ {_limit(limits.psi, floors.psi)}")
    if measured.distance >= distance_limit and measured.distance >= floors.distance:
        over.append(
            f"{distance_name} {measured.distance:.3g} ≥ {_limit(distance_limit, floors.distance)}"
        )
    p = measured.p_value if p_adjusted is None else p_adjusted
    significant = p < settings.alpha
    test = {"ks": "KS", "ks+missing": "KS / missing share", "chi2": "chi²"}[measured.test]
    across = (
        f" (Holm-adjusted across {family} features)"
        if p_adjusted is not None and family > 1
        else ""
    )
    if over and significant:
        reasons = (*over, f"{test} p {_p(p)}{across} < {settings.alpha:g}")
        return replace(base, status=FeatureStatus.DRIFT, reasons=reasons, fail=limits.fail)
    if over:
        why = f"{test} p {_p(p)}{across} ≥ {settings.alpha:g}: could be noise"
        return replace(base, reasons=(*over, why))
    return base


def _limit(threshold: float, floor: float) -> str:
    if floor > threshold:
        return f"{floor:.3g} (the noise floor at these sizes; threshold {threshold:g})"
    return f"{threshold:g}"


def schema_drift(change: SchemaChange, *, settings: DriftSettings) -> FeatureDrift:
    """A removed column or a changed type, as the drift of that feature."""
    kind = "categorical" if change.current_type == "string" else "numeric"
    return FeatureDrift(
        name=change.column,
        kind=kind,
        status=FeatureStatus.DRIFT,
        reasons=(change.describe(),),
        fail=settings.for_feature(change.column).fail,
    )


def ordered(features: list[FeatureDrift]) -> tuple[FeatureDrift, ...]:
    """Drifted first, then by PSI, largest first; ties by name."""
    rank = {
        FeatureStatus.DRIFT: 0,
        FeatureStatus.OK: 1,
        FeatureStatus.TOO_FEW: 2,
        FeatureStatus.SKIPPED: 3,
    }
    return tuple(sorted(features, key=lambda f: (rank[f.status], -f.score, f.name)))


def _p(value: float) -> str:
    return "< 0.001" if value < 0.001 else f"{value:.3f}"
