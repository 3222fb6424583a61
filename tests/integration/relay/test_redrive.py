"""Nothing lost, nothing twice, when CI is down for longer than MLflow retries: a real MLflow
server delivers a new version to the relay while the GitHub fake answers 503 to every
dispatch, until MLflow gives up; the relay owes it (healthz degraded, /metrics), a
restarted relay still owes it (--state), and once GitHub is back the re-drive sends it —
exactly once. `mlgate relay redrive` sends what a stopped relay owes."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from github_server import FakeGitHub, Fault
from relay_helpers import REPO, SECRET, Running, delivery, running, wait_for

from mlgate.cli import cli
from mlgate.core.webhooks import RelayFilter
from mlgate.relay import RelaySettings


def settings(github: FakeGitHub, state: Path, model: str) -> RelaySettings:
    return RelaySettings(
        host="127.0.0.1",
        port=0,
        secret=SECRET,
        relay_filter=RelayFilter(models=(model,)),
        github_repo=REPO,
        github_api=github.api_url,
        github_token="ghp-relay",
        state=state,
        redrive_first=0.5,  # the schedule's shape is unit-tested; here, quickly
        redrive_cap=1.0,
    )


def down(github: FakeGitHub) -> None:
    github.state.faults = [
        Fault("POST", "/dispatches", 503, {"message": "unavailable"}) for _ in range(10_000)
    ]


def owed(relay: Running) -> int:
    found = re.search(r"^mlgate_relay_pending (\d+)$", relay.get("/metrics"), re.MULTILINE)
    assert found is not None
    return int(found.group(1))


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "relay.state"


def test_ci_down_past_mlflows_retries_is_redriven_once_it_is_back(
    webhook_mlflow: str,
    github: FakeGitHub,
    state: Path,
    model_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from mlflow import MlflowClient

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLGATE_WEBHOOK_SECRET", SECRET)
    down(github)
    first: Iterator[Running] = running(settings(github, state, model_name), io.StringIO())
    relay = next(first)
    register = ["relay", "register", "--url", relay.url, "--tracking-uri", webhook_mlflow]
    assert CliRunner().invoke(cli, register).exit_code == 0
    client = MlflowClient(tracking_uri=webhook_mlflow)
    client.create_registered_model(model_name)
    run = client.create_run(client.create_experiment(f"redrive-{model_name}"))
    client.create_model_version(
        model_name, source=f"{run.info.artifact_uri}/model", run_id=run.info.run_id
    )
    # MLflow delivers 4 times (3 retries), each answered 502 after the relay's own 4 tries
    wait_for(lambda: relay.log.getvalue().count(" 502 failed ") == 4, timeout=60)
    assert github.state.repository_dispatches == []
    health = relay.health()
    assert health["status"] == "degraded" and health["pending"] == 1
    assert float(health["oldest_pending_seconds"]) > 5  # type: ignore[arg-type]
    assert owed(relay) == 1 and "still-owed" in relay.log.getvalue()

    # the relay restarts while GitHub is still down: the --state file still owes it
    next(first, None)
    second: Iterator[Running] = running(settings(github, state, model_name), io.StringIO())
    relay = next(second)
    assert relay.health()["pending"] == 1

    github.state.faults = []  # GitHub is back
    wait_for(lambda: github.state.repository_dispatches, timeout=20)
    wait_for(lambda: relay.health()["status"] == "ok", timeout=10)
    (sent,) = github.state.repository_dispatches
    assert sent["client_payload"]["model"] == model_name
    assert sent["client_payload"]["version"] == "1"
    metrics = relay.get("/metrics")
    assert "mlgate_relay_redriven_total 1" in metrics and "mlgate_relay_pending 0" in metrics
    assert f"redriven model={model_name} version=1" in relay.log.getvalue()
    # MLflow's webhook is deleted by the fixture; a replay of the delivery is a duplicate
    body, headers = delivery(model_name, delivery_id=sent["client_payload"]["delivery"])
    assert relay.post(body, headers)[1]["outcome"] == "duplicate"
    assert len(github.state.repository_dispatches) == 1
    next(second, None)


def test_relay_redrive_sends_what_a_stopped_relay_owes(
    github: FakeGitHub, state: Path, model_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    down(github)
    first: Iterator[Running] = running(settings(github, state, model_name), io.StringIO())
    relay = next(first)
    for version in ("3", "4"):
        body, headers = delivery(model_name, version=version)
        assert relay.post(body, headers)[0] == 502
    monkeypatch.setenv("MLGATE_GITHUB_TOKEN", "ghp-relay")
    monkeypatch.setenv("GITHUB_API_URL", github.api_url)
    command = ["relay", "--state", str(state), "--github-repo", REPO, "redrive"]
    busy = CliRunner().invoke(cli, command)
    assert busy.exit_code == 2 and "another mlgate relay uses this file" in busy.output
    next(first, None)  # stopped while GitHub is down

    still = CliRunner().invoke(cli, command)
    assert still.exit_code == 3, still.output
    assert "still owed: " in still.output and "2 dispatch(es) still owed" in still.output
    github.state.faults = []
    sent = CliRunner().invoke(cli, command)
    assert sent.exit_code == 0, sent.output
    assert f"sent: {model_name} version 3" in sent.output
    assert f"sent: {model_name} version 4" in sent.output
    assert "ghp-relay" not in sent.output + still.output
    versions = sorted(d["client_payload"]["version"] for d in github.state.repository_dispatches)
    assert versions == ["3", "4"]
    again = CliRunner().invoke(cli, command)
    assert again.exit_code == 0 and "nothing owed (0 sent)" in again.output
    assert len(github.state.repository_dispatches) == 2
