"""`mlgate promote`, `rollback` and `history` against a real MLflow server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from mlflow.tracking import MlflowClient
from registry_helpers import FailingWritesProxy, log_run, register

from mlgate.cli import cli

SHA = "1" * 40
OTHER = "2" * 40
Run = Callable[..., Result]


@pytest.fixture
def run(
    tmp_path: Path, mlflow_server: str, model_name: str, monkeypatch: pytest.MonkeyPatch
) -> Run:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mlgate.yml").write_text(
        f"model: {model_name}\nmetrics:\n  accuracy: {{max_drop: 0.05}}\n"
    )

    def invoke(*args: str, tracking_uri: str = mlflow_server) -> Result:
        return CliRunner().invoke(
            cli,
            [args[0], "--tracking-uri", tracking_uri, *args[1:]],
            prog_name="mlgate",
            catch_exceptions=False,
        )

    return invoke


def evaluated(run: Run, server: str, name: str, accuracy: float, commit: str = SHA) -> str:
    """A new version, evaluated (and so tagged) for ``commit``."""
    candidate = log_run(server, metrics={"accuracy": accuracy})
    version = register(server, candidate, name)
    result = run(
        "evaluate",
        "--candidate",
        f"models:/{name}/{version}",
        "--commit",
        commit,
        "--print",
        "none",
    )
    assert result.exit_code in (0, 1), result.output
    return version


def aliases(server: str, name: str) -> dict[str, str]:
    return {k: str(v) for k, v in MlflowClient(server).get_registered_model(name).aliases.items()}


def test_promote_rollback_history(run: Run, mlflow_server: str, model_name: str) -> None:
    first = evaluated(run, mlflow_server, model_name, 0.90)
    promoted = run(
        "promote",
        "--version",
        first,
        "--approved-by",
        "alice",
        "--commit",
        SHA,
        "--reason",
        "first model",
    )
    assert promoted.exit_code == 0, promoted.output
    assert aliases(mlflow_server, model_name) == {"champion": first}

    second = evaluated(run, mlflow_server, model_name, 0.92)
    assert (
        run("promote", "--version", second, "--approved-by", "bob", "--commit", SHA).exit_code == 0
    )
    assert aliases(mlflow_server, model_name) == {"champion": second, "previous": first}
    tags = MlflowClient(mlflow_server).get_model_version(model_name, second).tags
    assert tags["mlgate.approved_by"] == "bob"
    assert tags["mlgate.commit"] == SHA
    assert tags["mlgate.replaced_version"] == first
    assert tags["mlgate.promoted_at"].endswith("Z")

    again = run("promote", "--version", second, "--approved-by", "bob", "--commit", SHA)
    assert again.exit_code == 0 and "already holds @champion" in again.stdout

    back = run("rollback", "--by", "carol", "--reason", "latency")
    assert back.exit_code == 0, back.output
    assert aliases(mlflow_server, model_name) == {"champion": first, "previous": second}

    history = json.loads(run("history", "--format", "json").stdout)
    assert [(e["event"], e["version"], e.get("replaced")) for e in history] == [
        ("promote", first, None),
        ("promote", second, first),
        ("rollback", first, second),
    ]
    assert history[1]["approved_by"] == "bob" and history[2]["rolled_back_by"] == "carol"
    text = run("history").stdout
    assert f"promote   version {second}  replaced {first}  by bob" in text


@pytest.mark.parametrize(
    ("setup", "argv", "reason"),
    [
        (
            "fail",
            ["--approved-by", "alice", "--commit", SHA],
            "the recorded verdict is 'fail', not pass",
        ),
        (
            "pass",
            ["--approved-by", "alice", "--commit", OTHER],
            "the verdict was computed for commit 111111111111, but the head is 222222222222",
        ),
        (
            "none",
            ["--approved-by", "alice", "--commit", SHA],
            "no mlgate verdict is recorded on this version",
        ),
        ("pass", ["--commit", SHA], "a local promotion needs --approved-by NAME"),
        ("pass", ["--approved-by", "alice"], "name the commit being promoted with --commit"),
    ],
)
def test_refusals_list_their_reasons(
    run: Run, mlflow_server: str, model_name: str, setup: str, argv: list[str], reason: str
) -> None:
    register(
        mlflow_server,
        log_run(mlflow_server, metrics={"accuracy": 0.9}),
        model_name,
        alias="champion",
    )
    if setup == "none":
        version = register(
            mlflow_server, log_run(mlflow_server, metrics={"accuracy": 0.95}), model_name
        )
    else:
        version = evaluated(run, mlflow_server, model_name, 0.5 if setup == "fail" else 0.95)
    result = run("promote", "--version", version, *argv)
    assert result.exit_code == 1
    assert f"  - {reason}" in result.stderr
    assert aliases(mlflow_server, model_name) == {"champion": "1"}


def test_failure_between_the_alias_writes_then_a_rerun_completes(
    run: Run, mlflow_server: str, model_name: str
) -> None:
    first = evaluated(run, mlflow_server, model_name, 0.90)
    assert run("promote", "--version", first, "--approved-by", "a", "--commit", SHA).exit_code == 0
    second = evaluated(run, mlflow_server, model_name, 0.93)
    proxy = FailingWritesProxy(
        mlflow_server, fail_on="/alias", allow_first=1
    )  # previous ok, champion fails
    try:
        broken = run(
            "promote",
            "--version",
            second,
            "--approved-by",
            "b",
            "--commit",
            SHA,
            tracking_uri=proxy.url,
        )
    finally:
        proxy.close()
    assert broken.exit_code == 3
    assert aliases(mlflow_server, model_name)["champion"] == first  # production still valid
    assert run("promote", "--version", second, "--approved-by", "b", "--commit", SHA).exit_code == 0
    assert aliases(mlflow_server, model_name) == {"champion": second, "previous": first}


def test_failure_after_the_alias_moved_is_completed_by_a_rerun(
    run: Run, mlflow_server: str, model_name: str
) -> None:
    first = evaluated(run, mlflow_server, model_name, 0.90)
    proxy = FailingWritesProxy(mlflow_server, fail_on="set-tag")  # aliases move, audit fails
    try:
        broken = run(
            "promote",
            "--version",
            first,
            "--approved-by",
            "a",
            "--commit",
            SHA,
            tracking_uri=proxy.url,
        )
    finally:
        proxy.close()
    assert broken.exit_code == 3
    assert aliases(mlflow_server, model_name) == {"champion": first}
    rerun = run("promote", "--version", first, "--approved-by", "a", "--commit", SHA)
    assert rerun.exit_code == 0, rerun.output
    assert (
        MlflowClient(mlflow_server).get_model_version(model_name, first).tags["mlgate.approved_by"]
        == "a"
    )
    assert [e["event"] for e in json.loads(run("history", "--format", "json").stdout)] == [
        "promote"
    ]


def test_rollback_with_nothing_to_roll_back_to(
    run: Run, mlflow_server: str, model_name: str
) -> None:
    register(
        mlflow_server,
        log_run(mlflow_server, metrics={"accuracy": 0.9}),
        model_name,
        alias="champion",
    )
    result = run("rollback")
    assert result.exit_code == 2
    assert "there is nothing to roll back to" in result.stderr
