"""The promotion-request issue's plan: marker, state line, supersession, closing."""

from __future__ import annotations

from mlgate.core.requests import (
    HowToApprove,
    RequestState,
    plan_request,
    plan_request_close,
    read_request,
    request_marker,
)
from mlgate.core.tracking import Step, TrackedIssue
from mlgate.report.text import md

PASS = RequestState(version="7", commit="a" * 40, status="pass")


def plan(state: RequestState, existing: TrackedIssue | None = None, **how: object) -> object:
    return plan_request(
        model="churn",
        state=state,
        report="the report",
        existing=existing,
        how=HowToApprove(**how),  # type: ignore[arg-type]
        md=md,
    )


def test_a_new_request_shows_the_version_and_how_to_approve_it() -> None:
    opened = plan(PASS, environment="production", run_url="https://ci/run/1")
    assert opened.step is Step.OPEN  # type: ignore[attr-defined]
    body = opened.body  # type: ignore[attr-defined]
    assert body.startswith(request_marker("churn"))
    assert read_request(body) == PASS
    assert "`/mlgate promote 7`" in body and "**production** environment" in body
    assert "[the run](https://ci/run/1)" in body and body.endswith("the report")


def test_a_newer_version_replaces_the_request_and_says_so() -> None:
    old = plan(PASS).body  # type: ignore[attr-defined]
    newer = RequestState(version="8", commit="b" * 40, status="pass")
    updated = plan(newer, TrackedIssue(number=3, body=old))
    assert updated.step is Step.UPDATE  # type: ignore[attr-defined]
    assert "Version 7 is superseded by version 8" in updated.comment  # type: ignore[attr-defined]
    assert read_request(updated.body) == newer  # type: ignore[attr-defined]
    same = plan(PASS, TrackedIssue(number=3, body=old))
    assert same.comment == ""  # type: ignore[attr-defined]


def test_a_failed_or_unregistered_candidate_is_not_approvable() -> None:
    failed = plan(RequestState(version="9", commit=None, status="fail")).body  # type: ignore[attr-defined]
    assert "cannot be promoted" in failed and "/mlgate promote" not in failed
    unregistered = plan(RequestState(version=None, commit=None, status="pass")).body  # type: ignore[attr-defined]
    assert "--register" in unregistered and not read_request(unregistered).approvable  # type: ignore[union-attr]


def test_gitlab_points_to_the_manual_job() -> None:
    body = plan(PASS, platform="gitlab", run_url="https://gl/p/1").body  # type: ignore[attr-defined]
    assert "manual **mlgate-promote** job of [the pipeline](https://gl/p/1)" in body


def test_the_marker_and_state_cannot_be_broken_out_of() -> None:
    marker = request_marker("a --> <script>\nx")
    assert marker == "<!-- mlgate:request model=a --_ _script__x -->"
    assert marker.count(">") == 1 and "\n" not in marker
    state = RequestState(version="1", commit="--> <b>", status="pass")
    assert "-->" not in state.line()[:-4] and read_request(state.line()) == state
    assert read_request("<!-- mlgate:request-state {not json} -->") is None
    assert read_request('<!-- mlgate:request-state {"version": 1} -->') is None


def test_closing_only_the_version_shown() -> None:
    issue = TrackedIssue(number=3, body=plan(PASS).body)  # type: ignore[attr-defined]
    closed = plan_request_close(issue, version="7", alias="champion", md=md)
    assert closed.step is Step.CLOSE and "promoted to @champion" in closed.comment
    assert plan_request_close(issue, version="6", alias="champion", md=md).step is Step.NONE


def test_a_failing_candidate_never_displaces_one_waiting_for_approval() -> None:
    waiting = plan(PASS).body  # type: ignore[attr-defined]
    failed = RequestState(version="8", commit="b" * 40, status="fail")
    held = plan(failed, TrackedIssue(number=3, body=waiting))
    assert held.step is Step.UPDATE  # type: ignore[attr-defined]
    assert read_request(held.body) == PASS  # type: ignore[attr-defined]  # still bound to 7
    assert held.title == "Promotion request: churn version 7"  # type: ignore[attr-defined]
    assert "Newer candidate: version **8** — verdict **fail**" in held.body  # type: ignore[attr-defined]
    assert "version 7 is still awaiting approval and can be approved" in held.comment  # type: ignore[attr-defined]
    assert "`/mlgate promote 7`" in held.body  # type: ignore[attr-defined]
    # a second failure replaces the note instead of stacking them
    again = plan(
        RequestState(version="9", commit=None, status="fail"),
        TrackedIssue(number=3, body=held.body),  # type: ignore[attr-defined]
    )
    assert again.body.count("Newer candidate") == 1  # type: ignore[attr-defined]
    assert "version **9**" in again.body  # type: ignore[attr-defined]
    # a newer passing candidate takes the request over, and the note goes
    newer = RequestState(version="10", commit="c" * 40, status="pass")
    taken = plan(newer, TrackedIssue(number=3, body=again.body))  # type: ignore[attr-defined]
    assert read_request(taken.body) == newer and "Newer candidate" not in taken.body  # type: ignore[attr-defined]
