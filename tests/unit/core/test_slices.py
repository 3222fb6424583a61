"""Slices: Holm's adjustment (against hand-computed values) and what counts as a slice
regression."""

from __future__ import annotations

import pytest

from mlgate.core.checks import Status
from mlgate.core.interval import Interval
from mlgate.core.multiplicity import holm
from mlgate.core.rules import MetricRule
from mlgate.core.slices import SliceSettings, judge_slices, slice_check
from mlgate.core.verdict import SliceRow


def test_holm_matches_hand_computation() -> None:
    # p sorted: 0.01 (×4), 0.02 (×3), 0.03 (×2), 0.5 (×1); running maximum.
    assert holm([0.03, 0.01, 0.5, 0.02]) == pytest.approx([0.06, 0.04, 0.5, 0.06])
    assert holm([0.9, 0.8]) == [1.0, 1.0]
    assert holm([]) == []


def row(value: str, delta: float, p: float, metric: str = "accuracy") -> SliceRow:
    return SliceRow(
        column="country",
        value=value,
        examples=500,
        metric=metric,
        baseline=0.9,
        candidate=0.9 + delta,
        interval=Interval(
            low=delta - 0.01, high=delta + 0.01, confidence=0.95, method="t", p_value=p
        ),
    )


def test_a_slice_regression_needs_tolerance_and_significance_after_holm() -> None:
    rules = {"accuracy": MetricRule(name="accuracy", tolerance=0.01)}
    rows = [
        row("DE", -0.05, 0.001),  # adjusted 0.004: a regression
        row("FR", -0.005, 0.001),  # significant but within tolerance
        row("US", -0.05, 0.02),  # adjusted 0.04 < 0.05: a regression
        row("IT", -0.05, 0.2),  # not significant
    ]
    judged = judge_slices(rows, rules=rules, settings=SliceSettings(), confidence=0.95)
    statuses = {r.value: r.status for r in judged}
    assert statuses == {"DE": Status.WARN, "US": Status.WARN, "FR": Status.PASS, "IT": Status.PASS}
    assert [r.value for r in judged][:2] == ["DE", "US"]  # worst first
    check = slice_check(judged)
    assert check is not None and check.status is Status.WARN
    assert check.summary.startswith(
        "2 slice regressions: accuracy drops by 0.05 in country=DE (Holm-adjusted p = 0.004)"
    )
    failing = judge_slices(rows, rules=rules, settings=SliceSettings(fail=True), confidence=0.95)
    assert slice_check(failing).status is Status.FAIL  # type: ignore[union-attr]


def test_no_regression_no_check() -> None:
    judged = judge_slices(
        [row("DE", 0.02, 0.001)], rules={}, settings=SliceSettings(), confidence=0.95
    )
    assert judged[0].status is Status.PASS and slice_check(judged) is None
