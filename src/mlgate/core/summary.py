"""One pull request's roll-up over its models, decided from plain data. Pure.

Every planned model gets a row; a planned model with no verdict is a failure (its job died
before writing one), never silently skipped. The aggregate passes only when every planned
model passed. Rows come failing first, so a size limit cuts passing rows, never failing ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

AGGREGATE_STATUS = "mlgate"


class Outcome(str, Enum):
    FAILED = "failed"
    MISSING = "no verdict"
    PASSED = "passed"


ORDER = {Outcome.FAILED: 0, Outcome.MISSING: 1, Outcome.PASSED: 2}


@dataclass(frozen=True, kw_only=True)
class ModelVerdict:
    """What one model's job left behind: its verdict, in a few plain words."""

    model: str
    passed: bool
    status: str  # the verdict's status: pass, fail, no_baseline, …
    headline: str  # one plain line ("failed: f1", "passed")
    comment_url: str | None = None
    version: str | None = None


@dataclass(frozen=True, kw_only=True)
class Row:
    model: str
    outcome: Outcome
    status: str
    headline: str
    comment_url: str | None = None
    version: str | None = None


@dataclass(frozen=True, kw_only=True)
class Summary:
    rows: tuple[Row, ...]
    removed: tuple[str, ...] = ()
    unplanned: tuple[str, ...] = ()  # verdicts for models the plan does not list (ignored)

    @property
    def passed(self) -> bool:
        return all(r.outcome is Outcome.PASSED for r in self.rows)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.rows if r.outcome is outcome)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(r.model for r in self.rows if r.outcome is Outcome.MISSING)

    def status_text(self) -> str:
        """One plain line for the aggregate commit status."""
        if not self.rows:
            return "no model changed"
        if self.passed:
            return f"all {len(self.rows)} model{'s' if len(self.rows) != 1 else ''} passed"
        failing = [r.model for r in self.rows if r.outcome is not Outcome.PASSED]
        shown = ", ".join(failing[:3]) + (
            f" and {len(failing) - 3} more" if len(failing) > 3 else ""
        )
        return f"{len(failing)} of {len(self.rows)} failed: {shown}"


def summarize(
    planned: Sequence[str],
    verdicts: Mapping[str, ModelVerdict],
    *,
    removed: Sequence[str] = (),
) -> Summary:
    """Rows for the ``planned`` models (failing, then missing, then passing; by name)."""
    rows = []
    for model in dict.fromkeys(planned):
        found = verdicts.get(model)
        if found is None:
            rows.append(
                Row(
                    model=model,
                    outcome=Outcome.MISSING,
                    status="missing",
                    headline="no verdict — its job failed or was cancelled before writing one",
                )
            )
            continue
        rows.append(
            Row(
                model=model,
                outcome=Outcome.PASSED if found.passed else Outcome.FAILED,
                status=found.status,
                headline=found.headline,
                comment_url=found.comment_url,
                version=found.version,
            )
        )
    rows.sort(key=lambda r: (ORDER[r.outcome], r.model))
    unplanned = tuple(sorted(set(verdicts) - set(planned)))
    return Summary(rows=tuple(rows), removed=tuple(removed), unplanned=unplanned)
