"""The commands' work, wiring file readers and adapters to the pure core."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from mlgate import __version__
from mlgate.config import Config
from mlgate.core.compare import compare
from mlgate.core.verdict import Verdict
from mlgate.errors import UsageError
from mlgate.metrics_file import load_metric_set


def compare_files(
    *, candidate: Path, baseline: Path | None, config: Config, model: str | None = None
) -> Verdict:
    """Compare two metrics files under ``config``; ``baseline`` None means no production model."""
    if baseline is not None and candidate.resolve() == baseline.resolve():
        raise UsageError(f"{candidate}: the candidate and the baseline are the same file")
    candidate_set = load_metric_set(candidate, role="candidate")
    baseline_set = load_metric_set(baseline, role="baseline") if baseline is not None else None
    policy = config.policy()
    if model:
        policy = replace(policy, model=model)
    return compare(
        candidate=candidate_set,
        baseline=baseline_set,
        policy=policy,
        created_at=now_utc(),
        mlgate_version=__version__,
    )


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
