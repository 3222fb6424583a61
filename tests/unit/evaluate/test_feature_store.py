"""The training table's point-in-time check as the verdict's check: what it compared decides
it, and a check that compared nothing fails the gate (it fails closed)."""

from __future__ import annotations

from mlgate.core.checks import Status
from mlgate.core.drift import DataSide, DriftReport, Kind
from mlgate.core.mismatch import Mismatch
from mlgate.evaluate.feature_store import training_check


def report(*rows: Mismatch) -> DriftReport:
    return DriftReport(
        kind=Kind.SKEW,
        reference=DataSide(label="offline", rows=200),
        current=DataSide(label="train.parquet", rows=200),
        features=(),
        mismatches=rows,
        key="driver_id",
        max_mismatch=0.0,
    )


def test_a_training_check_that_compared_nothing_fails_the_gate() -> None:
    empty = Mismatch(feature="v:f", compared=0, differing=0)
    check = training_check(report(empty))
    assert check.status is Status.FAIL
    assert check.summary == "not checked: no driver_id had a value of any feature on either side"


def test_leakage_fails_and_names_the_feature_with_its_rate() -> None:
    clean = Mismatch(feature="v:city", compared=200, differing=0)
    assert training_check(report(clean)).status is Status.PASS
    leaking = Mismatch(feature="v:trips", compared=200, differing=50, leaked=50,
                       leak_examples=("1001",))  # fmt: skip
    check = training_check(report(leaking, clean))
    assert check.status is Status.FAIL
    assert (
        "v:trips: 50 leaked of 200 rows (25.0% differ, [19.5%, 31.4%]), e.g. 1001" in check.summary
    )
