"""MLflow's and the object store's failures, as mlgate's errors: a missing thing is
NotFound (the caller decides), a refused permission AccessDenied naming the permission and
the model, a malformed request InputError (exit 2), anything else after MLflow's bounded
retries ServiceError (exit 3). Messages carry the registry's URI without credentials.

MLflow's SQL stores write a tag by reading, then inserting or updating: two jobs writing one
new key at the same moment both insert, and the registry answers the later one with a
unique-key violation (a run's first dataset input races the same way). These writes are
idempotent, so ``settled`` retries them; the retry finds the row and updates it."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from mlgate.adapters import object_store
from mlgate.core.refs import first_line
from mlgate.errors import InputError, ServiceError

_NOT_FOUND = {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}
_BAD_INPUT = {"INVALID_PARAMETER_VALUE", "BAD_REQUEST", "INVALID_STATE", "RESOURCE_ALREADY_EXISTS"}
# How SQLAlchemy's IntegrityError reads from PostgreSQL, SQLite and MySQL behind MLflow.
_CONFLICT = ("duplicate key", "unique constraint", "duplicate entry", "integrityerror")
CONFLICT_ATTEMPTS = 4
T = TypeVar("T")


class NotFound(Exception):
    """Internal: the registry answered that the thing does not exist."""


class AccessDenied(ServiceError):
    """The registry refused this identity (exit 3, not retried): the message names the
    permission and the model, never the password."""


@contextmanager
def translated(where: str, what: str, *, needs: str | None = None) -> Iterator[None]:
    """Around one call to ``where`` (a redacted URI) doing ``what``; ``needs`` names the
    permission the call takes (``EDIT on registered model 'churn'``)."""
    from mlflow.exceptions import MlflowException

    try:
        yield
    except MlflowException as exc:
        if object_store.is_store_error(exc):  # MLflow wraps some S3 failures
            raise ServiceError(object_store.describe(exc, what)) from None
        code = str(getattr(exc, "error_code", ""))
        message = first_line(exc.message if hasattr(exc, "message") else str(exc), limit=600)
        if code in _NOT_FOUND:
            raise NotFound(message) from None
        if is_conflict(exc):
            raise ServiceError(
                f"registry {where}: {what}: other jobs kept writing the same record at the same "
                "moment; rerun, and serialise the jobs with concurrency: / resource_group:"
            ) from None
        if code == "PERMISSION_DENIED":
            raise AccessDenied(denied(where, what, needs)) from None
        if code == "UNAUTHENTICATED":
            raise AccessDenied(
                f"registry {where}: {what}: the registry refused the credentials; check "
                f"{_credentials()}"
            ) from None
        if code in _BAD_INPUT:
            raise InputError(f"registry {where}: {what}: {message}") from None
        raise ServiceError(f"registry {where}: {what} failed after retries: {message}") from None
    except (OSError, ConnectionError) as exc:
        if object_store.is_store_error(exc):  # botocore's timeouts are OSErrors
            raise ServiceError(object_store.describe(exc, what)) from None
        raise ServiceError(
            f"registry {where}: {what} failed: {first_line(exc, limit=600)}"
        ) from None
    except Exception as exc:
        if not object_store.is_store_error(exc):
            raise
        raise ServiceError(object_store.describe(exc, what)) from None


def settled(write: Callable[[], T]) -> T:
    """``write()`` (an idempotent write: a tag, a dataset input), again after a short random
    pause while the registry answers that another job's write of the same row came first."""
    from mlflow.exceptions import MlflowException

    for attempt in range(1, CONFLICT_ATTEMPTS):
        try:
            return write()
        except MlflowException as exc:
            if not is_conflict(exc):
                raise
        time.sleep(random.uniform(0.05, 0.2) * attempt)
    return write()


def is_conflict(exc: Exception) -> bool:
    """The registry's answer to a write that raced another job's insert of the same row
    (not "already exists": a create's loser is told that, and the caller decides)."""
    if str(getattr(exc, "error_code", "")) == "RESOURCE_ALREADY_EXISTS":
        return False
    text = str(getattr(exc, "message", exc)).lower()
    return any(marker in text for marker in _CONFLICT)


def on_model(level: str, model: str) -> str:
    """The permission a call needs on a registered model, as a refusal names it."""
    return f"{level} on registered model {model!r}"


def on_run(level: str, run_id: str) -> str:
    return f"{level} on the experiment of run {run_id}"


def denied(where: str, what: str, needs: str | None) -> str:
    """The one line for a permission the CI identity lacks: who, what, and what to grant."""
    user = os.environ.get("MLFLOW_TRACKING_USERNAME")
    if user:
        who = f"MLflow user {user!r}"
    elif os.environ.get("MLFLOW_TRACKING_TOKEN"):
        who = "the identity of MLFLOW_TRACKING_TOKEN"
    else:
        who = "this identity"
    wanted = f"{who} needs {needs}" if needs else f"{who} lacks the permission for it"
    return (
        f"registry {where}: {what}: permission denied — {wanted}; ask an MLflow admin to "
        "grant it (the minimum permissions: docs/registries.md)"
    )


def _credentials() -> str:
    """Which variables hold the credentials the registry refused (never their values)."""
    if os.environ.get("MLFLOW_TRACKING_TOKEN") and not os.environ.get("MLFLOW_TRACKING_USERNAME"):
        return "MLFLOW_TRACKING_TOKEN"
    return "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN)"
