"""The canary decision per rule and combined: fail only when the interval is wholly
beyond the tolerance, pass only when wholly within, everything else — no traffic, NaN,
a straddling interval, a bound only — inconclusive, with the traffic that would decide it."""

from __future__ import annotations

import pytest

from mlgate.core.canary import (
    EXIT_INCONCLUSIVE,
    Decision,
    Judgement,
    Measurement,
    decide,
    exit_code,
    judge,
)
from mlgate.core.interval import Interval
from mlgate.core.rules import MetricRule

ERRORS = MetricRule(name="error_rate", higher_is_better=False, tolerance=0.002)
ACCURACY = MetricRule(name="accuracy", higher_is_better=True, tolerance=0.02)


def measured(stable: float, canary: float, low: float, high: float, **extra: object) -> Measurement:
    interval = Interval(low=low, high=high, confidence=0.95, method="test")
    return Measurement(
        name="m",
        stable=stable,
        canary=canary,
        interval=interval,
        n_stable=5000,
        n_canary=5000,
        **extra,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("rule", "values", "decision"),
    [
        (ERRORS, (0.01, 0.0105, -0.001, 0.0015), Decision.PASS),  # within the rise allowed
        (ERRORS, (0.01, 0.02, 0.005, 0.015), Decision.FAIL),  # beyond it, significantly
        (ERRORS, (0.01, 0.012, -0.001, 0.005), Decision.INCONCLUSIVE),  # straddles 0.002
        (ERRORS, (0.01, 0.013, 0.001, 0.005), Decision.INCONCLUSIVE),  # worse, not beyond
        (ACCURACY, (0.9, 0.89, -0.018, -0.002), Decision.PASS),  # a drop, within 0.02
        (ACCURACY, (0.9, 0.85, -0.07, -0.03), Decision.FAIL),
        (ACCURACY, (0.9, 0.92, 0.01, 0.03), Decision.PASS),  # better
    ],
)
def test_the_interval_against_the_tolerance_decides(
    rule: MetricRule, values: tuple[float, ...], decision: Decision
) -> None:
    assert judge(rule, measured(*values)).decision is decision


def test_inconclusive_says_how_much_more_traffic_would_decide_it() -> None:
    found = judge(ERRORS, measured(0.01, 0.0105, -0.002, 0.003))
    # The upper bound sits 0.0025 above the estimate, 0.0015 below the tolerance: the
    # interval must narrow by 0.0025/0.0015, so n grows by its square.
    assert found.decision is Decision.INCONCLUSIVE
    assert found.needed == pytest.approx(10_000 * ((0.0025 / 0.0015) ** 2 - 1), rel=1e-3)
    assert "too little traffic" in found.reason


def test_an_estimate_on_the_tolerance_names_no_amount() -> None:
    assert judge(ERRORS, measured(0.01, 0.012, 0.0, 0.004)).needed is None


@pytest.mark.parametrize("why", ["no traffic to the canary", "the requests query returned NaN"])
def test_nothing_to_judge_is_never_a_pass(why: str) -> None:
    found = judge(ERRORS, Measurement(name="error_rate", missing=why, wanting=80))
    assert (found.decision, found.reason, found.needed) == (Decision.INCONCLUSIVE, why, 80)


def test_a_censored_canary_can_fail_but_never_pass() -> None:
    worse = measured(0.2, 1.0, 0.5, 0.9, censored="canary")
    rule = MetricRule(name="latency_p95", higher_is_better=False, tolerance_pct=10)
    assert judge(rule, worse).decision is Decision.FAIL
    same = measured(0.2, 0.2, -0.001, 0.001, censored="canary")
    found = judge(rule, same)
    assert found.decision is Decision.INCONCLUSIVE and "highest histogram bucket" in found.reason
    assert (
        judge(rule, measured(0.2, 0.2, -0.001, 0.001, censored="stable")).decision is Decision.PASS
    )


def test_bounds_judge_the_canarys_own_value() -> None:
    rule = MetricRule(name="error_rate", higher_is_better=False, max=0.05)
    own = Interval(low=0.01, high=0.03, confidence=0.95, method="Wilson")
    inside = Measurement(
        name="error_rate", stable=0.02, canary=0.02, value_interval=own, n_canary=900
    )
    assert judge(rule, inside).decision is Decision.PASS
    over = Interval(low=0.06, high=0.09, confidence=0.95, method="Wilson")
    assert (
        judge(rule, Measurement(name="error_rate", canary=0.07, value_interval=over)).decision
        is Decision.FAIL
    )
    across = Interval(low=0.03, high=0.07, confidence=0.95, method="Wilson")
    assert (
        judge(rule, Measurement(name="error_rate", canary=0.05, value_interval=across)).decision
        is Decision.INCONCLUSIVE
    )


def _judged(decision: Decision, *, warn_only: bool = False) -> Judgement:
    rule = MetricRule(name=decision.value, higher_is_better=False, tolerance=1, warn_only=warn_only)
    return Judgement(name=decision.value, decision=decision, reason="r", rule=rule)


@pytest.mark.parametrize(
    ("decisions", "combined"),
    [
        ((Decision.PASS, Decision.PASS), Decision.PASS),
        ((Decision.PASS, Decision.INCONCLUSIVE), Decision.INCONCLUSIVE),
        ((Decision.INCONCLUSIVE, Decision.FAIL), Decision.FAIL),
        ((), Decision.INCONCLUSIVE),
    ],
)
def test_rules_combine_as_the_gates_do(decisions: tuple[Decision, ...], combined: Decision) -> None:
    assert decide(tuple(_judged(d) for d in decisions))[0] is combined


def test_warn_only_rules_are_shown_but_do_not_count() -> None:
    judged = (_judged(Decision.PASS), _judged(Decision.FAIL, warn_only=True))
    assert decide(judged)[0] is Decision.PASS
    assert decide((_judged(Decision.PASS, warn_only=True),))[0] is Decision.INCONCLUSIVE


def test_exit_codes_keep_inconclusive_apart_unless_mapped() -> None:
    assert [exit_code(d) for d in Decision] == [0, 1, EXIT_INCONCLUSIVE]
    assert exit_code(Decision.INCONCLUSIVE, inconclusive="pass") == 0
    assert exit_code(Decision.INCONCLUSIVE, inconclusive="fail") == 1
    assert exit_code(Decision.FAIL, inconclusive="pass") == 1
