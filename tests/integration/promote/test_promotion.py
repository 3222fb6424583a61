"""`mlgate promote`, `rollback` and `history` against a real MLflow server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fault_proxy import FaultyProxy
from mlflow.tracking import MlflowClient
from registry_helpers import FailingWritesProxy, log_run, register

from mlgate.adapters import promotion
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
    # The version rolled back is not kept as @previous: a second rollback must not bring
    # it back (that would roll forward). Nothing is earlier: @previous is production.
    assert aliases(mlflow_server, model_name) == {"champion": first, "previous": first}

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
            "the verdict was computed for commit 111111111111, but the commit promoted is "
            "222222222222",
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
    # the aliases move, the audit fails
    proxy = FailingWritesProxy(mlflow_server, fail_on="model-versions/set-tag")
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


def test_rollbacks_walk_the_history_back_and_never_forward(
    run: Run, mlflow_server: str, model_name: str
) -> None:
    versions = []
    for accuracy in (0.90, 0.91, 0.92):
        version = evaluated(run, mlflow_server, model_name, accuracy)
        promoted = run("promote", "--version", version, "--approved-by", "al", "--commit", SHA)
        assert promoted.exit_code == 0, promoted.output
        versions.append(version)
    first, second, _ = versions
    assert run("rollback").exit_code == 0
    assert aliases(mlflow_server, model_name) == {"champion": second, "previous": first}
    assert run("rollback").exit_code == 0
    assert aliases(mlflow_server, model_name) == {"champion": first, "previous": first}
    refused = run("rollback")
    assert refused.exit_code == 2
    assert f"version {first} is the first version in the promotion history" in refused.stderr
    assert "mlgate history" in refused.stderr
    assert aliases(mlflow_server, model_name) == {"champion": first, "previous": first}


def test_a_short_sha_of_the_commit_evaluated_promotes(
    run: Run, mlflow_server: str, model_name: str
) -> None:
    version = evaluated(run, mlflow_server, model_name, 0.90, commit="2ed7a55" + "0" * 33)
    too_short = run("promote", "--version", version, "--approved-by", "al", "--commit", "2ed7a5")
    assert too_short.exit_code == 1
    assert "give the full SHA (a prefix needs at least 7 characters)" in too_short.output
    promoted = run("promote", "--version", version, "--approved-by", "al", "--commit", "2ed7a55")
    assert promoted.exit_code == 0, promoted.output
    assert aliases(mlflow_server, model_name) == {"champion": version}


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


def plant_intent(server: str, name: str, version: str, *, age_s: float) -> str:
    """Another job's intent tag (see adapters/promotion.py), written ``age_s`` ago."""
    key = "mlgate.promoting.0123456789abcdef"
    value = json.dumps({"version": version, "from": None, "at": time.time() - age_s})
    MlflowClient(server).set_registered_model_tag(name, key, value)
    return key


def intent_tags(server: str, name: str) -> list[str]:
    tags = MlflowClient(server).get_registered_model(name).tags
    return [key for key in tags if key.startswith("mlgate.promoting.")]


def test_an_intent_left_by_a_killed_job_is_removed_once_stale(
    run: Run, mlflow_server: str, model_name: str
) -> None:
    first = evaluated(run, mlflow_server, model_name, 0.90)
    plant_intent(mlflow_server, model_name, "7", age_s=promotion.INTENT_TTL_S + 5)
    result = run("promote", "--version", first, "--approved-by", "a", "--commit", SHA)
    assert result.exit_code == 0, result.output
    assert aliases(mlflow_server, model_name) == {"champion": first}
    assert intent_tags(mlflow_server, model_name) == []


def test_a_promotion_in_progress_makes_the_next_one_wait_then_refuse(
    run: Run, mlflow_server: str, model_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(promotion, "INTENT_WAIT_S", 1.0)
    monkeypatch.setattr(promotion, "INTENT_POLL_S", 0.2)
    first = evaluated(run, mlflow_server, model_name, 0.90)
    key = plant_intent(mlflow_server, model_name, "7", age_s=1)
    result = run("promote", "--version", first, "--approved-by", "a", "--commit", SHA)
    assert result.exit_code == 1
    assert (
        f"another promotion of {model_name} (to version 7) is still in progress after 1.0 s"
        in result.stderr
    )
    assert aliases(mlflow_server, model_name) == {}  # nothing changed
    assert intent_tags(mlflow_server, model_name) == [key]  # only the other job's


def test_production_moved_while_waiting_refuses_and_changes_nothing(
    run: Run, mlflow_server: str, model_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(promotion, "INTENT_POLL_S", 0.2)
    first = evaluated(run, mlflow_server, model_name, 0.90)
    other = register(mlflow_server, log_run(mlflow_server, metrics={"accuracy": 0.9}), model_name)
    key = plant_intent(mlflow_server, model_name, other, age_s=0)

    def the_other_job_finishes() -> None:
        time.sleep(1.0)
        client = MlflowClient(mlflow_server)
        client.set_registered_model_alias(model_name, "champion", other)
        client.delete_registered_model_tag(model_name, key)

    other_job = threading.Thread(target=the_other_job_finishes)
    other_job.start()
    try:
        result = run("promote", "--version", first, "--approved-by", "a", "--commit", SHA)
    finally:
        other_job.join()
    assert result.exit_code == 1
    assert (
        f"production moved under this promotion: models:/{model_name}@champion was no version "
        f"when it started and is now version {other}; nothing was changed" in result.stderr
    )
    assert aliases(mlflow_server, model_name) == {"champion": other}
    assert (
        "mlgate.promoted_at"
        not in MlflowClient(mlflow_server).get_model_version(model_name, first).tags
    )
    assert intent_tags(mlflow_server, model_name) == []


def test_an_intent_the_registry_would_not_remove_is_named_in_the_error(
    run: Run, mlflow_server: str, model_name: str
) -> None:
    first = evaluated(run, mlflow_server, model_name, 0.90)
    proxy = FaultyProxy(mlflow_server)
    proxy.fail("POST", path="model-versions/set-tag", status=503)  # the audit fails
    proxy.fail("DELETE", path="registered-models/delete-tag", status=503)  # and the withdrawal
    try:
        broken = run(
            "promote", "--version", first, "--approved-by", "a", "--commit", SHA,
            tracking_uri=proxy.url,
        )  # fmt: skip
    finally:
        proxy.close()
    assert broken.exit_code == 3
    [key] = intent_tags(mlflow_server, model_name)
    assert f"the intent tag {key} stays on {model_name}" in broken.stderr
    assert "Traceback" not in broken.output
    rerun = run("promote", "--version", first, "--approved-by", "a", "--commit", SHA)
    assert rerun.exit_code == 0, rerun.output  # production already moved: the rerun completes


def test_a_verdict_against_a_replaced_production_model_is_stale(
    run: Run, mlflow_server: str, model_name: str
) -> None:
    first = evaluated(run, mlflow_server, model_name, 0.90)
    assert run("promote", "--version", first, "--approved-by", "a", "--commit", SHA).exit_code == 0
    second = evaluated(run, mlflow_server, model_name, 0.92)  # both compared with the first
    third = evaluated(run, mlflow_server, model_name, 0.93)
    assert run("promote", "--version", second, "--approved-by", "a", "--commit", SHA).exit_code == 0
    stale = run("promote", "--version", third, "--approved-by", "a", "--commit", SHA)
    assert stale.exit_code == 1
    assert (
        f"production moved since version {third} was evaluated: the verdict compared it with "
        f"version {first}, and now version {second} holds it (@champion)" in stale.stderr
    )
    assert aliases(mlflow_server, model_name) == {"champion": second, "previous": first}
    again = run(
        "evaluate", "--candidate", f"models:/{model_name}/{third}", "--commit", SHA,
        "--print", "none",
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    fresh = run("promote", "--version", third, "--approved-by", "a", "--commit", SHA)
    assert fresh.exit_code == 0, fresh.output
    assert aliases(mlflow_server, model_name) == {"champion": third, "previous": second}
