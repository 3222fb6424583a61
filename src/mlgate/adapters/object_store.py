"""The object store MLflow keeps artifacts in, when a client reaches it directly (S3 or an
S3-compatible store, a server started with ``--no-serve-artifacts``).

MLflow builds its S3 client from boto3's default session with no timeouts or retry policy of
its own, so botocore's defaults apply: 60 s per socket read, and retries as the environment
says. mlgate bounds both once per process, before MLflow makes a client: 4 attempts in
botocore's ``standard`` mode (exponential backoff with jitter) unless ``AWS_MAX_ATTEMPTS`` or
``AWS_RETRY_MODE`` say otherwise, a 10 s connect timeout and a read timeout of
``MLFLOW_HTTP_REQUEST_TIMEOUT`` seconds (30 unless set), the tracking client's own bound.
What still fails becomes one line naming the store and the step (exit 3).
"""

from __future__ import annotations

import functools
import importlib.util
import os

from mlgate.core.refs import redact

ATTEMPTS = 4
CONNECT_TIMEOUT_S = 10.0
_STORE_MODULES = ("botocore", "boto3", "s3transfer")


@functools.cache
def bound() -> None:
    """Give boto3's default session mlgate's retry and timeout bounds (once; only when the
    ``s3`` extra is installed — without boto3 MLflow cannot reach S3 at all)."""
    if importlib.util.find_spec("boto3") is None:
        return
    import boto3
    import botocore.session
    from botocore.config import Config

    settings: dict[str, object] = {
        "connect_timeout": CONNECT_TIMEOUT_S,
        "read_timeout": _read_timeout(),
    }
    if not (os.environ.get("AWS_MAX_ATTEMPTS") or os.environ.get("AWS_RETRY_MODE")):
        settings["retries"] = {"mode": "standard", "total_max_attempts": ATTEMPTS}
    session = botocore.session.get_session()
    session.set_default_client_config(Config(**settings))
    boto3.setup_default_session(botocore_session=session)


def _read_timeout() -> float:
    try:
        value = float(os.environ.get("MLFLOW_HTTP_REQUEST_TIMEOUT") or 30)
    except ValueError:
        return 30.0
    return value if value > 0 else 30.0


def is_store_error(exc: BaseException) -> bool:
    """An error raised by the S3 client (boto3, botocore, s3transfer), or wrapping one."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if type(seen).__module__.split(".")[0] in _STORE_MODULES:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def describe(exc: BaseException, what: str) -> str:
    """One line: which store, which step, what it answered."""
    where = os.environ.get("MLFLOW_S3_ENDPOINT_URL") or "S3"
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = redact(text)[:400]
    return f"object store {where}: {what} failed after retries: {text}"
