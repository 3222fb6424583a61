"""The object store's errors and bounds (adapters/object_store.py) — without a network."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from mlgate.adapters import object_store


def test_botocore_errors_and_errors_wrapping_them_are_the_stores() -> None:
    timeout = ReadTimeoutError(endpoint_url="http://127.0.0.1:9000/bucket/key")
    assert object_store.is_store_error(timeout)
    try:
        try:
            raise timeout
        except ReadTimeoutError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert object_store.is_store_error(outer)
    assert not object_store.is_store_error(ValueError("a model's own bug"))
    assert not object_store.is_store_error(OSError("disk full"))


def test_a_store_error_is_one_line_naming_the_store_and_the_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_S3_ENDPOINT_URL", "http://minio:9000")
    error = ClientError({"Error": {"Code": "InternalError", "Message": "try\nagain"}}, "PutObject")
    line = object_store.describe(error, "logging verdict.json to run abc")
    assert line.startswith("object store http://minio:9000: logging verdict.json to run abc failed")
    assert "\n" not in line and "InternalError" in line


def test_the_default_session_gets_the_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "7")
    monkeypatch.delenv("AWS_MAX_ATTEMPTS", raising=False)
    monkeypatch.delenv("AWS_RETRY_MODE", raising=False)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    object_store.bound.cache_clear()
    try:
        object_store.bound()
        client = boto3.client(
            "s3", endpoint_url="http://127.0.0.1:9", region_name="us-east-1",
            aws_access_key_id="k", aws_secret_access_key="s",
        )  # fmt: skip
        config = client.meta.config
        assert (config.read_timeout, config.connect_timeout) == (7.0, 10.0)
        assert config.retries["total_max_attempts"] == object_store.ATTEMPTS
    finally:
        object_store.bound.cache_clear()
        boto3.DEFAULT_SESSION = None
