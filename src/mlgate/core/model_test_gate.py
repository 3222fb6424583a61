"""How model-test results count in the gate.

A failing or erroring *critical* test fails the gate; a failing non-critical one warns.
Results that are incomplete (the session was interrupted), that were run against a
different model than the candidate being judged, or that are missing although mlgate.yml
asks for them, also fail it: a gate must not pass on tests that did not test this model.
Results that cannot be tied to the candidate at all (no run on one side) fail it when the
tests are required and warn otherwise.
"""

from __future__ import annotations

from mlgate.core.checks import Check, Status, plural
from mlgate.core.model_tests import ModelTests, short_name, summary_text
from mlgate.core.verdict import Identity

CHECK_NAME = "model tests"


def judge_model_tests(
    results: ModelTests, *, candidate: Identity, required: bool = True, tie: bool = True
) -> Check:
    """The gate's "model tests" check for ``results`` run against ``candidate``; ``tie``
    False for ``mlgate test`` itself, which judges the tests without a candidate to tie."""
    failing = Status.FAIL if required else Status.WARN
    if results.problem is not None:
        return Check(name=CHECK_NAME, status=failing, summary=results.problem)
    mismatch = _candidate_mismatch(results, candidate)
    if mismatch:
        return Check(name=CHECK_NAME, status=Status.FAIL, summary=mismatch)
    critical = results.broken(critical=True)
    minor = results.broken(critical=False)
    counts = summary_text(results)
    if critical:
        names = ", ".join(short_name(t.nodeid) for t in critical[:3])
        more = f" and {len(critical) - 3} more" if len(critical) > 3 else ""
        what = plural(len(critical), "critical model test")
        return Check(
            name=CHECK_NAME,
            status=Status.FAIL,
            summary=f"{what} failed: {names}{more} ({counts})",
        )
    if not results.complete:
        return Check(
            name=CHECK_NAME,
            status=Status.FAIL,
            summary=f"the test session did not finish, so not every test ran ({counts})",
        )
    untied = _untied(results, candidate) if tie else None
    if untied:
        return Check(name=CHECK_NAME, status=failing, summary=f"{untied} ({counts})")
    if minor:
        names = ", ".join(short_name(t.nodeid) for t in minor[:3])
        more = f" and {len(minor) - 3} more" if len(minor) > 3 else ""
        what = plural(len(minor), "non-critical model test")
        return Check(
            name=CHECK_NAME, status=Status.WARN, summary=f"{what} failed: {names}{more} ({counts})"
        )
    if not results.tests:
        return Check(
            name=CHECK_NAME,
            status=failing,
            summary="no model test ran" + _deselected(results),
        )
    return Check(name=CHECK_NAME, status=Status.PASS, summary=counts + _deselected(results))


def _candidate_mismatch(results: ModelTests, candidate: Identity) -> str | None:
    theirs, ours = results.candidate_run_id, candidate.run_id
    if theirs and ours and theirs != ours:
        return (
            f"the results are for run {theirs}, not for the candidate's run {ours}: "
            "run mlgate test against the candidate"
        )
    return None


def _untied(results: ModelTests, candidate: Identity) -> str | None:
    """Why results cannot be tied to the candidate being judged (None: they can)."""
    if results.candidate_run_id and candidate.run_id:
        return None  # compared in _candidate_mismatch
    if not results.tests:
        return None  # said as "no model test ran"
    where = candidate.label or "the candidate"
    if not results.candidate_run_id and not results.candidate_uri:
        return (
            "the model-test results name no candidate (the tests were run without "
            f"--candidate), so they cannot be tied to {where}; run mlgate test --candidate"
        )
    tested = results.candidate_uri or f"run {results.candidate_run_id}"
    return (
        f"the model-test results are for {tested}, and {where} names no run to tie them to; "
        "compare the candidate's run (evaluate), or set tests.required: false to only warn"
    )


def _deselected(results: ModelTests) -> str:
    return f"; {results.deselected} deselected" if results.deselected else ""
