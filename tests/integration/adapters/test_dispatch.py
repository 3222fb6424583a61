"""Starting CI through the real SDKs against the fakes over HTTP: what each answer means for
the relay — sent, worth retrying, or not — and that no token appears in an error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from github_server import FakeGitHub, Fault
from gitlab_server import FakeGitLab
from gitlab_server import Fault as GitLabFault
from registry_helpers import free_port

from mlgate.adapters.dispatch import DispatchFailed, GitHubDispatch, GitLabTrigger

PAYLOAD = {"model": "churn", "version": "3", "event": "model_version.created", "delivery": "d"}


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    fake.state.users = {"ghp-good": "relay-bot"}
    yield fake
    fake.close()


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    fake = FakeGitLab()
    fake.state.trigger_tokens = {"glptt-good"}
    yield fake
    fake.close()


def test_github_repository_dispatch(github: FakeGitHub) -> None:
    target = GitHubDispatch(api_url=github.api_url, repository="acme/churn", token="ghp-good")
    assert "repository_dispatch mlgate-model-version to acme/churn" in target.send(PAYLOAD)
    (sent,) = github.state.repository_dispatches
    assert sent == {
        "repo": "acme/churn",
        "event_type": "mlgate-model-version",
        "client_payload": PAYLOAD,
    }


@pytest.mark.parametrize(
    ("token", "fault", "transient", "words"),
    [
        ("ghp-bad", None, False, "HTTP 401 Bad credentials"),
        (
            "ghp-good",
            Fault("POST", "/dispatches", 502, {"message": "Bad Gateway"}),
            True,
            "HTTP 502",
        ),
        ("ghp-good", Fault("POST", "/dispatches", 429, {"message": "slow down"}), True, "HTTP 429"),
        (
            "ghp-good",
            Fault("POST", "/dispatches", 404, {"message": "Not Found"}),
            False,
            "HTTP 404",
        ),
    ],
)
def test_github_failures(
    github: FakeGitHub, token: str, fault: Fault | None, transient: bool, words: str
) -> None:
    if fault is not None:
        github.state.faults.append(fault)
    target = GitHubDispatch(api_url=github.api_url, repository="acme/churn", token=token)
    with pytest.raises(DispatchFailed) as failed:
        target.send(PAYLOAD)
    assert failed.value.transient is transient and words in str(failed.value)
    assert token not in str(failed.value) and github.state.repository_dispatches == []


def test_gitlab_trigger(gitlab: FakeGitLab) -> None:
    target = GitLabTrigger(url=gitlab.url, project="42", token="glptt-good", ref="release")
    assert target.send(PAYLOAD) == "pipeline 900 of project 42 on release"
    (pipeline,) = gitlab.state.pipelines
    assert pipeline["ref"] == "release" and pipeline["source"] == "trigger"
    assert pipeline["variables"] == {
        "MLGATE_MODEL": "churn",
        "MLGATE_VERSION": "3",
        "MLGATE_EVENT": "model_version.created",
        "MLGATE_DELIVERY": "d",
    }


def test_gitlab_failures(gitlab: FakeGitLab) -> None:
    bad = GitLabTrigger(url=gitlab.url, project="42", token="glptt-bad")
    with pytest.raises(DispatchFailed) as failed:
        bad.send(PAYLOAD)
    assert not failed.value.transient and "HTTP 404" in str(failed.value)
    assert "glptt-bad" not in str(failed.value)
    gitlab.state.faults.append(GitLabFault("POST", "/trigger/pipeline", 503, {"message": "down"}))
    good = GitLabTrigger(url=gitlab.url, project="42", token="glptt-good")
    with pytest.raises(DispatchFailed) as failed:
        good.send(PAYLOAD)
    assert failed.value.transient and "HTTP 503" in str(failed.value)
    assert gitlab.state.pipelines == []


def test_nothing_listening_is_worth_retrying() -> None:
    port = free_port()
    for target in (
        GitHubDispatch(api_url=f"http://127.0.0.1:{port}", repository="a/b", token="t", timeout=2),
        GitLabTrigger(url=f"http://127.0.0.1:{port}", project="42", token="t", timeout=2),
    ):
        with pytest.raises(DispatchFailed) as failed:
            target.send(PAYLOAD)
        assert failed.value.transient
