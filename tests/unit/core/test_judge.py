"""One metric, one rule: every threshold, both directions, the edges and non-finite values."""

from __future__ import annotations

import math

import pytest

from mlgate.core.checks import Status
from mlgate.core.compare import judge
from mlgate.core.rules import MetricRule

INF, NAN = math.inf, math.nan


def rule(**kwargs: object) -> MetricRule:
    return MetricRule(name="m", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("the_rule", "baseline", "candidate", "status", "reason"),
    [
        # absolute tolerance, higher is better
        (rule(tolerance=0.01), 0.90, 0.895, Status.PASS, None),
        (rule(tolerance=0.01), 0.90, 0.89, Status.PASS, None),  # exactly at the tolerance
        (rule(tolerance=0.01), 0.90, 0.8899, Status.FAIL, "drop of 0.0101 exceeds max_drop 0.01"),
        (rule(tolerance=0.01), 0.90, 0.99, Status.PASS, None),  # improvements never fail
        # absolute tolerance, lower is better
        (rule(higher_is_better=False, tolerance=2.0), 40.0, 42.0, Status.PASS, None),
        (
            rule(higher_is_better=False, tolerance=2.0),
            40.0,
            42.5,
            Status.FAIL,
            "rise of 2.5 exceeds max_rise 2",
        ),
        (rule(higher_is_better=False, tolerance=2.0), 40.0, 10.0, Status.PASS, None),
        # relative tolerance
        (rule(tolerance_pct=2), 0.80, 0.785, Status.PASS, None),
        (rule(tolerance_pct=2), 0.80, 0.78, Status.FAIL, "drop of 2.5% exceeds max_drop_pct 2%"),
        (rule(higher_is_better=False, tolerance_pct=10), 50.0, 55.0, Status.PASS, None),
        (
            rule(higher_is_better=False, tolerance_pct=10),
            50.0,
            55.5,
            Status.FAIL,
            "rise of 11% exceeds max_rise_pct 10%",
        ),
        (rule(tolerance_pct=5), -2.0, -2.05, Status.PASS, None),  # negative baseline: |baseline|
        (rule(tolerance_pct=5), -2.0, -2.2, Status.FAIL, "drop of 10% exceeds max_drop_pct 5%"),
        (
            rule(tolerance_pct=5),
            0.0,
            -0.1,
            Status.FAIL,
            "baseline is 0, so any drop exceeds max_drop_pct",
        ),
        (rule(tolerance_pct=5), 0.0, 0.0, Status.PASS, None),
        # floors and ceilings
        (rule(min=0.8), 0.95, 0.81, Status.PASS, None),
        (rule(min=0.8), 0.95, 0.8, Status.PASS, None),
        (rule(min=0.8), 0.95, 0.7999, Status.FAIL, "0.7999 is below the minimum 0.8"),
        (
            rule(higher_is_better=False, max=50),
            10.0,
            50.01,
            Status.FAIL,
            "50.01 is above the maximum 50",
        ),
        (rule(min=0.8), None, 0.79, Status.FAIL, "0.79 is below the minimum 0.8"),
        # several violations are all named
        (
            rule(higher_is_better=False, tolerance_pct=10, max=50),
            38.2,
            52.7,
            Status.FAIL,
            "52.7 is above the maximum 50; rise of 38% exceeds max_rise_pct 10%",
        ),
        # warn_only turns a violation into a warning
        (
            rule(tolerance=0.01, warn_only=True),
            0.90,
            0.5,
            Status.WARN,
            "drop of 0.4 exceeds max_drop 0.01",
        ),
        # tracked only: no threshold, nothing fails
        (rule(), 0.90, 0.10, Status.PASS, None),
        # no baseline value: new, but bounds still apply
        (rule(tolerance=0.01), None, 0.5, Status.NEW, "no baseline value"),
        (rule(tolerance=0.01, min=0.4), None, 0.5, Status.NEW, "no baseline value; bounds checked"),
        # missing from the candidate
        (rule(), 0.9, None, Status.FAIL, "required metric missing from the candidate"),
        (rule(required=False), 0.9, None, Status.MISSING, "not reported by the candidate"),
        (
            rule(warn_only=True),
            0.9,
            None,
            Status.WARN,
            "required metric missing from the candidate",
        ),
        # non-finite candidates fail their rule, with that reason
        (rule(tolerance=0.01), 0.9, NAN, Status.FAIL, "candidate value is NaN"),
        (rule(), 0.9, NAN, Status.FAIL, "candidate value is NaN"),
        (rule(higher_is_better=True, min=0), 0.9, INF, Status.FAIL, "candidate value is +inf"),
        (rule(higher_is_better=False), 0.9, -INF, Status.FAIL, "candidate value is -inf"),
        # non-finite baseline: the change cannot be judged, say so
        (rule(tolerance=0.01), NAN, 0.9, Status.WARN, "baseline value is NaN; change not checked"),
        (
            rule(tolerance=0.01, min=0.95),
            INF,
            0.9,
            Status.FAIL,
            "0.9 is below the minimum 0.95; baseline value is +inf; change not checked",
        ),
        (rule(min=0.5), NAN, 0.9, Status.PASS, None),  # no change rule: nothing to warn about
    ],
)
def test_judge(
    the_rule: MetricRule,
    baseline: float | None,
    candidate: float | None,
    status: Status,
    reason: str | None,
) -> None:
    row = judge(the_rule, candidate, baseline)
    assert row.status is status
    if reason is None:
        assert row.reasons == ()
    else:
        assert "; ".join(row.reasons) == reason


@pytest.mark.parametrize(
    ("baseline", "candidate", "delta", "rel"),
    [
        (0.9, 0.8, -0.1, -0.1 / 0.9),
        (-2.0, -1.0, 1.0, 0.5),
        (0.0, 1.0, 1.0, None),  # relative change from zero is undefined
        (None, 1.0, None, None),
        (1.0, None, None, None),
    ],
)
def test_row_deltas(
    baseline: float | None, candidate: float | None, delta: float | None, rel: float | None
) -> None:
    row = judge(rule(), candidate, baseline)
    assert row.delta == pytest.approx(delta) if delta is not None else row.delta is None
    assert row.rel_delta == pytest.approx(rel) if rel is not None else row.rel_delta is None


@pytest.mark.parametrize(
    ("higher", "baseline", "candidate", "improved"),
    [
        (True, 1, 2, True),
        (True, 2, 1, False),
        (False, 2, 1, True),
        (False, 1, 2, False),
        (True, 1, 1, None),
    ],
)
def test_improved_follows_direction(
    higher: bool, baseline: float, candidate: float, improved: bool | None
) -> None:
    assert judge(rule(higher_is_better=higher), candidate, baseline).improved is improved
