"""The relay tests' fixtures: the session's MLflow server with this test's webhook removed
afterwards, the GitHub and GitLab fakes, and a relay sending to both."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from github_server import FakeGitHub
from gitlab_server import FakeGitLab
from relay_helpers import REPO, SECRET, TRIGGER, Running, running

from mlgate.core.webhooks import RelayFilter
from mlgate.relay import RelaySettings


@pytest.fixture
def webhook_mlflow(mlflow_server: str) -> Iterator[str]:
    """The session's server (it delivers webhooks to loopback); the webhook this test
    registers is deleted afterwards, so no later test's versions are sent anywhere."""
    from mlflow import MlflowClient

    yield mlflow_server
    client = MlflowClient(tracking_uri=mlflow_server)
    for webhook in client.list_webhooks():
        if webhook.name == "mlgate-relay":
            client.delete_webhook(webhook.webhook_id)


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    fake.state.users = {"ghp-relay": "relay-bot"}
    yield fake
    fake.close()


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    fake = FakeGitLab()
    fake.state.trigger_tokens = {TRIGGER}
    yield fake
    fake.close()


@pytest.fixture
def relay(github: FakeGitHub, gitlab: FakeGitLab, model_name: str) -> Iterator[Running]:
    log = io.StringIO()
    settings = RelaySettings(
        host="127.0.0.1",
        port=0,
        secret=SECRET,
        relay_filter=RelayFilter(models=(model_name,)),
        github_repo=REPO,
        github_api=github.api_url,
        github_token="ghp-relay",
        gitlab_project="42",
        gitlab_url=gitlab.url,
        gitlab_token=TRIGGER,
    )
    yield from running(settings, log)
