"""Where a comparison's numbers came from.

Deciding on evidence needs per-example predictions of both models on the same examples:
logged on their runs (``mlgate.log_predictions``), scored by mlgate on the evaluation data,
or given as files. From those every metric they allow gets a paired interval. What cannot
be computed from predictions (latency, size, a custom business metric) keeps its logged
value as a point estimate. When there are no predictions at all, the verdict says why and
what would give intervals — the report shows it in one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Route(str, Enum):
    """``evaluation.predictions``: how evaluate gets per-example predictions."""

    AUTO = "auto"  # logged predictions, else scoring, else point estimates (said why)
    LOGGED = "logged"  # logged predictions only; missing ones are an error
    SCORE = "score"  # score both models; a model that cannot be scored is an error
    OFF = "off"  # point estimates on the same data (re-scoring across datasets still runs)


class Source(str, Enum):
    """Where one metric's two values came from."""

    METRIC = "metric"  # logged metrics (or a metrics file): point estimates
    LOGGED = "logged_predictions"  # per-example predictions logged on both runs
    SCORED = "scored"  # both models scored by mlgate on the same rows
    FILES = "predictions_files"  # --candidate-predictions / --baseline-predictions

    @property
    def words(self) -> str:
        return _WORDS[self]


_WORDS = {
    Source.METRIC: "logged metrics",
    Source.LOGGED: "the predictions both runs logged",
    Source.SCORED: "both models scored on the same rows",
    Source.FILES: "the predictions files",
}


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """The verdict's ``evidence`` section."""

    source: Source  # where the intervals came from; METRIC: there are none
    examples: int | None = None  # paired examples the intervals were computed on
    rows: int | None = None  # rows of the evaluation data, when a sample was scored
    reason: str | None = None  # point estimates only: why there are no intervals
    hint: str | None = None  # ... and what would give them
    notes: tuple[str, ...] = ()  # fallbacks taken on the way, said in the report
    point_only: tuple[str, ...] = ()  # gated metrics predictions cannot give (latency …)
    candidate: str | None = None  # where the candidate's predictions came from
    baseline: str | None = None  # where production's predictions came from

    @property
    def intervals(self) -> bool:
        return self.source is not Source.METRIC

    @property
    def sampled(self) -> bool:
        return self.rows is not None and self.examples is not None and self.examples < self.rows

    def summary(self) -> str:
        """One plain sentence; the report escapes and decorates it."""
        if not self.intervals:
            text = f"no intervals: {self.reason}" if self.reason else "point estimates only"
            return text + (f"; {self.hint}" if self.hint else "")
        count = f" on {self.examples:,} examples" if self.examples else ""
        return f"paired intervals{count}, {self.origin()}"

    def origin(self) -> str:
        """Where the intervals came from, what was sampled, what has none."""
        text = f"from {self.source.words}"
        if self.sampled:
            assert self.rows is not None
            text += f" (a deterministic sample of {self.rows:,} rows)"
        if self.point_only:
            many = len(self.point_only) > 1
            noun = "are logged point values" if many else "is a logged point value"
            text += f"; {', '.join(self.point_only)} {noun}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.value,
            "examples": self.examples,
            "rows": self.rows,
            "reason": self.reason,
            "hint": self.hint,
            "notes": list(self.notes),
            "point_only": list(self.point_only),
            "candidate": self.candidate,
            "baseline": self.baseline,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(
            source=Source(data["source"]),
            examples=data.get("examples"),
            rows=data.get("rows"),
            reason=data.get("reason"),
            hint=data.get("hint"),
            notes=tuple(data.get("notes") or ()),
            point_only=tuple(data.get("point_only") or ()),
            candidate=data.get("candidate"),
            baseline=data.get("baseline"),
        )


def point_estimates(
    reason: str, hint: str | None = None, *, notes: tuple[str, ...] = ()
) -> Evidence:
    return Evidence(source=Source.METRIC, reason=reason, hint=hint, notes=notes)
