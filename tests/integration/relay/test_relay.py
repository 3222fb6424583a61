"""`mlgate relay` against real parts: a real MLflow server with webhooks enabled sends its
deliveries to the relay over loopback, and the relay starts CI on the GitHub and GitLab
fakes (PyGithub's and python-gitlab's real HTTP calls). Deliveries the relay must refuse
are sent by hand, signed the way MLflow signs them."""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from github_server import FakeGitHub, Fault
from gitlab_server import FakeGitLab
from relay_helpers import REPO, SECRET, TRIGGER, Running, delivery, running, wait_for

from mlgate.cli import cli
from mlgate.core.webhooks import RelayFilter, signature
from mlgate.relay import RelaySettings, build_server


def test_a_new_version_in_a_real_registry_starts_ci_on_github_and_gitlab(
    webhook_mlflow: str,
    relay: Running,
    github: FakeGitHub,
    gitlab: FakeGitLab,
    model_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from mlflow import MlflowClient

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLGATE_WEBHOOK_SECRET", SECRET)
    runner = CliRunner()
    register = [
        "relay",
        "register",
        "--url",
        relay.url,
        "--tracking-uri",
        webhook_mlflow,
    ]
    first = runner.invoke(cli, register)
    again = runner.invoke(cli, register)
    assert first.exit_code == 0, first.output
    assert "created" in first.output and "updated (secret rotated)" in again.output, again.output
    client = MlflowClient(tracking_uri=webhook_mlflow)
    assert [w.name for w in client.list_webhooks()] == ["mlgate-relay"]

    client.create_registered_model(model_name)
    run = client.create_run(client.create_experiment(f"relay-{model_name}"))
    source = f"{run.info.artifact_uri}/model"
    client.create_model_version(model_name, source=source, run_id=run.info.run_id)
    wait_for(lambda: github.state.repository_dispatches and gitlab.state.pipelines)
    time.sleep(1.5)  # anything MLflow would send again arrives now

    (sent,) = github.state.repository_dispatches
    assert sent["event_type"] == "mlgate-model-version"
    payload = sent["client_payload"]
    assert payload["model"] == model_name and payload["version"] == "1"
    assert payload["event"] == "model_version.created" and payload["delivery"]
    (pipeline,) = gitlab.state.pipelines
    assert pipeline["source"] == "trigger" and pipeline["ref"] == "main"
    assert pipeline["variables"]["MLGATE_MODEL"] == model_name
    assert pipeline["variables"]["MLGATE_VERSION"] == "1"
    assert pipeline["variables"]["MLGATE_EVENT"] == "model_version.created"
    lines = relay.log.getvalue().splitlines()
    assert any(" 200 dispatched " in line and model_name in line for line in lines), lines
    assert SECRET not in relay.log.getvalue() and "ghp-relay" not in relay.log.getvalue()
    assert TRIGGER not in relay.log.getvalue()

    # A tag set on the version is not an event this relay passes on.
    client.set_model_version_tag(model_name, "1", "k", "v")
    time.sleep(1.5)
    assert len(github.state.repository_dispatches) == 1


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("forged", 401),
        ("stale", 401),
        ("future", 401),
        ("unsigned", 401),
        ("oversized", 413),
        ("unknown-event", 202),
        ("unknown-model", 202),
        ("not-json", 400),
    ],
)
def test_refused_deliveries_dispatch_nothing(
    relay: Running,
    github: FakeGitHub,
    gitlab: FakeGitLab,
    model_name: str,
    case: str,
    status: int,
) -> None:
    body, headers = {
        "forged": lambda: delivery(model_name, secret="not-the-secret-at-all"),
        "stale": lambda: delivery(model_name, stamp=int(time.time()) - 301),
        "future": lambda: delivery(model_name, stamp=int(time.time()) + 301),
        "unsigned": lambda: delivery(model_name),
        "oversized": lambda: delivery(model_name),
        "unknown-event": lambda: delivery(model_name, event="registered_model.created"),
        "unknown-model": lambda: delivery("someone-elses-model"),
        "not-json": lambda: delivery(model_name),
    }[case]()
    if case == "unsigned":
        del headers["X-MLflow-Signature"]
    if case == "oversized":
        body = body + b" " * (70 * 1024)
    if case == "not-json":
        body = b"{not json"
        headers["X-MLflow-Signature"] = signature(
            SECRET,
            delivery=headers["X-MLflow-Delivery-Id"],
            timestamp=headers["X-MLflow-Timestamp"],
            body=body,
        )
    answer, reply = relay.post(body, headers)
    assert answer == status, reply
    assert reply["outcome"] in ("refused", "ignored")
    assert github.state.repository_dispatches == [] and gitlab.state.pipelines == []


def test_a_replayed_delivery_is_dispatched_once(
    relay: Running, github: FakeGitHub, gitlab: FakeGitLab, model_name: str
) -> None:
    body, headers = delivery(model_name)
    first = relay.post(body, headers)
    replay = relay.post(body, headers)
    assert first[0] == 200 and first[1]["outcome"] == "dispatched"
    assert replay[0] == 200 and replay[1]["outcome"] == "duplicate"
    assert len(github.state.repository_dispatches) == 1 and len(gitlab.state.pipelines) == 1


def test_a_target_failing_three_times_then_succeeding_gets_one_dispatch(
    relay: Running, github: FakeGitHub, gitlab: FakeGitLab, model_name: str
) -> None:
    github.state.faults = [
        Fault("POST", "/dispatches", 502, {"message": "Bad Gateway"}) for _ in range(3)
    ]
    body, headers = delivery(model_name)
    status, reply = relay.post(body, headers)
    assert status == 200 and reply["outcome"] == "dispatched", reply
    assert len(github.state.repository_dispatches) == 1
    assert len(gitlab.state.pipelines) == 1
    posts = [p for m, p in github.requests() if m == "POST" and p.endswith("/dispatches")]
    assert len(posts) == 4


def test_a_target_still_failing_answers_5xx_and_the_retry_sends_only_what_is_missing(
    relay: Running, github: FakeGitHub, gitlab: FakeGitLab, model_name: str
) -> None:
    github.state.faults = [
        Fault("POST", "/dispatches", 503, {"message": "unavailable"}) for _ in range(4)
    ]
    body, headers = delivery(model_name)
    status, reply = relay.post(body, headers)
    assert status == 502 and reply["outcome"] == "failed"
    assert "after 4 attempts" in reply["detail"]
    assert github.state.repository_dispatches == [] and len(gitlab.state.pipelines) == 1
    # MLflow delivers the same id again: GitHub gets it now, GitLab not a second time.
    status, reply = relay.post(body, headers)
    assert status == 200 and reply["outcome"] == "dispatched"
    assert len(github.state.repository_dispatches) == 1 and len(gitlab.state.pipelines) == 1


def test_a_bad_token_is_not_retried_and_never_shown(
    relay: Running, github: FakeGitHub, model_name: str
) -> None:
    github.state.users = {}
    body, headers = delivery(model_name)
    status, reply = relay.post(body, headers)
    assert status == 502 and "not retried" in reply["detail"] and "401" in reply["detail"]
    assert "ghp-relay" not in json.dumps(reply) and "ghp-relay" not in relay.log.getvalue()


def test_health_and_unknown_paths(relay: Running) -> None:
    with urllib.request.urlopen(relay.server.url + "/healthz", timeout=5) as answer:
        assert json.loads(answer.read())["status"] == "ok"
    body, headers = delivery("x")
    request = urllib.request.Request(relay.server.url + "/other", data=body, headers=headers)
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=5)
    assert error.value.code == 404


def test_a_restarted_relay_remembers_what_it_dispatched(
    github: FakeGitHub, model_name: str, tmp_path: Path
) -> None:
    state = tmp_path / "relay-state"
    body, headers = delivery(model_name)
    for _ in range(2):  # the second relay is a restart with the same --state
        settings = RelaySettings(
            host="127.0.0.1",
            port=0,
            secret=SECRET,
            relay_filter=RelayFilter(),
            github_repo=REPO,
            github_api=github.api_url,
            github_token="ghp-relay",
            state=state,
        )
        server = build_server(settings, log=io.StringIO())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            Running(server, io.StringIO()).post(body, headers)
        finally:
            server.shutdown()
            server.server_close()
    assert len(github.state.repository_dispatches) == 1
    assert state.stat().st_mode & 0o777 == 0o600


def test_load_500_deliveries_with_redeliveries_lose_and_duplicate_nothing(
    relay: Running, github: FakeGitHub, gitlab: FakeGitLab, model_name: str
) -> None:
    """16 concurrent senders, 450 distinct deliveries and 50 redeliveries of earlier ids
    (some while the original is in flight): every id is dispatched exactly once to each
    target. Latency figures: benchmarks/relay_load.py."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(1)
    sent = [delivery(model_name, version=str(n + 1)) for n in range(450)]
    for _ in range(50):
        at = rng.randrange(len(sent))
        sent.insert(min(len(sent), at + rng.randrange(1, 8)), sent[at])
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda item: relay.post(*item), sent))
    assert {status for status, _ in answers} == {200}
    outcomes = [reply["outcome"] for _, reply in answers]
    assert outcomes.count("dispatched") == 450 and outcomes.count("duplicate") == 50
    ids = [d["client_payload"]["delivery"] for d in github.state.repository_dispatches]
    assert len(ids) == len(set(ids)) == 450
    triggered = [p["variables"]["MLGATE_DELIVERY"] for p in gitlab.state.pipelines]
    assert len(triggered) == len(set(triggered)) == 450


@pytest.fixture
def tag_relay(github: FakeGitHub, model_name: str) -> Iterator[Running]:
    """A relay that passes on tag and alias events (a documented option)."""
    log = io.StringIO()
    settings = RelaySettings(
        host="127.0.0.1",
        port=0,
        secret=SECRET,
        relay_filter=RelayFilter(
            models=(model_name,),
            events=("model_version_tag.set", "model_version_alias.created"),
        ),
        github_repo=REPO,
        github_api=github.api_url,
        github_token="ghp-relay",
    )
    yield from running(settings, log)


def test_mlgates_own_tags_and_aliases_never_start_ci(
    webhook_mlflow: str,
    tag_relay: Running,
    github: FakeGitHub,
    model_name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from mlflow import MlflowClient

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLGATE_WEBHOOK_SECRET", SECRET)
    events = ["--events", "model_version_tag.set", "--events", "model_version_alias.created"]
    registered = CliRunner().invoke(
        cli,
        ["relay", "register", "--url", tag_relay.url, "--tracking-uri", webhook_mlflow, *events],
    )
    assert registered.exit_code == 0, registered.output
    assert "can loop" in registered.output and "never passes on mlgate.* tags" in registered.output
    client = MlflowClient(tracking_uri=webhook_mlflow)
    client.create_registered_model(model_name)
    run = client.create_run(client.create_experiment(f"relay-tags-{model_name}"))
    client.create_model_version(
        model_name, source=f"{run.info.artifact_uri}/model", run_id=run.info.run_id
    )
    # what one `mlgate evaluate` and one `mlgate promote` write
    for key in ("mlgate.verdict", "mlgate.commit", "mlgate.config_hash", "mlgate.evaluated_at"):
        client.set_model_version_tag(model_name, "1", key, "x")
    client.set_registered_model_alias(model_name, "champion", "1")
    # a person's tag is passed on
    client.set_model_version_tag(model_name, "1", "team.reviewed", "yes")
    wait_for(lambda: github.state.repository_dispatches)
    time.sleep(2)  # any other delivery arrives now
    (sent,) = github.state.repository_dispatches
    assert sent["client_payload"]["event"] == "model_version_tag.set"
    log = tag_relay.log.getvalue()
    assert log.count("written by mlgate itself") == 4, log
    assert "moved by mlgate promote/rollback" in log
