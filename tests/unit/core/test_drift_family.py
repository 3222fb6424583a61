"""The drift family: Holm across features, and the noise floors — checked against the
measures' own distributions under no change (simulated with the real measuring code)."""

from __future__ import annotations

import numpy as np
import pytest

from mlgate.core.drift import FeatureStatus, Measured, judge_feature
from mlgate.core.drift_family import decided
from mlgate.core.drift_settings import DriftSettings
from mlgate.core.noise import FLOOR_LEVEL, chi2_quantile, noise_floors
from mlgate.core.stats.feature_drift import measure_categorical, measure_numeric


def measured(p: float, *, distance: float = 0.3, psi: float = 0.5, rows: int = 1000) -> Measured:
    return Measured(
        psi=psi,
        distance=distance,
        p_value=p,
        test="ks",
        statistic=distance,
        reference_rows=rows,
        current_rows=rows,
        reference_missing=0.0,
        current_missing=0.0,
        reference_summary="",
        current_summary="",
        cells=10,
    )


@pytest.mark.parametrize(("dof", "exact"), [(1, 6.634897), (9, 21.665994), (49, 74.919242)])
def test_chi2_quantile_is_close_to_the_exact_one(dof: int, exact: float) -> None:
    assert chi2_quantile(0.99, dof) == pytest.approx(exact, rel=0.02)


def test_a_significant_feature_among_many_is_judged_at_its_adjusted_p() -> None:
    settings = DriftSettings()
    # p = 0.01 alone drifts; among 20 features Holm makes it 0.2: noise.
    alone = decided(
        [judge_feature("a", "numeric", measured(0.01), settings=settings)], settings=settings
    )
    assert alone[0].status is FeatureStatus.DRIFT
    many = [
        judge_feature(f"f{i}", "numeric", measured(0.01 if i == 0 else 0.9), settings=settings)
        for i in range(20)
    ]
    judged = {f.name: f for f in decided(many, settings=settings)}
    assert judged["f0"].status is FeatureStatus.OK
    assert judged["f0"].p_adjusted == pytest.approx(0.2)
    assert "Holm-adjusted across 20 features" in judged["f0"].reasons[-1]
    # A strong one still drifts, and says why.
    many[0] = judge_feature("f0", "numeric", measured(1e-6), settings=settings)
    judged = {f.name: f for f in decided(many, settings=settings)}
    assert judged["f0"].status is FeatureStatus.DRIFT


def test_a_distance_within_the_noise_floor_is_not_drift() -> None:
    settings = DriftSettings()  # ks 0.1
    small = measured(1e-9, distance=0.11, psi=0.05, rows=150)  # floor at 150/150 ≈ 0.19
    floors = noise_floors("numeric", small)
    assert floors.distance == pytest.approx(1.628 * (2 / 150) ** 0.5, rel=1e-3)
    feature = judge_feature("x", "numeric", small, settings=settings)
    assert feature.status is FeatureStatus.OK
    past = judge_feature(
        "x", "numeric", measured(1e-9, distance=0.25, psi=0.05, rows=150), settings=settings
    )
    assert past.status is FeatureStatus.DRIFT
    assert "noise floor at these sizes; threshold 0.1" in past.reasons[0]


@pytest.mark.parametrize(("n", "m"), [(750, 250), (200, 200)])
def test_the_floors_are_the_measures_quantiles_under_no_change(n: int, m: int) -> None:
    """Two samples of one distribution: PSI, KS D and the JS distance exceed their floors
    about 1% of the time (the floor's level), not 0% and not 10%."""
    rng = np.random.default_rng(7)
    trials = 600
    over = {"psi": 0, "ks": 0, "js": 0}
    for _ in range(trials):
        ref, cur = rng.normal(size=n), rng.normal(size=m)
        numeric = measure_numeric(ref.copy(), cur.copy(), bins=10, binning="quantile")
        floors = noise_floors("numeric", numeric)
        over["psi"] += numeric.psi > floors.psi
        over["ks"] += numeric.distance > floors.distance
        labels = np.array(["a", "b", "c", "d", "e"])
        codes = (rng.integers(0, 5, size=n), rng.integers(0, 5, size=m))
        categorical = measure_categorical((labels, codes[0]), (labels, codes[1]))
        over["js"] += categorical.distance > noise_floors("categorical", categorical).distance
    expected = 1 - FLOOR_LEVEL
    for name, count in over.items():
        # A floor set far too high would never be passed; one too low, often.
        assert 1 <= count <= trials * expected * 4, (name, count)
