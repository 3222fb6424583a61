"""Fixtures of the end-to-end tests: the session's real MLflow server, and the copy of this
checkout the action and the templates install mlgate from."""

from pathlib import Path

import pytest
from e2e_helpers import copy_checkout
from mlflow_service import mlflow_server, model_name

__all__ = ["mlflow_server", "model_name"]


@pytest.fixture(scope="session")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's files, as `uses: mlgate/mlgate@v1` and MLGATE_PACKAGE see them."""
    return copy_checkout(tmp_path_factory.mktemp("mlgate"))
