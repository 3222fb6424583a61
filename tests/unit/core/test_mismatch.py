"""A feature's mismatch rate against skew.max_mismatch in the metrics' three gate modes,
on its Wilson interval; and the report's status from it and from leakage."""

from __future__ import annotations

import pytest

from mlgate.core.checks import Status
from mlgate.core.drift import DataSide, DriftReport, Kind
from mlgate.core.mismatch import Against, Mismatch


def rate(differing: int, compared: int = 200, **extra: int) -> Mismatch:
    return Mismatch(feature="v:f", compared=compared, differing=differing, **extra)


@pytest.mark.parametrize(
    ("differing", "limit", "mode", "expected"),
    [
        # 40 of 200: 20%, Wilson 95% [15.05%, 26.09%]
        (40, 0.18, "point", Against.ABOVE),
        (40, 0.18, "significant", Against.INCONCLUSIVE),
        (40, 0.14, "significant", Against.ABOVE),
        (40, 0.25, "significant", Against.WITHIN),
        (40, 0.25, "non_inferiority", Against.ABOVE),
        (40, 0.27, "non_inferiority", Against.WITHIN),
        # a limit of 0: the first difference is above it, none is never above it
        (1, 0.0, "significant", Against.ABOVE),
        (1, 0.0, "point", Against.ABOVE),
        (0, 0.0, "non_inferiority", Against.WITHIN),
        # none, against a limit the sample is too small to show: only strict mode fails
        (0, 0.01, "significant", Against.WITHIN),
        (0, 0.01, "non_inferiority", Against.ABOVE),
        (0, 0.02, "non_inferiority", Against.WITHIN),  # upper bound 1.88% at 200 keys
    ],
)
def test_the_rate_is_held_against_the_limit_as_the_mode_says(
    differing: int, limit: float, mode: str, expected: Against
) -> None:
    assert rate(differing).against(limit, mode=mode, confidence=0.95) is expected


def report(*rows: Mismatch, **settings: object) -> DriftReport:
    return DriftReport(
        kind=Kind.SKEW,
        reference=DataSide(label="offline", rows=200),
        current=DataSide(label="online", rows=200),
        features=(),
        mismatches=rows,
        key="driver_id",
        max_mismatch=0.18,
        **settings,  # type: ignore[arg-type]
    )


def test_inconclusive_warns_above_fails_only_with_fail_and_leakage_fails_by_default() -> None:
    assert report(rate(40)).status is Status.WARN
    assert "not shown above the limit" in report(rate(40)).headline()
    assert report(rate(50), mismatch_fails=True).status is Status.FAIL
    assert report(rate(0)).status is Status.PASS
    assert report(rate(0)).headline() == "1 of 1 feature consistent"
    leaking = rate(3, leaked=3, leak_examples=("1001",))
    assert report(leaking).status is Status.FAIL
    assert report(leaking, leakage_fails=False).status is Status.WARN
    assert "future values leak into training for v:f" in report(leaking).headline()


def test_nothing_compared_is_not_judged() -> None:
    empty = report(rate(0, compared=0))
    assert empty.unjudged == "no driver_id had a value of any feature on either side"
    assert empty.status is Status.WARN


def test_the_json_round_trips_with_the_interval() -> None:
    row = Mismatch(
        feature="v:f", compared=200, differing=40, examples=("1", "2"), missing_online=3,
        stale=2, expected_ttl=5, expected_lag=7, smape=0.03, max_abs_diff=0.1,
        staleness=(("0.5", 60.0), ("1", 3600.0)),
    )  # fmt: skip
    data = row.to_dict(0.95)
    assert data["interval"] == pytest.approx([0.150452, 0.260855], abs=1e-6)
    assert data["staleness_seconds"] == {"0.5": 60.0, "1": 3600.0}
    assert Mismatch.from_dict(data) == row
    whole = report(row, mode="point", confidence=0.9)
    assert DriftReport.from_dict(whole.to_dict()) == whole
