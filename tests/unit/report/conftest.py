from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.core.compare import compare
from mlgate.core.model_tests import ModelTest, ModelTests, Outcome
from mlgate.core.verdict import Identity, Verdict
from mlgate.files.config import load_config
from mlgate.files.metrics import load_metric_set

QUICKSTART = Path(__file__).resolve().parents[3] / "examples" / "quickstart"
SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots"


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


def model_test_results(failures: int = 1) -> ModelTests:
    """Results as the plugin writes them: critical and non-critical failures with
    messages from mlgate.testing, a skip, passes; names and messages from the PR."""
    failing = [
        ModelTest(
            nodeid=f"tests/test_model.py::test_golden_set[{i}]",
            outcome=Outcome.FAILED,
            critical=True,
            tags=("golden",),
            message="no regression on the golden set: the candidate gets 7 of the 412 "
            "examples production gets right wrong (1.7%; allowed 0); row 3 (label 1): "
            "production 1, candidate 0",
        )
        for i in range(failures)
    ]
    return ModelTests(
        tests=(
            *failing,
            ModelTest(
                nodeid="tests/test_model.py::test_latency",
                outcome=Outcome.FAILED,
                critical=False,
                tags=("budget",),
                message="latency: p95 41.2 ms is over the budget of 30 ms (p50 12.1 ms)",
            ),
            ModelTest(
                nodeid="tests/test_model.py::test_gpu",
                outcome=Outcome.SKIPPED,
                message="no GPU <b>here</b>",
            ),
            ModelTest(nodeid="tests/test_model.py::test_invariance", outcome=Outcome.PASSED),
            ModelTest(nodeid="tests/test_model.py::test_cases", outcome=Outcome.PASSED),
        ),
        candidate_uri="runs:/9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f40/model",
        candidate_run_id="9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f40",
    )


@pytest.fixture
def results_with() -> Callable[[int], ModelTests]:
    """model_test_results, for tests that need another number of failures."""
    return model_test_results


@pytest.fixture
def with_tests() -> Verdict:
    config = load_config(QUICKSTART / "mlgate.yml")
    return compare(
        candidate=load_metric_set(QUICKSTART / "candidate.json", role="candidate"),
        baseline=load_metric_set(QUICKSTART / "production.json", role="baseline"),
        policy=config.policy(),
        tests=model_test_results(),
        created_at="2026-11-27T00:00:00Z",
        mlgate_version="0.0.0-test",
    )


PREDICTIONS = QUICKSTART.parent / "predictions"


@pytest.fixture
def with_intervals() -> Verdict:
    """examples/predictions: metrics with paired intervals, a slice regression."""
    import dataclasses

    from mlgate.evaluate.compare import compare_files

    verdict = compare_files(
        candidate=None,
        baseline=None,
        config=load_config(PREDICTIONS / "mlgate.yml"),
        candidate_predictions=PREDICTIONS / "candidate.csv",
        baseline_predictions=PREDICTIONS / "production.csv",
    )
    return dataclasses.replace(
        verdict,
        candidate=Identity(label="candidate.csv"),
        baseline=Identity(label="production.csv"),
        mlgate_version="0.0.0-test",
        created_at=None,
    )
