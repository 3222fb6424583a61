"""The drift decision per feature, the report's status and its JSON round trip."""

from __future__ import annotations

import json
import math

import pytest

from mlgate.core.checks import Status
from mlgate.core.drift import (
    DataSide,
    DriftReport,
    FeatureDrift,
    FeatureStatus,
    Kind,
    Measured,
    Mismatch,
    SchemaChange,
    judge_feature,
    ordered,
    schema_drift,
)
from mlgate.core.drift_settings import DriftSettings, Thresholds


def measured(
    *, psi: float = 0.0, distance: float = 0.0, p: float = 0.5, rows: int = 1000, test: str = "ks"
) -> Measured:
    return Measured(
        psi=psi,
        distance=distance,
        p_value=p,
        test=test,
        statistic=distance,
        reference_rows=rows,
        current_rows=rows,
        reference_missing=0.0,
        current_missing=0.1,
        reference_summary="median 1",
        current_summary="median 2",
    )


@pytest.mark.parametrize(
    "kind, m, status, reason",
    [
        ("numeric", measured(psi=0.3, p=0.001), FeatureStatus.DRIFT, "PSI 0.3 ≥ 0.2"),
        ("numeric", measured(distance=0.15, p=0.001), FeatureStatus.DRIFT, "KS D 0.15 ≥ 0.1"),
        ("categorical", measured(distance=0.2, p=0.01, test="chi2"), FeatureStatus.DRIFT, "JS"),
        # large but not significant: could be noise
        ("numeric", measured(psi=0.5, p=0.2), FeatureStatus.OK, "could be noise"),
        # significant but small: a trivial shift in a big sample
        ("numeric", measured(psi=0.01, distance=0.01, p=1e-9), FeatureStatus.OK, None),
        ("numeric", measured(psi=0.9, p=0.0, rows=50), FeatureStatus.TOO_FEW, "50 values"),
    ],
)
def test_judge_feature(kind: str, m: Measured, status: FeatureStatus, reason: str | None) -> None:
    feature = judge_feature("age", kind, m, settings=DriftSettings())
    assert feature.status is status
    if reason is None:
        assert feature.reasons == ()
    else:
        assert any(reason in r for r in feature.reasons), feature.reasons


def test_per_feature_thresholds_and_fail() -> None:
    settings = DriftSettings(features={"age": Thresholds(psi=0.05, fail=True)})
    strict = judge_feature("age", "numeric", measured(psi=0.06, p=0.001), settings=settings)
    default = judge_feature("income", "numeric", measured(psi=0.06, p=0.001), settings=settings)
    assert strict.status is FeatureStatus.DRIFT and strict.fail
    assert default.status is FeatureStatus.OK


def _report(*features: FeatureDrift, **extra: object) -> DriftReport:
    return DriftReport(
        kind=Kind.DRIFT,
        reference=DataSide(label="ref.parquet", rows=1000),
        current=DataSide(label="cur.csv", rows=900),
        features=ordered(list(features)),
        settings=DriftSettings().summary(),
        **extra,  # type: ignore[arg-type]
    )


def test_status_warns_on_drift_and_fails_only_when_configured() -> None:
    ok = FeatureDrift(name="a", kind="numeric", status=FeatureStatus.OK, measured=measured())
    drift = FeatureDrift(name="b", kind="numeric", status=FeatureStatus.DRIFT, measured=measured())
    failing = FeatureDrift(
        name="c", kind="numeric", status=FeatureStatus.DRIFT, measured=measured(), fail=True
    )
    assert _report(ok).status is Status.PASS
    assert _report(ok, drift).status is Status.WARN
    assert _report(ok, drift, failing).status is Status.FAIL
    assert _report(ok, drift).headline() == "drift in 1 of 2 features: b"
    assert _report(ok, drift).check().name == "data drift"


def test_key_mismatches_count_as_skew() -> None:
    ok = FeatureDrift(name="a", kind="numeric", status=FeatureStatus.OK, measured=measured())
    mismatch = Mismatch(feature="a", compared=100, differing=3, examples=("k1",))
    report = _report(ok, mismatches=(mismatch,), key="id", max_mismatch=0.01)
    assert report.status is Status.WARN
    assert "values differ by id for a" in report.headline()
    assert _report(ok, mismatches=(mismatch,), key="id", max_mismatch=0.05).status is Status.PASS
    failing = _report(ok, mismatches=(mismatch,), key="id", max_mismatch=0.0, mismatch_fails=True)
    assert failing.status is Status.FAIL


def test_order_is_drift_first_then_by_psi() -> None:
    names = [
        f.name
        for f in ordered(
            [
                FeatureDrift(name="small", kind="numeric", status=FeatureStatus.TOO_FEW),
                FeatureDrift(
                    name="low", kind="numeric", status=FeatureStatus.OK, measured=measured(psi=0.01)
                ),
                FeatureDrift(
                    name="high", kind="numeric", status=FeatureStatus.OK, measured=measured(psi=0.1)
                ),
                FeatureDrift(name="gone", kind="numeric", status=FeatureStatus.DRIFT),
                FeatureDrift(
                    name="moved",
                    kind="numeric",
                    status=FeatureStatus.DRIFT,
                    measured=measured(psi=0.4),
                ),
            ]
        )
    ]
    assert names == ["gone", "moved", "high", "low", "small"]


def test_schema_change_as_drift() -> None:
    removed = SchemaChange(
        column="zip", change="removed", reference_type="string", current_type=None, breaking=True
    )
    feature = schema_drift(removed, settings=DriftSettings())
    assert feature.status is FeatureStatus.DRIFT
    assert feature.reasons == ("column missing (was string)",)


def test_json_round_trip_keeps_non_finite_numbers_standard() -> None:
    nan_psi = FeatureDrift(
        name="empty",
        kind="numeric",
        status=FeatureStatus.TOO_FEW,
        measured=measured(psi=math.nan, rows=0),
    )
    report = _report(
        nan_psi,
        schema=(
            SchemaChange(
                column="x",
                change="added",
                reference_type=None,
                current_type="float",
                breaking=False,
            ),
        ),
        mismatches=(Mismatch(feature="a", compared=10, differing=1, examples=("7",)),),
        key="id",
        max_mismatch=0.0,
    )
    text = json.dumps(report.to_dict(), allow_nan=False)
    again = DriftReport.from_dict(json.loads(text))
    assert again.to_dict() == report.to_dict()
    assert math.isnan(again.features[0].measured.psi)  # type: ignore[union-attr]
