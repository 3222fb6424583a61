"""The ``drift:`` and ``skew:`` sections of mlgate.yml as frozen settings: thresholds for
every feature or one, and how rows are matched for skew by key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    psi: float = 0.2
    ks: float = 0.1
    js: float = 0.1
    fail: bool = False
    ignore: bool = False
    categorical: bool | None = None  # None: by the column's type


@dataclass(frozen=True, kw_only=True)
class DriftSettings:
    """The ``drift:`` section. ``features`` overrides thresholds for single columns."""

    default: Thresholds = field(default_factory=Thresholds)
    features: dict[str, Thresholds] = field(default_factory=dict)
    alpha: float = 0.05
    min_rows: int = 100
    bins: int = 10  # 0: Sturges' rule (uniform binning)
    binning: str = "quantile"  # or "uniform" (equal width over both samples)
    max_features: int = 0  # 0: no limit; a guard for very wide tables
    data: str | None = None  # the data the gate compares with production's reference
    reference: str | None = None  # the data `mlgate promote` stores with the version
    reference_rows: int = 50_000
    seed: int = 0
    memory_mb: int = 1024  # past this, tables stream (files/streaming.py)
    engine: str = "local"  # or "spark" (adapters/spark.py)
    max_categories: int = 10_000  # Spark: past this, a feature's top categories and "other"

    def for_feature(self, name: str) -> Thresholds:
        return self.features.get(name, self.default)

    def summary(self) -> dict[str, Any]:
        return {
            "psi": self.default.psi,
            "ks": self.default.ks,
            "js": self.default.js,
            "alpha": self.alpha,
            "min_rows": self.min_rows,
            "bins": self.bins or "sturges",
            "binning": self.binning,
        }


@dataclass(frozen=True, kw_only=True)
class FeastSettings:
    """``skew.feast:``: a Feast repository's online store against its offline store, and
    a training table against the offline store's point-in-time values (docs/feature-store.md)."""

    repo: str | None = None  # the folder with feature_store.yaml
    features: tuple[str, ...] = ()  # view:feature names; none: every feature of the views
    service: str | None = None  # a feature service instead of names
    entities: str | None = None  # an entity file (default: the views' sources)
    timestamp: str = "event_timestamp"  # the entity/training table's time column
    sample: float = 10_000  # ≤ 1: a key-hash rate; > 1: that many keys
    max_lag: float = 0.0  # seconds of materialization lag that are expected
    training: bool | str = False  # True: the candidate run's dataset; a str: a file
    show_keys: bool = True
    fail_leakage: bool = True

    @property
    def selection(self) -> tuple[str, ...] | str | None:
        """What FeastStore.views takes: a service's name, feature names, or None (all)."""
        return self.service or self.features or None


@dataclass(frozen=True, kw_only=True)
class SkewSettings:
    """The ``skew:`` section: matching rows by ``key`` and how much may differ."""

    key: str | None = None
    tolerance: float = 1e-6  # relative, for numbers
    max_mismatch: float = 0.0
    fail: bool = False
    feast: FeastSettings = field(default_factory=FeastSettings)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration_seconds(text: str | float) -> float:
    """``90``, ``90s``, ``15m``, ``2h``, ``1d``, ``1w`` as seconds (ValueError otherwise)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        raw = str(text).strip()
        unit = _UNITS.get(raw[-1:], 0)
        value = float(raw[:-1] if unit else raw) * (unit or 1)
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"not a duration: {text!r}")
    return value
