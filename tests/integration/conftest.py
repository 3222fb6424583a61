"""Fixtures of the integration tests: the session's real MLflow server, and a local
MLflow store with real scikit-learn models for the model tests."""

from pathlib import Path

import pytest
from mlflow_service import mlflow_server, model_name
from model_store import ModelStore, build_store

__all__ = ["mlflow_server", "model_name"]


@pytest.fixture(scope="session")
def model_store(tmp_path_factory: pytest.TempPathFactory) -> ModelStore:
    return build_store(Path(tmp_path_factory.mktemp("model-store")))
