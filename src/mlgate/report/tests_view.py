"""The "Model tests" part of the template context: counts, then each failure (critical
ones first) with its message, then what was skipped and why. Every string is escaped."""

from __future__ import annotations

from typing import Any

from mlgate.core.checks import plural
from mlgate.core.model_tests import ModelTest, ModelTests, Outcome, ordered, short_name
from mlgate.report.text import md, md_code

_OUTCOME_ICONS = {
    Outcome.PASSED: "✅",
    Outcome.FAILED: "❌",
    Outcome.ERROR: "💥",
    Outcome.SKIPPED: "⏭️",
    Outcome.XFAILED: "➖",
    Outcome.XPASSED: "❗",
}
_MESSAGE_LIMIT = 400


def tests_context(
    tests: ModelTests | None, *, failure_limit: int, skipped: bool, name_limit: int
) -> tuple[dict[str, Any] | None, list[str]]:
    """The context for ``tests`` (None when the verdict has none) and what was left out."""
    if tests is None:
        return None, []
    omitted: list[str] = []
    broken = [t for t in ordered(tests.tests) if t.outcome.broken]
    shown = broken[:failure_limit]
    hidden = len(broken) - len(shown)
    if hidden:
        omitted.append(plural(hidden, "model test failure"))
    skipped_tests = [t for t in tests.tests if t.outcome is Outcome.SKIPPED]
    if skipped_tests and not skipped:
        omitted.append(plural(len(skipped_tests), "skipped model test"))
    context = {
        "summary": _summary(tests),
        "problem": md(tests.problem, limit=300) if tests.problem else "",
        "incomplete": not tests.complete and tests.problem is None,
        "failures": [_failure(t, name_limit) for t in shown],
        "more": plural(hidden, "more failure") if hidden else "",
        "skipped": [_skipped(t, name_limit) for t in skipped_tests] if skipped else [],
        "skipped_count": len(skipped_tests),
        "candidate": md_code(tests.candidate_uri, limit=120) if tests.candidate_uri else "",
    }
    return context, omitted


def _summary(tests: ModelTests) -> str:
    parts = []
    critical = len(tests.broken(critical=True))
    minor = len(tests.broken(critical=False))
    if critical:
        parts.append(f"❌ {critical} critical failed")
    if minor:
        parts.append(f"⚠️ {minor} non-critical failed")
    for outcome in (Outcome.PASSED, Outcome.SKIPPED, Outcome.XFAILED, Outcome.XPASSED):
        count = tests.count(outcome)
        if count:
            parts.append(f"{_OUTCOME_ICONS[outcome]} {count} {outcome.value}")
    if tests.deselected:
        parts.append(f"{tests.deselected} deselected")
    return " · ".join(parts) or "no tests ran"


def _failure(test: ModelTest, limit: int) -> dict[str, str]:
    kind = "critical" if test.critical else "non-critical"
    if test.outcome is Outcome.ERROR:
        kind += " error"
    return {
        "icon": "❌" if test.critical else "⚠️",
        "kind": kind,
        "name": md_code(short_name(test.nodeid), limit=min(limit, 120)),
        "tags": ", ".join(md(tag, limit=40) for tag in test.tags[:8]),
        "message": md(test.message or test.outcome.value, limit=_MESSAGE_LIMIT),
    }


def _skipped(test: ModelTest, limit: int) -> dict[str, str]:
    return {
        "name": md_code(short_name(test.nodeid), limit=min(limit, 120)),
        "reason": md(test.message or "skipped", limit=200),
    }
