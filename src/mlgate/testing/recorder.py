"""pytest reports → :class:`~mlgate.core.model_tests.ModelTest` records.

Works from the reports alone (outcome, phase, ``user_properties``), never from the test
items, so it gives the same answer under pytest-xdist, where the controller only sees
reports sent back by the workers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mlgate.core.model_tests import ModelTest, Outcome

CRITICAL_PROPERTY = "mlgate_critical"
TAGS_PROPERTY = "mlgate_tags"
MESSAGE_LIMIT = 2000
# "AssertionError: …" and "mlgate.testing.failures.ModelTestFailure: …" → "…".
_NOISE_PREFIX = re.compile(r"^(?:[\w.]*\.)?(?:AssertionError|ModelTestFailure|Failed): ?")


@dataclass
class _Entry:
    nodeid: str
    critical: bool = True
    tags: tuple[str, ...] = ()
    outcome: Outcome | None = None
    message: str = ""
    duration_s: float = 0.0
    file: str | None = None
    line: int | None = None


@dataclass
class Recorder:
    entries: dict[str, _Entry] = field(default_factory=dict)

    def test_report(self, report: Any) -> None:
        entry = self._entry(report)
        entry.duration_s += float(getattr(report, "duration", 0.0) or 0.0)
        if report.when == "setup":
            self._setup(entry, report)
        elif report.when == "call":
            self._call(entry, report)
        elif report.when == "teardown" and report.failed and not _broken(entry):
            entry.outcome = Outcome.ERROR
            entry.message = "error in teardown: " + failure_message(report)

    def collect_report(self, report: Any) -> None:
        """A test file that cannot even be collected is an error of a critical test."""
        if not report.failed:
            return
        nodeid = report.nodeid or str(getattr(report, "fspath", "") or "collection")
        self.entries[nodeid] = _Entry(
            nodeid=nodeid,
            outcome=Outcome.ERROR,
            message="collection error: " + failure_message(report),
            file=nodeid.split("::", 1)[0],
        )

    def tests(self) -> tuple[ModelTest, ...]:
        return tuple(
            ModelTest(
                nodeid=e.nodeid,
                outcome=e.outcome,
                critical=e.critical,
                tags=e.tags,
                message=e.message,
                duration_s=round(e.duration_s, 6),
                file=e.file,
                line=e.line,
            )
            for e in self.entries.values()
            if e.outcome is not None
        )

    def _entry(self, report: Any) -> _Entry:
        entry = self.entries.get(report.nodeid)
        if entry is None:
            properties = dict(getattr(report, "user_properties", ()) or ())
            file, line = _location(report)
            entry = _Entry(
                nodeid=report.nodeid,
                critical=str(properties.get(CRITICAL_PROPERTY, "true")) == "true",
                tags=tuple(t for t in str(properties.get(TAGS_PROPERTY, "")).split(",") if t),
                file=file,
                line=line,
            )
            self.entries[report.nodeid] = entry
        return entry

    @staticmethod
    def _setup(entry: _Entry, report: Any) -> None:
        if report.failed:
            entry.outcome = Outcome.ERROR
            entry.message = "error in setup: " + failure_message(report)
        elif report.skipped:
            xfail = hasattr(report, "wasxfail")
            entry.outcome = Outcome.XFAILED if xfail else Outcome.SKIPPED
            entry.message = report.wasxfail if xfail else skip_reason(report)

    @staticmethod
    def _call(entry: _Entry, report: Any) -> None:
        if hasattr(report, "wasxfail"):
            if report.skipped:
                entry.outcome, entry.message = Outcome.XFAILED, str(report.wasxfail)
            elif report.passed:
                entry.outcome, entry.message = Outcome.XPASSED, str(report.wasxfail)
            else:
                entry.outcome = Outcome.FAILED
                entry.message = failure_message(report)
        elif report.failed:
            entry.outcome, entry.message = Outcome.FAILED, failure_message(report)
        elif report.skipped:
            entry.outcome, entry.message = Outcome.SKIPPED, skip_reason(report)
        else:
            entry.outcome = Outcome.PASSED


def _broken(entry: _Entry) -> bool:
    return entry.outcome is not None and entry.outcome.broken


def _location(report: Any) -> tuple[str | None, int | None]:
    location = getattr(report, "location", None)
    if not location:
        return None, None
    file, line = location[0], location[1]
    return str(file), (int(line) + 1 if line is not None else None)


def failure_message(report: Any) -> str:
    """The exception's own message (what a helper says went wrong), not the traceback."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    text = getattr(crash, "message", None)
    if not text:
        lines = [ln for ln in str(getattr(report, "longreprtext", "")).splitlines() if ln.strip()]
        errors = [ln[1:].strip() for ln in lines if ln.startswith("E ")]
        text = (errors or lines or ["failed"])[-1]
    text = _NOISE_PREFIX.sub("", str(text).strip(), count=1)
    return text[:MESSAGE_LIMIT]


def skip_reason(report: Any) -> str:
    longrepr = getattr(report, "longrepr", None)
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
    return str(reason).removeprefix("Skipped: ")[:MESSAGE_LIMIT]
