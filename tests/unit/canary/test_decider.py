"""`canary serve`'s reuse of decisions: one decision per model per cache period, errors
reused the same way (a down Prometheus is not asked again by every poll), a new decision
once the period is over, and nothing shared between models."""

from __future__ import annotations

import pytest

from mlgate.canary.serve import Decider, answer_body
from mlgate.core.canary import CanaryReport, Decision, Judgement
from mlgate.core.interval import Interval
from mlgate.core.rules import MetricRule
from mlgate.errors import ServiceError
from mlgate.files.config import Config

RULE = MetricRule(name="error_rate", higher_is_better=False, tolerance=0.01)


def report(model: str, decision: Decision = Decision.PASS) -> CanaryReport:
    judged = Judgement(
        name="error_rate",
        decision=decision,
        reason="why",
        rule=RULE,
        stable=0.01,
        canary=0.012,
        interval=Interval(low=-0.001, high=0.005, confidence=0.95, method="Newcombe (Wilson)"),
        n_stable=9000,
        n_canary=1000,
    )
    return CanaryReport(
        model=model,
        source="test",
        variants={"stable": "stable", "canary": "canary"},
        window="10m",
        at=None,
        confidence=0.95,
        judgements=(judged,),
    )


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_decision_is_reused_for_the_cache_period_only() -> None:
    clock, calls = Clock(), []

    def judge(config: Config) -> CanaryReport:
        calls.append(config.model)
        return report(str(config.model))

    decider = Decider(
        configs={"a": Config(source="a", model="a"), "b": Config(source="b", model="b")},
        judge=judge,
        cache=30,
        clock=clock,
    )
    assert decider.decide("a") is decider.decide("a")
    decider.decide("b")
    assert calls == ["a", "b"]
    clock.now += 29.9
    decider.decide("a")
    assert calls == ["a", "b"]
    clock.now += 0.2
    decider.decide("a")
    assert calls == ["a", "b", "a"] and decider.queries == 3


def test_an_error_is_reused_too() -> None:
    clock, calls = Clock(), []

    def judge(config: Config) -> CanaryReport:
        calls.append(1)
        raise ServiceError("Prometheus at http://127.0.0.1:9: down")

    decider = Decider(configs={"a": Config(source="a", model="a")}, judge=judge, clock=clock)
    for _ in range(3):
        with pytest.raises(ServiceError):
            decider.decide("a")
    assert calls == [1]


def test_the_web_answer_leads_with_the_decision() -> None:
    body = answer_body(report("churn", Decision.INCONCLUSIVE))
    assert next(iter(body)) == "decision" and body["decision"] == "inconclusive"
    assert body["metrics"]["error_rate"]["ci"] == [-0.001, 0.005]
    assert body["metrics"]["error_rate"]["n"] == {"stable": 9000, "canary": 1000}
