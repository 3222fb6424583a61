"""How model-test results count in the gate (table-driven), their order, and their
round trip through verdict.json."""

from __future__ import annotations

import dataclasses

import pytest

from mlgate.core.checks import Status
from mlgate.core.compare import GatePolicy, compare
from mlgate.core.metricset import MetricSet
from mlgate.core.model_test_gate import judge_model_tests
from mlgate.core.model_tests import ModelTest, ModelTests, Outcome, missing_results, ordered
from mlgate.core.verdict import Identity, Overall, Verdict

CANDIDATE = Identity(label="candidate", run_id="a" * 32)


def results_of(*spec: tuple[str, bool]) -> ModelTests:
    return ModelTests(
        tests=tuple(
            ModelTest(nodeid=f"t.py::test_{i}", outcome=Outcome(outcome), critical=critical)
            for i, (outcome, critical) in enumerate(spec)
        ),
        candidate_run_id="a" * 32,
    )


@pytest.mark.parametrize(
    ("results", "required", "status", "summary"),
    [
        (
            results_of(("passed", True), ("skipped", False)),
            True,
            Status.PASS,
            "1 passed, 1 skipped",
        ),
        (
            results_of(("passed", True), ("failed", False)),
            True,
            Status.WARN,
            "1 non-critical model test failed: test_1 (1 failed, 1 passed)",
        ),
        (
            results_of(("failed", True), ("failed", False)),
            True,
            Status.FAIL,
            "1 critical model test failed: test_0 (2 failed)",
        ),
        (
            results_of(("error", True)),
            False,
            Status.FAIL,
            "1 critical model test failed: test_0 (1 error)",
        ),
        (
            results_of(("xfailed", True), ("xpassed", True)),
            True,
            Status.PASS,
            "1 xfailed, 1 xpassed",
        ),
        (results_of(), True, Status.FAIL, "no model test ran"),
        (results_of(), False, Status.WARN, "no model test ran"),
        (
            dataclasses.replace(results_of(("passed", True)), deselected=4),
            True,
            Status.PASS,
            "1 passed; 4 deselected",
        ),
        (
            dataclasses.replace(results_of(("passed", True)), complete=False),
            True,
            Status.FAIL,
            "the test session did not finish, so not every test ran (1 passed)",
        ),
        (
            missing_results("r.json", hint="no results at r.json"),
            True,
            Status.FAIL,
            "no results at r.json",
        ),
        (
            missing_results("r.json", hint="no results at r.json"),
            False,
            Status.WARN,
            "no results at r.json",
        ),
        (
            results_of(*[("failed", True)] * 5),
            True,
            Status.FAIL,
            "5 critical model tests failed: test_0, test_1, test_2 and 2 more (5 failed)",
        ),
    ],
)
def test_judge(results: ModelTests, required: bool, status: Status, summary: str) -> None:
    check = judge_model_tests(results, candidate=CANDIDATE, required=required)
    assert (check.name, check.status, check.summary) == ("model tests", status, summary)


def test_results_for_another_model_fail_the_gate() -> None:
    results = dataclasses.replace(results_of(("passed", True)), candidate_run_id="b" * 32)
    check = judge_model_tests(results, candidate=CANDIDATE)
    assert check.status is Status.FAIL
    assert check.summary == (
        f"the results are for run {'b' * 32}, not for the candidate's run {'a' * 32}: "
        "run mlgate test against the candidate"
    )
    # Results that cannot be tied to the candidate: a failure when required, else a warning.
    unknown = dataclasses.replace(results, candidate_run_id=None)
    check = judge_model_tests(unknown, candidate=CANDIDATE)
    assert check.status is Status.FAIL
    assert "name no candidate (the tests were run without --candidate)" in check.summary
    assert judge_model_tests(unknown, candidate=CANDIDATE, required=False).status is Status.WARN
    tested = dataclasses.replace(results, candidate_uri="runs:/" + "b" * 32 + "/model")
    no_run = dataclasses.replace(CANDIDATE, run_id=None)
    check = judge_model_tests(tested, candidate=no_run, required=False)
    assert check.status is Status.WARN
    assert "names no run to tie them to" in check.summary


def test_critical_failures_come_first() -> None:
    results = results_of(("passed", True), ("failed", False), ("skipped", True), ("error", True))
    assert [t.nodeid[-1] for t in ordered(results.tests)] == ["3", "1", "2", "0"]


def test_a_critical_failure_fails_the_whole_verdict_and_round_trips() -> None:
    candidate = MetricSet(identity=CANDIDATE, metrics={"accuracy": 0.9})
    baseline = MetricSet(identity=Identity(label="production"), metrics={"accuracy": 0.9})
    verdict = compare(
        candidate=candidate,
        baseline=baseline,
        policy=GatePolicy(model="m", rules=()),
        tests=results_of(("failed", True), ("passed", False)),
    )
    assert verdict.status is Overall.FAIL
    again = Verdict.from_dict(verdict.to_dict())
    assert again.tests is not None and again.tests.counts() == verdict.tests.counts()  # type: ignore[union-attr]
    assert again == verdict
