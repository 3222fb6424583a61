"""One side of a comparison: a model's metrics, parameters and signature."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlgate.core.verdict import Identity


@dataclass(frozen=True, kw_only=True)
class MetricSet:
    identity: Identity
    metrics: Mapping[str, float]
    params: Mapping[str, str] = field(default_factory=dict)
    signature: Mapping[str, Any] | None = None
    # Logged metrics that per-example predictions also give: name → (logged, computed).
    # The computed value decides; a disagreement is reported.
    recomputed: Mapping[str, tuple[float, float]] = field(default_factory=dict)
