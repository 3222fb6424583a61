"""What sampling noise alone makes of a drift measure: two samples of one distribution are
never identical, and their PSI, KS D and Jensen–Shannon distance are positive by chance —
more so the smaller the samples. A feature's distance counts as drift only past these
floors (core/drift.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from mlgate.core.numbers import encode_number

if TYPE_CHECKING:
    from mlgate.core.drift import Measured


@dataclass(frozen=True, kw_only=True)
class NoiseFloors:
    """What sampling noise alone reaches 1% of the time at one feature's sample sizes."""

    psi: float
    distance: float  # KS D (numbers) or the Jensen–Shannon distance (categories)

    def to_dict(self) -> dict[str, Any]:
        return {"psi": encode_number(self.psi), "distance": encode_number(self.distance)}


FLOOR_LEVEL = 0.99  # a floor is the 99th percentile of the measure under no change


def noise_floors(kind: str, measured: Measured) -> NoiseFloors:
    """The noise floors of PSI and of the distance for samples of these sizes.

    Two samples of n and m values from one distribution, over k cells, give
    PSI ≈ (1/n + 1/m)·χ²(k−1) and a Jensen–Shannon divergence ≈ PSI/8 (in nats; the
    distance is its square root in bits); KS D's quantile is Kolmogorov's
    c(α)·√(1/n + 1/m), c(α) = √(−ln(α/2)/2)."""
    n, m = measured.reference_rows, measured.current_rows
    if n <= 0 or m <= 0:
        return NoiseFloors(psi=math.inf, distance=math.inf)
    scale = 1 / n + 1 / m
    chi2 = chi2_quantile(FLOOR_LEVEL, max(measured.cells - 1, 1))
    psi_floor = scale * chi2
    if kind == "numeric":
        distance = math.sqrt(-math.log((1 - FLOOR_LEVEL) / 2) / 2) * math.sqrt(scale)
    else:
        distance = math.sqrt(psi_floor / 8 / math.log(2))
    return NoiseFloors(psi=psi_floor, distance=distance)


def chi2_quantile(level: float, dof: int) -> float:
    """The ``level`` quantile of χ²(dof), by Wilson and Hilferty's cube-root normal
    approximation (within 0.5% from 2 degrees of freedom on)."""
    z = NormalDist().inv_cdf(level)
    h = 2 / (9 * dof)
    return dof * max(1 - h + z * math.sqrt(h), 0.0) ** 3
