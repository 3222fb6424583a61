"""What each side's metrics were computed on, and whether the two can be compared.

A :class:`Dataset` is the evaluation data's identity — a name, a content digest and where
it lives — taken from an MLflow dataset input on the run, from DVC's metadata, or computed
by mlgate from the file. Two sides were evaluated on the same data when their digests are
equal; digests computed differently (MLflow's own hash of a DataFrame, an md5 of the file)
never match, so such a pair is treated as different data and re-scored or refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from mlgate.core.checks import Check, Status
from mlgate.core.dataset import Dataset
from mlgate.core.evidence import Route

CHECK_NAME = "evaluation data"


class Outcome(str, Enum):
    """How the two sides' evaluation data relate, and what the gate did about it."""

    SAME = "same"  # equal digests: compared as they are
    RESCORED = "rescored"  # production re-scored on the candidate's data
    CROSS_DATASET = "cross_dataset"  # different data, compared because the config allows it
    REFUSED = "refused"  # different data, not comparable: the gate fails
    UNKNOWN = "unknown"  # a side's data is not recorded


@dataclass(frozen=True, kw_only=True)
class DataComparison:
    """The verdict's ``data`` section: both sides' evaluation data and the outcome."""

    outcome: Outcome
    candidate: Dataset | None
    baseline: Dataset | None
    rescored: tuple[str, ...] = ()  # metrics production was re-scored on
    not_rescored: tuple[str, ...] = ()  # gated metrics still from production's own data
    reason: str | None = None  # why production could not be re-scored
    required: bool = False  # evaluation.require: unknown data fails the gate
    # What showed the data to be the same beyond a partial digest (the logged
    # predictions' ids and labels), if anything did.
    confirmed: str | None = None

    @property
    def status(self) -> Status:
        if self.outcome is Outcome.REFUSED:
            return Status.FAIL
        if self.outcome is Outcome.UNKNOWN:
            if self.required:
                return Status.FAIL
            # Nothing recorded on either side is the state of a project that does not
            # track its data yet: said, not warned about on every pull request.
            known = self.candidate is not None or self.baseline is not None
            return Status.WARN if known else Status.INFO
        if self.outcome is Outcome.CROSS_DATASET or self.not_rescored:
            return Status.WARN
        if self.outcome is Outcome.SAME and self.partial and not self.confirmed:
            return Status.WARN
        return Status.PASS

    @property
    def partial(self) -> bool:
        """Same by a digest of part of the data only."""
        return any(d is not None and d.covers for d in (self.candidate, self.baseline))

    def check(self) -> Check:
        return Check(name=CHECK_NAME, status=self.status, summary=self.summary())

    def summary(self) -> str:
        candidate, baseline = self.candidate, self.baseline
        if self.outcome is Outcome.SAME:
            assert candidate is not None
            text = f"both sides were evaluated on {candidate.describe()}"
            if self.confirmed:
                return f"{text}; {self.confirmed} agree"
            if self.partial:
                text += (
                    "; rows past those may differ: log per-example predictions "
                    "(mlgate.log_predictions: their ids and labels confirm the data) or set "
                    "evaluation.data so mlgate hashes the whole file"
                )
            return text
        if self.outcome is Outcome.RESCORED:
            assert candidate is not None
            text = (
                f"production was evaluated on {_described(baseline)}; it was re-scored on the "
                f"candidate's {candidate.describe()} ({', '.join(self.rescored)})"
            )
            if self.not_rescored:
                text += (
                    f"; {', '.join(self.not_rescored)} could not be re-scored and still "
                    "compare production's own evaluation"
                )
            return text
        if self.outcome is Outcome.CROSS_DATASET:
            why = f" ({self.reason})" if self.reason else ""
            return (
                f"compared across datasets: the candidate was evaluated on "
                f"{_described(candidate)}, production on {_described(baseline)}; "
                f"evaluation.allow_cross_dataset is set{why}"
            )
        if self.outcome is Outcome.REFUSED:
            return (
                f"not comparable: the candidate was evaluated on {_described(candidate)}, "
                f"production on {_described(baseline)}, and production could not be "
                f"re-scored ({self.reason or 'no reason given'}); evaluate both on the same "
                "data, or set evaluation.allow_cross_dataset: true"
            )
        missing = [
            side if dataset is None else f"{side}'s {dataset.name}"
            for side, dataset in (("the candidate", candidate), ("production", baseline))
            if dataset is None or not dataset.digest
        ]
        text = f"unknown for {' and '.join(missing)}"
        if self.required:
            text += (
                ", so the two cannot be shown to be evaluated on the same data (set "
                "evaluation.require: false to compare them anyway, on a warning)"
            )
        if self.reason:
            text += f"; production could not be re-scored ({self.reason})"
        return text + "; log it as an MLflow dataset input or set evaluation.data"

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "candidate": self.candidate.to_dict() if self.candidate else None,
            "baseline": self.baseline.to_dict() if self.baseline else None,
            "rescored": list(self.rescored),
            "not_rescored": list(self.not_rescored),
            "reason": self.reason,
            "required": self.required,
            "confirmed": self.confirmed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataComparison:
        candidate, baseline = data.get("candidate"), data.get("baseline")
        return cls(
            outcome=Outcome(data["outcome"]),
            candidate=Dataset.from_dict(candidate) if candidate else None,
            baseline=Dataset.from_dict(baseline) if baseline else None,
            rescored=tuple(data.get("rescored") or ()),
            not_rescored=tuple(data.get("not_rescored") or ()),
            reason=data.get("reason"),
            required=bool(data.get("required")),
            confirmed=data.get("confirmed"),
        )


@dataclass(frozen=True, kw_only=True)
class EvaluationSettings:
    """The ``evaluation:`` section of mlgate.yml."""

    data: str | None = None  # a path, dvc://PATH@REV, or None
    name: str | None = None  # the dataset's name in MLflow (default: the file's name)
    label: str | None = None  # re-scoring: the label column (default: predictions.label)
    rescore: bool = True
    allow_cross_dataset: bool = False
    # Unknown provenance fails the gate. None: the default, which is to refuse in
    # evaluate/gate (a registry) and to warn in compare on plain metrics files.
    require: bool | None = None
    predictions: Route = Route.AUTO  # how to get per-example predictions on the same data
    max_rows: int | None = None  # scoring: at most this many rows, a deterministic sample
    engine: str = "local"  # spark: evaluation.data is a table both models are scored on
    where: str | None = None  # spark: a filter on evaluation.data


def needs_rescoring(candidate: Dataset | None, baseline: Dataset | None) -> bool:
    """Different data — or production's unknown while the candidate's is known — is
    worth re-scoring production on the candidate's data."""
    if candidate is None:
        return False
    if baseline is None:
        return True
    return candidate.same_data(baseline) is not True


def judge_data(
    *,
    candidate: Dataset | None,
    baseline: Dataset | None,
    settings: EvaluationSettings,
    rescored: Sequence[str] = (),
    not_rescored: Sequence[str] = (),
    reason: str | None = None,
    registry: bool = True,
) -> DataComparison:
    """The outcome, given both identities and — when production was re-scored — which
    metrics were; ``reason`` says why re-scoring did not happen. ``registry``: the models
    are in a registry (evaluate, gate), where unknown provenance is refused unless
    evaluation.require is false; plain metrics files only warn unless it is true."""
    required = settings.require is True or (registry and settings.require is None)

    def outcome(kind: Outcome) -> DataComparison:
        return DataComparison(
            outcome=kind,
            candidate=candidate,
            baseline=baseline,
            rescored=tuple(rescored),
            not_rescored=tuple(not_rescored) if rescored else (),
            reason=reason,
            required=required,
        )

    if rescored:
        return outcome(Outcome.RESCORED)
    same = candidate.same_data(baseline) if candidate and baseline else None
    if same is None:
        return outcome(Outcome.UNKNOWN)
    if same:
        return outcome(Outcome.SAME)
    if settings.allow_cross_dataset:
        return outcome(Outcome.CROSS_DATASET)
    return outcome(Outcome.REFUSED)


def unscored(gated: Sequence[str], rescored: Sequence[str]) -> tuple[str, ...]:
    """Gated metrics that re-scoring did not produce."""
    done = set(rescored)
    return tuple(name for name in gated if name not in done)


def _described(dataset: Dataset | None) -> str:
    return dataset.describe() if dataset is not None else "unrecorded data"
