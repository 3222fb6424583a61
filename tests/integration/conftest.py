"""Fixtures of the integration tests: the session's real MLflow server."""

from mlflow_service import mlflow_server, model_name

__all__ = ["mlflow_server", "model_name"]
