from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"

# MLflow's usage telemetry stays off in the suite and in every process it starts: its client
# thread sets and unsets a variable in os.environ while other threads iterate it (requests
# reading proxy settings), which fails a test at random with KeyError
# '_MLFLOW_TELEMETRY_SESSION_ID' — and nothing here may reach outside loopback anyway.
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"


@pytest.fixture
def quickstart() -> Path:
    return QUICKSTART


# What the model-tests plugin reads from the environment.
PLUGIN_VARIABLES = (
    "MLGATE_CANDIDATE",
    "MLGATE_TEST_BASELINE",
    "MLGATE_MODEL",
    "MLGATE_TEST_DATA",
    "MLGATE_MODEL_TESTS",
    "MLGATE_BASELINE_ALIAS",
    "GITHUB_ACTIONS",
)


@pytest.fixture
def plugin_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No MLGATE_* variable (or GITHUB_ACTIONS) leaks into a pytester session."""
    for name in PLUGIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# pytester runs pytest sessions in-process: how mlgate's plugin is tested.
pytest_plugins = ["pytester"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The end-to-end and slow tests first: under pytest-xdist (`make test`) they then start
    at once on different workers instead of queueing behind one another at the end. The
    order is otherwise pytest's, and the same on every worker."""

    def rank(item: pytest.Item) -> int:
        if item.get_closest_marker("production") or item.get_closest_marker("spark"):
            return 0  # one worker runs the whole group, after its servers (or JVM) start
        if item.get_closest_marker("e2e"):
            return 0
        return 1 if item.get_closest_marker("slow") else 2

    items.sort(key=rank)
