"""The module the ``pytest11`` entry point ``mlgate`` names (and ``-p mlgate.pytest_plugin``
loads). The plugin lives with the rest of the model tests in mlgate/testing/plugin.py; its
hooks and fixtures are registered from here."""

from __future__ import annotations

from mlgate.testing.plugin import (
    baseline_model,
    candidate_model,
    eval_data,
    pytest_addoption,
    pytest_configure,
    pytest_unconfigure,
)

__all__ = [
    "baseline_model",
    "candidate_model",
    "eval_data",
    "pytest_addoption",
    "pytest_configure",
    "pytest_unconfigure",
]
