"""What both sources of canary traffic hand to the decision: the measurements by rule, the
traffic per variant and how the numbers were made; and the outputs' drift as a
measurement decided by its test rather than an interval."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlgate.core.canary import Decision, Measurement, Traffic
from mlgate.core.drift import FeatureDrift, FeatureStatus


@dataclass(frozen=True, kw_only=True)
class Measured:
    measurements: dict[str, Measurement]
    traffic: dict[str, Traffic] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def output_measurement(name: str, feature: FeatureDrift) -> Measurement:
    """The canary's outputs against the stable's, judged as ``monitor`` judges output
    drift: drifted (PSI past its threshold and the test rejects) fails, not drifted on
    enough rows passes, too few rows is inconclusive."""
    m = feature.measured
    n_stable, n_canary = (m.reference_rows, m.current_rows) if m else (0, 0)
    if m is None or feature.status is FeatureStatus.TOO_FEW:
        why = "; ".join(feature.reasons) or "the outputs could not be compared"
        return Measurement(
            name=name, missing=f"outputs not compared: {why}", n_stable=n_stable, n_canary=n_canary
        )
    test = "chi-squared" if m.test == "chi2" else "KS"
    numbers = f"PSI {m.psi:.3g}, {test} p {m.p_value:.3g}"
    method = f"PSI and {test}, as monitor judges output drift"
    if feature.status is FeatureStatus.DRIFT:
        why = "; ".join(feature.reasons)
        decided = (Decision.FAIL, f"the canary's outputs drifted from the stable's ({why})")
    else:
        decided = (Decision.PASS, f"the canary's outputs match the stable's ({numbers})")
    return Measurement(
        name=name,
        canary=m.psi,
        decided=decided,
        method=method,
        n_stable=n_stable,
        n_canary=n_canary,
    )
