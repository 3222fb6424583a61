"""MLflow's failures as mlgate's errors (adapters/registry_errors.py) — without a network:
real MlflowExceptions with the error codes a tracking server answers."""

from __future__ import annotations

import pytest
from mlflow.exceptions import MlflowException
from mlflow.protos import databricks_pb2

from mlgate.adapters import registry_errors
from mlgate.adapters.registry_errors import (
    CONFLICT_ATTEMPTS,
    AccessDenied,
    NotFound,
    denied,
    on_model,
    on_run,
    settled,
    translated,
)
from mlgate.errors import ExitCode, InputError, ServiceError

WHERE = "http://***@mlflow:5000"


def test_a_refusal_names_the_user_the_permission_and_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ci")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "hunter2-secret")
    line = denied("http://mlflow", "tagging churn version 3", on_model("EDIT", "churn"))
    assert "MLflow user 'ci' needs EDIT on registered model 'churn'" in line
    assert "hunter2" not in line and "docs/registries.md" in line
    assert "EDIT on the experiment of run r1" in denied("u", "tagging run r1", on_run("EDIT", "r1"))
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME")
    assert "this identity lacks the permission" in denied("u", "reading", None)
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "tok-123-secret")
    line = denied("u", "tagging", on_model("EDIT", "churn"))
    assert "the identity of MLFLOW_TRACKING_TOKEN needs EDIT" in line and "tok-123" not in line


@pytest.mark.parametrize(
    ("variables", "check"),
    [
        ({"MLFLOW_TRACKING_TOKEN": "tok-secret"}, "check MLFLOW_TRACKING_TOKEN"),
        (
            {"MLFLOW_TRACKING_USERNAME": "ci", "MLFLOW_TRACKING_TOKEN": "tok-secret"},
            "check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD",
        ),
    ],
)
def test_refused_credentials_name_the_variables_the_client_sent(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], check: str
) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME", raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(AccessDenied) as caught, translated(WHERE, "reading churn"):
        raise MlflowException("no", error_code=databricks_pb2.UNAUTHENTICATED)
    assert check in str(caught.value) and "tok-secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("code", "raised", "text"),
    [
        (databricks_pb2.RESOURCE_DOES_NOT_EXIST, NotFound, "no such model"),
        (
            databricks_pb2.PERMISSION_DENIED,
            AccessDenied,
            "tagging churn: permission denied — MLflow user 'ci' needs EDIT on registered "
            "model 'churn'",
        ),
        (databricks_pb2.UNAUTHENTICATED, AccessDenied, "the registry refused the credentials"),
        (databricks_pb2.INVALID_PARAMETER_VALUE, InputError, "tagging churn: no such model"),
        (databricks_pb2.INTERNAL_ERROR, ServiceError, "tagging churn failed after retries"),
    ],
)
def test_each_answer_becomes_its_error(
    monkeypatch: pytest.MonkeyPatch, code: int, raised: type[Exception], text: str
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ci")
    needs = on_model("EDIT", "churn")
    with pytest.raises(raised) as caught, translated(WHERE, "tagging churn", needs=needs):
        raise MlflowException("no such model\nsecond line", error_code=code)
    assert text in str(caught.value) and "second line" not in str(caught.value)
    if isinstance(caught.value, ServiceError):
        assert caught.value.exit_code == ExitCode.SERVICE
        assert str(caught.value).startswith(f"registry {WHERE}: ")


def test_a_connection_failure_is_a_service_error_without_credentials() -> None:
    refused = "reading churn failed: refused by http://\\*\\*\\*@h"
    with pytest.raises(ServiceError, match=refused), translated(WHERE, "reading churn"):
        raise ConnectionError("refused by http://ci:hunter2@h/api")


def test_a_bug_is_not_disguised_as_a_service_failure() -> None:
    with pytest.raises(KeyError), translated(WHERE, "reading churn"):
        raise KeyError("a bug in mlgate")


# What MLflow's SQL stores answer when two jobs insert one new tag at the same moment.
CONFLICTS = [
    '(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint "tag_pk"',
    "(sqlite3.IntegrityError) UNIQUE constraint failed: tags.key, tags.run_uuid",
    "(pymysql.err.IntegrityError) (1062, \"Duplicate entry 'mlgate.status-1' for key 'PRIMARY'\")",
]


@pytest.mark.parametrize("answer", CONFLICTS)
def test_a_write_that_raced_another_jobs_insert_is_written_again(
    monkeypatch: pytest.MonkeyPatch, answer: str
) -> None:
    pauses: list[float] = []
    monkeypatch.setattr(registry_errors.time, "sleep", pauses.append)
    calls = []

    def write() -> str:
        calls.append(1)
        if len(calls) < CONFLICT_ATTEMPTS:
            raise MlflowException(answer, error_code=databricks_pb2.BAD_REQUEST)
        return "written"

    assert settled(write) == "written"
    assert len(calls) == CONFLICT_ATTEMPTS and len(pauses) == CONFLICT_ATTEMPTS - 1
    assert all(0 < pause < 1 for pause in pauses)


def test_a_write_still_conflicting_is_a_service_error_and_other_answers_are_not_retried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry_errors.time, "sleep", lambda _: None)
    calls = []

    def conflicting() -> None:
        calls.append(1)
        raise MlflowException(CONFLICTS[0], error_code=databricks_pb2.BAD_REQUEST)

    with pytest.raises(ServiceError) as caught, translated(WHERE, "tagging run r1"):
        settled(conflicting)
    assert len(calls) == CONFLICT_ATTEMPTS
    assert "other jobs kept writing the same record at the same moment" in str(caught.value)
    assert caught.value.exit_code == ExitCode.SERVICE and "psycopg" not in str(caught.value)

    refused = []

    def refusing() -> None:
        refused.append(1)
        raise MlflowException("no", error_code=databricks_pb2.PERMISSION_DENIED)

    with pytest.raises(AccessDenied), translated(WHERE, "tagging run r1"):
        settled(refusing)
    assert len(refused) == 1


def test_already_exists_is_the_callers_to_decide_even_when_it_quotes_the_violation() -> None:
    calls = []

    def create() -> None:
        calls.append(1)
        raise MlflowException(
            f"Registered Model (name=churn) already exists. Error: {CONFLICTS[0]}",
            error_code=databricks_pb2.RESOURCE_ALREADY_EXISTS,
        )

    with pytest.raises(InputError, match="already exists"), translated(WHERE, "creating churn"):
        settled(create)
    assert len(calls) == 1
