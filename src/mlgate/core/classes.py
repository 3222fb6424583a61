"""Per-class precision and recall of a multiclass comparison, and the check that no class
is lost: a class production recognised that the candidate never predicts, or whose recall
falls by more than ``classes.max_recall_drop`` significantly (Holm across the classes).

Accuracy, macro F1 and ROC AUC can all pass while a small class disappears; this is the
row that says so. Plain data; the numbers come from :mod:`mlgate.core.stats.classes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from mlgate.core.checks import Check, Status, plural
from mlgate.core.interval import Interval
from mlgate.core.multiplicity import holm
from mlgate.core.numbers import decode_required, encode_number

CHECK_NAME = "classes"


@dataclass(frozen=True, kw_only=True)
class ClassSettings:
    """The ``classes:`` section of mlgate.yml."""

    max_recall_drop: float = 0.1
    fail: bool = True  # a lost class fails the gate (else warns)


@dataclass(frozen=True, kw_only=True)
class ClassRow:
    name: str
    support: int  # examples of this class
    predicted: tuple[int, int]  # how often (production, the candidate) predict it
    recall: tuple[float, float]  # production, the candidate
    recall_ci: Interval  # for Δ recall = candidate − production
    precision: tuple[float, float]
    precision_ci: Interval
    p_adjusted: float | None = None  # Holm-adjusted p of Δ recall
    status: Status = Status.PASS
    reason: str = ""

    @property
    def recall_delta(self) -> float:
        return self.recall[1] - self.recall[0]

    @property
    def lost(self) -> bool:
        """Production recognised the class at least once; the candidate never predicts it."""
        return self.recall[0] > 0 and self.predicted[1] == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "support": self.support,
            "predicted": {"baseline": self.predicted[0], "candidate": self.predicted[1]},
            "recall": _pair(self.recall, self.recall_ci),
            "precision": _pair(self.precision, self.precision_ci),
            "p_adjusted": self.p_adjusted,
            "status": self.status.value,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClassRow:
        recall, precision = data["recall"], data["precision"]
        return cls(
            name=str(data["name"]),
            support=int(data["support"]),
            predicted=(int(data["predicted"]["baseline"]), int(data["predicted"]["candidate"])),
            recall=(decode_required(recall["baseline"]), decode_required(recall["candidate"])),
            recall_ci=Interval.from_dict(recall["ci"]),
            precision=(
                decode_required(precision["baseline"]),
                decode_required(precision["candidate"]),
            ),
            precision_ci=Interval.from_dict(precision["ci"]),
            p_adjusted=data.get("p_adjusted"),
            status=Status(data.get("status", "pass")),
            reason=str(data.get("reason", "")),
        )


def _pair(values: tuple[float, float], interval: Interval) -> dict[str, Any]:
    return {
        "baseline": encode_number(values[0]),
        "candidate": encode_number(values[1]),
        "delta": encode_number(values[1] - values[0]),
        "ci": interval.to_dict(),
    }


def judge_classes(
    rows: Sequence[ClassRow], *, settings: ClassSettings, confidence: float
) -> list[ClassRow]:
    """Each class judged: lost, or its recall dropped by more than the tolerance with a
    Holm-adjusted p below 1 − confidence."""
    alpha = 1 - confidence
    adjusted = holm([r.recall_ci.p_value if r.recall_ci.p_value is not None else 1.0 for r in rows])
    bad = Status.FAIL if settings.fail else Status.WARN
    judged = []
    for row, p in zip(rows, adjusted, strict=True):
        drop = -row.recall_delta
        if row.lost:
            reason = (
                f"never predicted by the candidate (production predicted it "
                f"{row.predicted[0]:,} times, recall {row.recall[0]:.3g})"
            )
            judged.append(replace(row, p_adjusted=p, status=bad, reason=reason))
        elif drop > settings.max_recall_drop and p < alpha:
            reason = (
                f"recall drops by {drop:.3g} ({row.recall[0]:.3g} → {row.recall[1]:.3g}), "
                f"beyond max_recall_drop {settings.max_recall_drop:g} (Holm-adjusted p "
                f"{p:.2g})"
            )
            judged.append(replace(row, p_adjusted=p, status=bad, reason=reason))
        else:
            judged.append(replace(row, p_adjusted=p))
    return judged


def class_check(rows: Sequence[ClassRow]) -> Check | None:
    """One check for the verdict: which classes are lost; None when there are no rows."""
    if not rows:
        return None
    found = [r for r in rows if r.status in (Status.FAIL, Status.WARN)]
    if not found:
        return Check(
            name=CHECK_NAME,
            status=Status.PASS,
            summary=f"no class lost among {plural(len(rows), 'class', 'classes')}",
        )
    shown = "; ".join(f"class {r.name}: {r.reason}" for r in found[:3])
    more = f"; and {len(found) - 3} more" if len(found) > 3 else ""
    return Check(
        name=CHECK_NAME,
        status=max((r.status for r in found), key=lambda s: s is Status.FAIL),
        summary=f"{plural(len(found), 'class', 'classes')} lost: {shown}{more}",
    )
