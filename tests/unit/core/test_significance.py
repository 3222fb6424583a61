"""The three gate modes, table-driven: a drop of 0.02 against max_drop 0.01 (or none),
with intervals that do or do not exclude zero."""

from __future__ import annotations

import pytest

from mlgate.core.checks import Status
from mlgate.core.compare import judge
from mlgate.core.interval import Interval
from mlgate.core.rules import MetricRule
from mlgate.core.significance import Mode

RULE = MetricRule(name="accuracy", tolerance=0.01)
LOSS = MetricRule(name="log_loss", higher_is_better=False, tolerance=0.01)


def interval(low: float, high: float) -> Interval:
    return Interval(low=low, high=high, confidence=0.95, method="test")


@pytest.mark.parametrize(
    ("mode", "candidate", "ci", "status", "fragment"),
    [
        # A material, significant drop: every mode blocks.
        (Mode.POINT, 0.88, interval(-0.03, -0.011), Status.FAIL, "drop of 0.02 exceeds"),
        (Mode.SIGNIFICANT, 0.88, interval(-0.03, -0.011), Status.FAIL, "and significantly"),
        (
            Mode.NON_INFERIORITY,
            0.88,
            interval(-0.03, -0.011),
            Status.FAIL,
            "not shown non-inferior",
        ),
        # Material but not significant (noise): only point blocks; significant warns.
        (Mode.POINT, 0.88, interval(-0.05, 0.01), Status.FAIL, "drop of 0.02 exceeds"),
        (Mode.SIGNIFICANT, 0.88, interval(-0.05, 0.01), Status.WARN, "but not significantly"),
        (Mode.NON_INFERIORITY, 0.88, interval(-0.05, 0.01), Status.FAIL, "allows a drop of 0.05"),
        # A small, significant drop within tolerance: passes but for non-inferiority if
        # the interval reaches beyond the tolerance.
        (Mode.SIGNIFICANT, 0.895, interval(-0.009, -0.001), Status.PASS, ""),
        (Mode.NON_INFERIORITY, 0.895, interval(-0.009, -0.001), Status.PASS, ""),
        (Mode.NON_INFERIORITY, 0.895, interval(-0.0105, 0.0), Status.FAIL, "a drop of 0.0105"),
        (Mode.SIGNIFICANT, 0.895, interval(-0.025, 0.015), Status.WARN, "too small"),
        # An improvement.
        (Mode.SIGNIFICANT, 0.92, interval(0.01, 0.03), Status.PASS, ""),
    ],
)
def test_modes(mode: Mode, candidate: float, ci: Interval, status: Status, fragment: str) -> None:
    row = judge(RULE, candidate, 0.90, interval=ci, mode=mode)
    assert row.status is status, row.reasons
    assert fragment in "; ".join(row.reasons)
    assert row.interval == ci and row.significant is ci.excludes_zero()


def test_non_inferiority_that_fails_says_the_bound_not_the_power() -> None:
    row = judge(RULE, 0.895, 0.90, interval=interval(-0.012, 0.0), mode=Mode.NON_INFERIORITY)
    assert row.status is Status.FAIL
    assert row.reasons[0].startswith("not shown non-inferior: the interval allows a drop of 0.012")


def test_lower_is_better_metrics_judge_the_rise() -> None:
    row = judge(LOSS, 0.32, 0.30, interval=interval(0.011, 0.03), mode=Mode.SIGNIFICANT)
    assert row.status is Status.FAIL and "rise of 0.02 exceeds" in row.reasons[0]
    row = judge(LOSS, 0.28, 0.30, interval=interval(-0.03, -0.011), mode=Mode.SIGNIFICANT)
    assert row.status is Status.PASS


def test_a_too_small_evaluation_set_warns_with_the_detectable_change() -> None:
    row = judge(RULE, 0.90, 0.90, interval=interval(-0.04, 0.04), mode=Mode.SIGNIFICANT)
    assert row.status is Status.WARN
    assert row.reasons == (
        "inconclusive: the interval allows a drop of 0.04, more than the tolerance 0.01 — the "
        "evaluation set is too small to detect a drop of 0.01: the smallest change it can "
        "detect is about 0.0572",
    )


def test_no_power_warning_where_the_interval_has_decided() -> None:
    # The demo's log loss: Δ −0.043, CI [−0.070, −0.012], tolerance +0.01 — shown not worse.
    row = judge(LOSS, 0.257, 0.30, interval=interval(-0.070, -0.012), mode=Mode.SIGNIFICANT)
    assert row.status is Status.PASS and row.reasons == ()
    # A significantly improved F1 with a wide interval passes, marked improved.
    wide = interval(0.005, 0.09)
    row = judge(RULE, 0.95, 0.90, interval=wide, mode=Mode.SIGNIFICANT)
    assert row.status is Status.PASS and row.improved and row.significant


def test_without_an_interval_every_mode_judges_the_point_estimate() -> None:
    for mode in Mode:
        row = judge(RULE, 0.88, 0.90, interval=None, mode=mode)
        assert row.status is Status.FAIL and row.significant is None
