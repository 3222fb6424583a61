"""The ``drift:`` and ``skew:`` sections of mlgate.yml as settings (``skew.feast:`` with its
durations); the document is already validated against the schema, these add what a schema
cannot say, naming the line and the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.core.drift_settings import (
    DriftSettings,
    FeastSettings,
    SkewSettings,
    Thresholds,
    duration_seconds,
)
from mlgate.core.sources import relative_to
from mlgate.errors import ConfigError
from mlgate.files.documents import Document

_THRESHOLD_KEYS = ("psi", "ks", "js", "fail")


def drift_settings(section: dict[str, Any], *, base_dir: Path) -> DriftSettings:
    default = Thresholds(**{k: section[k] for k in _THRESHOLD_KEYS if k in section})
    features = {
        name: Thresholds(
            **{
                **{k: getattr(default, k) for k in _THRESHOLD_KEYS},
                **{k: spec[k] for k in (*_THRESHOLD_KEYS, "ignore", "categorical") if k in spec},
            }
        )
        for name, spec in section.get("features", {}).items()
    }
    for name in section.get("ignore", ()):
        features[name] = Thresholds(ignore=True)
    paths = {
        k: relative_to(str(base_dir), str(section[k]))
        for k in ("data", "reference")
        if k in section
    }
    return DriftSettings(
        default=default,
        features=features,
        alpha=float(section.get("alpha", 0.05)),
        min_rows=int(section.get("min_rows", 100)),
        bins=0 if section.get("bins") == "sturges" else int(section.get("bins", 10)),
        binning=section.get("binning", "quantile"),
        max_features=int(section.get("max_features", 0)),
        reference_rows=int(section.get("reference_rows", 50_000)),
        seed=int(section.get("seed", 0)),
        memory_mb=int(section.get("memory_mb", 1024)),
        engine=str(section.get("engine", "local")),
        max_categories=int(section.get("max_categories", 10_000)),
        **paths,
    )


def skew_settings(document: Document, section: dict[str, Any], *, base_dir: Path) -> SkewSettings:
    return SkewSettings(
        key=section.get("key"),
        tolerance=float(section.get("tolerance", 1e-6)),
        max_mismatch=float(section.get("max_mismatch", 0.0)),
        fail=bool(section.get("fail", False)),
        feast=_feast(document, section.get("feast") or {}, base_dir=base_dir),
    )


def _feast(document: Document, section: dict[str, Any], *, base_dir: Path) -> FeastSettings:
    """``skew.feast:``; paths against mlgate.yml's folder, max_lag as seconds."""
    features = section.get("features")
    try:
        max_lag = duration_seconds(section.get("max_lag", 0))
    except ValueError:
        raise document.error(
            ("skew", "feast", "max_lag"),
            f"{section['max_lag']!r} is not a duration: give seconds or 30s, 15m, 2h, 1d",
            ConfigError,
        ) from None
    training = section.get("training", False)
    return FeastSettings(
        repo=str(base_dir / section["repo"]) if section.get("repo") else None,
        features=tuple(features) if isinstance(features, list) else (),
        service=features["service"] if isinstance(features, dict) else None,
        entities=str(base_dir / section["entities"]) if section.get("entities") else None,
        timestamp=str(section.get("timestamp", "event_timestamp")),
        sample=float(section.get("sample", 10_000)),
        max_lag=max_lag,
        training=str(base_dir / training) if isinstance(training, str) else bool(training),
        show_keys=bool(section.get("show_keys", True)),
        fail_leakage=bool(section.get("fail_leakage", True)),
    )
