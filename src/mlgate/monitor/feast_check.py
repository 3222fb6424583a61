"""``mlgate skew --feast`` and the Feast part of ``monitor`` and ``evaluate``: which of the
two feature-store checks runs, on what (docs/feature-store.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.core.drift import DriftReport
from mlgate.errors import UsageError
from mlgate.files.config import Config


def feast_report(
    *,
    config: Config,
    repo: str | Path | None,
    entities: str | Path | None = None,
    training: str | Path | None = None,
    model: str | None = None,
    label: str | None = None,
) -> DriftReport:
    """The training table's point-in-time check when ``training`` is given, else the
    online store against the offline store for the entities' keys (default: the views'
    sources)."""
    folder = repo or config.skew.feast.repo
    if folder is None:
        raise UsageError("give the feature repository: --feast REPO or skew.feast.repo")
    common: dict[str, Any] = {
        "repo": Path(folder),
        "skew": config.skew,
        "significance": config.significance,
        "model": model or config.model,
    }
    if training is not None:
        from mlgate.monitor.feast_training import training_consistency

        return training_consistency(training=Path(training), label=label, **common)
    from mlgate.monitor.feast_online import online_consistency

    chosen = entities or config.skew.feast.entities
    return online_consistency(entities=Path(chosen) if chosen else None, **common)
