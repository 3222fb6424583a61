from __future__ import annotations

from mlgate.core.summary import ModelVerdict, Outcome, summarize


def verdict(model: str, passed: bool) -> ModelVerdict:
    return ModelVerdict(
        model=model,
        passed=passed,
        status="pass" if passed else "fail",
        headline="passed" if passed else "failed: f1",
    )


def test_failing_first_and_a_missing_verdict_fails() -> None:
    summary = summarize(["a", "b", "c", "d"], {"a": verdict("a", True), "c": verdict("c", False)})
    assert [(r.model, r.outcome) for r in summary.rows] == [
        ("c", Outcome.FAILED),
        ("b", Outcome.MISSING),
        ("d", Outcome.MISSING),
        ("a", Outcome.PASSED),
    ]
    assert not summary.passed
    assert summary.missing == ("b", "d")
    assert summary.status_text() == "3 of 4 failed: c, b, d"


def test_all_passed_and_verdicts_outside_the_plan_are_ignored() -> None:
    summary = summarize(["a"], {"a": verdict("a", True), "x": verdict("x", False)})
    assert summary.passed and summary.unplanned == ("x",)
    assert summary.status_text() == "all 1 model passed"


def test_an_empty_plan_passes() -> None:
    summary = summarize([], {})
    assert summary.passed and summary.status_text() == "no model changed"
