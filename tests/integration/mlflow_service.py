"""A real `mlflow server` for the whole test session (integration and e2e tests import
these fixtures into their conftest.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from registry_helpers import free_port

START_TIMEOUT_S = 120


# Webhooks to loopback (the relay's tests): MLflow allows only
# https and public addresses unless told otherwise, and stores webhook secrets encrypted.
WEBHOOK_ENV = {
    "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY": "bWxnYXRlLXRlc3Qta2V5LW9mLTMyLWJ5dGVzLWxvbmc=",
    "MLFLOW_WEBHOOK_ALLOWED_SCHEMES": "http,https",
    "MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS": "true",
    "MLFLOW_WEBHOOK_CACHE_TTL": "1",
    "MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES": "3",
}


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """http://127.0.0.1:PORT of a real MLflow tracking server with a model registry, which
    also delivers webhooks to loopback (for the relay's tests; nothing else registers one)."""
    with running_mlflow_server(tmp_path_factory.mktemp("mlflow-server"), WEBHOOK_ENV) as url:
        yield url


@contextmanager
def running_mlflow_server(root: Path, extra_env: Mapping[str, str] = {}) -> Iterator[str]:
    """An ``mlflow server`` on a sqlite store in ``root``, stopped on exit."""
    port = free_port()
    env = {
        **os.environ,
        **extra_env,
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        "CI": "true",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "true",
    }
    command = [
        str(Path(sys.executable).parent / "mlflow"),
        "server",
        "--backend-store-uri",
        f"sqlite:///{root / 'mlflow.db'}",
        "--artifacts-destination",
        str(root / "artifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    log = (root / "server.log").open("wb")
    # Its own process group: stopping only the parent would leave workers running.
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, root / "server.log")
        yield url
    finally:
        _stop(process)
        log.close()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"mlflow server exited ({process.returncode}):\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(
        f"mlflow server not healthy after {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


@pytest.fixture
def model_name() -> str:
    """A registered-model name no other test uses (the server is shared)."""
    return f"churn-{uuid.uuid4().hex[:8]}"
