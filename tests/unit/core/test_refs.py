"""The ways to name a candidate in MLflow."""

from __future__ import annotations

import pytest

from mlgate.core.refs import (
    AliasRef,
    RefError,
    RunRef,
    VersionRef,
    first_line,
    parse_model_ref,
    redact,
)

RUN = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        (RUN, RunRef(run_id=RUN)),
        (f"runs:/{RUN}/model", RunRef(run_id=RUN)),
        (f"runs:/{RUN}/nested/clf/", RunRef(run_id=RUN, artifact_path="nested/clf")),
        (f"runs:/{RUN}", RunRef(run_id=RUN)),
        ("models:/churn/7", VersionRef(name="churn", version="7")),
        ("models:/main.ml.churn/12", VersionRef(name="main.ml.churn", version="12")),
        ("models:/churn@champion", AliasRef(name="churn", alias="champion")),
        (f"  {RUN}\n", RunRef(run_id=RUN)),
    ],
)
def test_parse(text: str, ref: object) -> None:
    assert parse_model_ref(text) == ref


def test_uris_round_trip() -> None:
    for text in (f"runs:/{RUN}/model", "models:/churn/7", "models:/churn@champion"):
        assert parse_model_ref(text).uri == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        RUN.upper(),
        "runs:/xyz/model",
        "models:/churn",
        "models:/churn/v7",
        "s3://bucket/model",
        "models:/churn/7\nmodels:/other/1",
        "models:/churn\n@champion",
        f"runs:/{RUN}/model\n/x",
        f"{RUN}\n{RUN}",
    ],
)
def test_rejects_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(
        RefError, match="runs:/RUN_ID/PATH, models:/NAME/VERSION or models:/NAME@ALIAS"
    ):
        parse_model_ref(text)


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("http://user:token@host:5000/path", "http://***@host:5000/path"),
        ("https://token@host", "https://***@host"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("sqlite:////tmp/mlflow.db", "sqlite:////tmp/mlflow.db"),
        (
            "failed: http://a:b@h/x and s3://k:s@bucket/y",
            "failed: http://***@h/x and s3://***@bucket/y",
        ),
    ],
)
def test_redact(uri: str, shown: str) -> None:
    assert redact(uri) == shown


def test_an_error_is_shown_by_its_first_line_without_credentials() -> None:
    error = ConnectionError("GET http://ci:s3cret@mlflow:5000/api failed\nTraceback …")
    assert first_line(error) == "GET http://***@mlflow:5000/api failed"
    assert first_line("  x" * 300, limit=10) == "x  x  x  x"
    assert first_line(TimeoutError()) == "TimeoutError"
    assert first_line("  \n ") == "(no message)"
