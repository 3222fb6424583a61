"""Model-test results: what the pytest plugin records for one session, as plain data.
How they count in the gate is :mod:`mlgate.core.model_test_gate`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Outcome(str, Enum):
    FAILED = "failed"
    ERROR = "error"
    PASSED = "passed"
    SKIPPED = "skipped"
    XFAILED = "xfailed"
    XPASSED = "xpassed"

    @property
    def broken(self) -> bool:
        """The test did not pass: it failed, or could not run (setup or collection error)."""
        return self in (Outcome.FAILED, Outcome.ERROR)


@dataclass(frozen=True, kw_only=True)
class ModelTest:
    nodeid: str
    outcome: Outcome
    critical: bool = True
    tags: tuple[str, ...] = ()
    message: str = ""
    duration_s: float = 0.0
    file: str | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodeid": self.nodeid,
            "outcome": self.outcome.value,
            "critical": self.critical,
            "tags": list(self.tags),
            "message": self.message,
            "duration_s": self.duration_s,
            "file": self.file,
            "line": self.line,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelTest:
        return cls(
            nodeid=data["nodeid"],
            outcome=Outcome(data["outcome"]),
            critical=bool(data.get("critical", True)),
            tags=tuple(data.get("tags", ())),
            message=data.get("message") or "",
            duration_s=float(data.get("duration_s") or 0.0),
            file=data.get("file"),
            line=data.get("line"),
        )


@dataclass(frozen=True, kw_only=True)
class ModelTests:
    """One pytest session's model tests, as the plugin wrote them."""

    tests: tuple[ModelTest, ...]
    complete: bool = True
    candidate_uri: str | None = None
    candidate_run_id: str | None = None
    baseline_uri: str | None = None
    deselected: int = 0
    source: str | None = None
    created_at: str | None = None
    problem: str | None = None  # set when the results could not be had at all

    def count(self, *outcomes: Outcome) -> int:
        return sum(1 for test in self.tests if test.outcome in outcomes)

    def broken(self, *, critical: bool) -> list[ModelTest]:
        return [t for t in self.tests if t.outcome.broken and t.critical is critical]

    def counts(self) -> dict[str, int]:
        return {outcome.value: self.count(outcome) for outcome in Outcome}

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "created_at": self.created_at,
            "complete": self.complete,
            "problem": self.problem,
            "candidate": {"uri": self.candidate_uri, "run_id": self.candidate_run_id},
            "baseline": {"uri": self.baseline_uri},
            "deselected": self.deselected,
            "summary": self.counts(),
            "tests": [test.to_dict() for test in ordered(self.tests)],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelTests:
        candidate = data.get("candidate") or {}
        baseline = data.get("baseline") or {}
        return cls(
            tests=tuple(ModelTest.from_dict(t) for t in data.get("tests", ())),
            complete=bool(data.get("complete", True)),
            candidate_uri=candidate.get("uri"),
            candidate_run_id=candidate.get("run_id"),
            baseline_uri=baseline.get("uri"),
            deselected=int(data.get("deselected") or 0),
            source=data.get("source"),
            created_at=data.get("created_at"),
            problem=data.get("problem"),
        )


def missing_results(source: str, *, hint: str) -> ModelTests:
    """Stands in for results that were expected but not found, so the gate can say so."""
    return ModelTests(tests=(), complete=False, source=source, problem=hint)


_RANK = {
    Outcome.XPASSED: 2,
    Outcome.SKIPPED: 3,
    Outcome.XFAILED: 4,
    Outcome.PASSED: 5,
}


def ordered(tests: tuple[ModelTest, ...] | list[ModelTest]) -> list[ModelTest]:
    """Critical failures first, then non-critical ones, then the rest; stable otherwise."""

    def rank(test: ModelTest) -> int:
        if test.outcome.broken:
            return 0 if test.critical else 1
        return _RANK[test.outcome]

    return sorted(tests, key=rank)


def summary_text(results: ModelTests) -> str:
    """``12 passed, 1 failed, 2 skipped`` — only the outcomes that occurred."""
    parts = []
    for outcome in Outcome:
        count = results.count(outcome)
        if count:
            parts.append(f"{count} {outcome.value}")
    return ", ".join(parts) or "no tests"


def short_name(nodeid: str) -> str:
    """``tests/test_model.py::test_loyal[3]`` → ``test_loyal[3]``."""
    return nodeid.rsplit("::", 1)[-1] if "::" in nodeid else nodeid
