"""MLflow's and the object store's failures, as mlgate's errors: a missing thing is
NotFound (the caller decides), a refused permission AccessDenied naming the permission and
the model, a malformed request InputError (exit 2), anything else after MLflow's bounded
retries ServiceError (exit 3). Messages carry the registry's URI without credentials."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from mlgate.adapters import object_store
from mlgate.core.refs import redact
from mlgate.errors import InputError, ServiceError

_NOT_FOUND = {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}
_BAD_INPUT = {"INVALID_PARAMETER_VALUE", "BAD_REQUEST", "INVALID_STATE", "RESOURCE_ALREADY_EXISTS"}


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
        message = first_line(exc.message if hasattr(exc, "message") else str(exc))
        if code in _NOT_FOUND:
            raise NotFound(message) from None
        if code == "PERMISSION_DENIED":
            raise AccessDenied(denied(where, what, needs)) from None
        if code == "UNAUTHENTICATED":
            raise AccessDenied(
                f"registry {where}: {what}: the registry refused the credentials; check "
                "MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD "
                "(or MLFLOW_TRACKING_TOKEN)"
            ) from None
        if code in _BAD_INPUT:
            raise InputError(f"registry {where}: {what}: {message}") from None
        raise ServiceError(f"registry {where}: {what} failed after retries: {message}") from None
    except (OSError, ConnectionError) as exc:
        if object_store.is_store_error(exc):  # botocore's timeouts are OSErrors
            raise ServiceError(object_store.describe(exc, what)) from None
        raise ServiceError(f"registry {where}: {what} failed: {first_line(str(exc))}") from None
    except Exception as exc:
        if not object_store.is_store_error(exc):
            raise
        raise ServiceError(object_store.describe(exc, what)) from None


def on_model(level: str, model: str) -> str:
    """The permission a call needs on a registered model, as a refusal names it."""
    return f"{level} on registered model {model!r}"


def on_run(level: str, run_id: str) -> str:
    return f"{level} on the experiment of run {run_id}"


def denied(where: str, what: str, needs: str | None) -> str:
    """The one line for a permission the CI identity lacks: who, what, and what to grant."""
    user = os.environ.get("MLFLOW_TRACKING_USERNAME")
    who = f"MLflow user {user!r}" if user else "this identity"
    wanted = f"{who} needs {needs}" if needs else f"{who} lacks the permission for it"
    return (
        f"registry {where}: {what}: permission denied — {wanted}; ask an MLflow admin to "
        "grant it (the minimum permissions: docs/registries.md)"
    )


def first_line(text: str) -> str:
    """An error's first line, credentials removed, at most 600 characters."""
    line = text.strip().splitlines()[0] if text.strip() else "(no message)"
    return redact(line)[:600]
