"""Drift judged across a report's features at once, so that a scheduled run over many
features does not cry wolf: each feature's test is counted at its Holm-adjusted p-value
(the familywise error rate stays at ``drift.alpha`` however many features there are),
and a distance counts only past the noise floor at its sample sizes (core/drift.py).

Holm rather than Benjamini–Hochberg: a drift alarm opens an issue and may start a
retraining, so the promise is about *any* false alarm in a run, not their share among
alarms; with one real shift among many features both give the same power."""

from __future__ import annotations

import math
from collections.abc import Iterable

from mlgate.core.drift import FeatureDrift, FeatureStatus, judge_feature, ordered
from mlgate.core.drift_settings import DriftSettings
from mlgate.core.multiplicity import holm


def decided(
    features: Iterable[FeatureDrift], *, settings: DriftSettings
) -> tuple[FeatureDrift, ...]:
    """The features judged again as one family (those compared with a test: not skipped,
    not too few values, not schema breaks), drifted first."""
    features = list(features)
    family = [
        i
        for i, f in enumerate(features)
        if f.measured is not None and f.status in (FeatureStatus.OK, FeatureStatus.DRIFT)
    ]
    adjusted = holm([_p(features[i]) for i in family])
    for i, p in zip(family, adjusted, strict=True):
        feature = features[i]
        assert feature.measured is not None
        features[i] = judge_feature(
            feature.name,
            feature.kind,
            feature.measured,
            settings=settings,
            p_adjusted=p,
            family=len(family),
        )
    return ordered(features)


def _p(feature: FeatureDrift) -> float:
    assert feature.measured is not None
    p = feature.measured.p_value
    return 1.0 if math.isnan(p) else p  # a NaN test (an empty side) counts as no evidence
