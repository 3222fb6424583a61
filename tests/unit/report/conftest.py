from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.config import load_config
from mlgate.core.compare import compare
from mlgate.core.verdict import Verdict
from mlgate.metrics_file import load_metric_set

QUICKSTART = Path(__file__).resolve().parents[3] / "examples" / "quickstart"
SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots"


def quickstart_verdict(candidate: str, *, baseline: bool = True) -> Verdict:
    config = load_config(QUICKSTART / "mlgate.yml")
    return compare(
        candidate=load_metric_set(QUICKSTART / candidate, role="candidate"),
        baseline=load_metric_set(QUICKSTART / "production.json", role="baseline")
        if baseline
        else None,
        policy=config.policy(),
        created_at="2026-11-27T00:00:00Z",
        mlgate_version="0.0.0-test",
    )


@pytest.fixture
def passing() -> Verdict:
    return quickstart_verdict("candidate.json")


@pytest.fixture
def failing() -> Verdict:
    return quickstart_verdict("candidate-regressed.json")


@pytest.fixture
def first_model() -> Verdict:
    return quickstart_verdict("candidate.json", baseline=False)


@pytest.fixture
def snapshot() -> Callable[[str, str], None]:
    return assert_snapshot


def assert_snapshot(name: str, text: str) -> None:
    """Compare with tests/snapshots/NAME; MLGATE_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    if os.environ.get("MLGATE_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no snapshot {path}; run with MLGATE_UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} changed; if intended, update the snapshot"
    )
