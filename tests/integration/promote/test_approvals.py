"""`mlgate promote` on GitHub and GitLab: the real registry, the real SDKs, the fakes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from github_server import FakeGitHub
from gitlab_server import FakeGitLab
from mlflow.tracking import MlflowClient
from registry_helpers import evaluated_store

from mlgate.cli import cli

REPO = "acme/churn"
HEAD = "3" * 40
OLD = "4" * 40
MARKER_PREFIX = "<!-- mlgate:report model="


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_name: str) -> tuple[str, str]:
    """A local registry with production and a candidate evaluated (pass) for HEAD."""
    monkeypatch.chdir(tmp_path)
    return evaluated_store(tmp_path, model_name, commit=HEAD)


def champion(uri: str, name: str) -> str:
    return str(MlflowClient(uri).get_registered_model(name).aliases["champion"])


# -- GitHub ----------------------------------------------------------------------------------


@pytest.fixture
def github(tmp_path: Path, model_name: str) -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    fake.state.users = {"tok": None}
    fake.state.pulls[42] = HEAD
    fake.state.pull_authors[42] = "alice"
    fake.state.permissions = {"alice": "admin", "bob": "write", "dave": "read"}
    fake.add_comment(
        REPO, 42, login="github-actions[bot]", body=f"{MARKER_PREFIX}{model_name} -->\n✅ passed"
    )
    yield fake
    fake.close()


def github_env(fake: FakeGitHub, tmp_path: Path, event: dict[str, object]) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    return {
        "GITHUB_ACTIONS": "true",
        "GITLAB_CI": "",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": fake.api_url,
        "GITHUB_TOKEN": "tok",
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_RUN_ID": "5",
        "GITHUB_SERVER_URL": fake.host,
    }


def promote(uri: str, env: dict[str, str]) -> Result:
    return CliRunner().invoke(
        cli, ["promote", "--tracking-uri", uri], env=env, prog_name="mlgate", catch_exceptions=False
    )


def review_event() -> dict[str, object]:
    return {
        "action": "submitted",
        "pull_request": {"number": 42, "head": {"sha": HEAD}},
        "review": {"state": "approved"},
    }


def test_github_review_approval_promotes_and_updates_the_report(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    github.add_review(42, login="bob", state="APPROVED", commit_id=HEAD)
    result = promote(uri, github_env(github, tmp_path, review_event()))
    assert result.exit_code == 0, result.output
    assert champion(uri, model_name) == candidate
    tags = MlflowClient(uri).get_model_version(model_name, candidate).tags
    assert tags["mlgate.approved_by"] == "bob"
    assert tags["mlgate.approval"] == f"{github.host}/{REPO}/pull/42"
    (comment,) = github.comments(REPO, 42)
    assert (
        "🚀 **Promoted** version 2 to @champion, replacing version 1 — approved by bob."
        in comment["body"]
    )


@pytest.mark.parametrize(
    ("reviews", "reason"),
    [
        (
            [("alice", "APPROVED", HEAD)],
            "alice's approval does not count: they are the pull request's author",
        ),
        ([("bob", "APPROVED", OLD)], "bob approved commit 444444444444, not the head 333333333333"),
        ([("bob", "APPROVED", HEAD), ("bob", "CHANGES_REQUESTED", HEAD)], "bob requested changes"),
        ([("bob", "APPROVED", HEAD), ("bob", "DISMISSED", HEAD)], "bob's review was dismissed"),
        ([("dave", "APPROVED", HEAD)], "their permission is read, not write or admin"),
        ([("ci[bot]", "APPROVED", HEAD)], "bots may not approve a promotion"),
    ],
)
def test_github_refusals(
    store: tuple[str, str],
    github: FakeGitHub,
    tmp_path: Path,
    model_name: str,
    reviews: list[tuple[str, str, str]],
    reason: str,
) -> None:
    uri, _ = store
    github.state.permissions["ci[bot]"] = "write"
    for login, state, sha in reviews:
        github.add_review(42, login=login, state=state, commit_id=sha, bot=login.endswith("[bot]"))
    result = promote(uri, github_env(github, tmp_path, review_event()))
    assert result.exit_code == 1, result.output
    assert reason in result.stderr
    assert champion(uri, model_name) == "1"
    assert "⛔ **Promotion refused**" in github.comments(REPO, 42)[0]["body"]


def test_github_comment_command(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    event = {
        "action": "created",
        "issue": {"number": 42, "pull_request": {"url": "x"}},
        "comment": {
            "body": "/mlgate promote",
            "user": {"login": "dave", "type": "User"},
            "html_url": "c1",
        },
    }
    refused = promote(uri, github_env(github, tmp_path, event))
    assert (
        refused.exit_code == 1
        and "dave may not promote: their permission is read" in refused.stderr
    )
    event["action"] = "edited"
    event["comment"] = {
        "body": "/mlgate promote",
        "user": {"login": "bob", "type": "User"},
        "html_url": "c2",
    }
    edited = promote(uri, github_env(github, tmp_path, event))
    assert (
        edited.exit_code == 1
        and "the command comment was edited, not newly created" in edited.stderr
    )
    event["action"] = "created"
    event["comment"]["created_at"] = after_now()
    accepted = promote(uri, github_env(github, tmp_path, event))
    assert accepted.exit_code == 0, accepted.output
    assert champion(uri, model_name) == candidate


def after_now(seconds: int = 2) -> str:
    moment = datetime.now(timezone.utc) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("body", "created_at", "accepted", "reason"),
    [
        # Written before the report for the current head: it approved an older head.
        ("/mlgate promote", "2020-01-01T00:00:00Z", False, "the head changed since the report"),
        # No time known: only a named commit binds.
        ("/mlgate promote", None, False, "the head changed since the report you approved"),
        # Naming the head binds it, whenever it was written.
        (f"/mlgate promote {HEAD[:7]}", "2020-01-01T00:00:00Z", True, None),
        (f"/mlgate promote {HEAD.upper()}", None, True, None),
        # Naming another commit (or too short a prefix) is refused.
        (f"/mlgate promote {OLD[:12]}", None, False, "comment again: /mlgate promote 333333333333"),
        (f"/mlgate promote {HEAD[:6]}", None, False, "not the head"),
    ],
)
def test_github_comment_command_is_bound_to_the_head(
    store: tuple[str, str],
    github: FakeGitHub,
    tmp_path: Path,
    model_name: str,
    body: str,
    created_at: str | None,
    accepted: bool,
    reason: str | None,
) -> None:
    uri, candidate = store
    comment = {"body": body, "user": {"login": "bob", "type": "User"}, "html_url": "c3"}
    if created_at:
        comment["created_at"] = created_at
    event = {
        "action": "created",
        "issue": {"number": 42, "pull_request": {"url": "x"}},
        "comment": comment,
    }
    result = promote(uri, github_env(github, tmp_path, event))
    assert (result.exit_code == 0) is accepted, result.output
    assert (champion(uri, model_name) == candidate) is accepted
    if reason:
        assert reason in result.stderr, result.stderr


def test_github_head_moved_between_check_and_write(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, _ = store
    github.add_review(42, login="bob", state="APPROVED", commit_id=HEAD)
    github.state.head_moves[42] = ["5" * 40]  # someone pushes right after mlgate read the PR
    result = promote(uri, github_env(github, tmp_path, review_event()))
    assert result.exit_code == 1
    assert "the head moved from 333333333333 to 555555555555 while promoting" in result.stderr
    assert champion(uri, model_name) == "1"


def test_github_verdict_for_another_commit(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, _ = store
    github.state.pulls[42] = OLD
    github.add_review(42, login="bob", state="APPROVED", commit_id=OLD)
    result = promote(uri, github_env(github, tmp_path, review_event()))
    assert result.exit_code == 1
    assert (
        f"no version of {model_name} was evaluated for the head commit 444444444444"
        in result.stderr
    )


# -- GitLab ----------------------------------------------------------------------------------


@pytest.fixture
def gitlab(model_name: str) -> Iterator[FakeGitLab]:
    fake = FakeGitLab()
    fake.state.users = {"glpat": "project_bot"}
    fake.state.mrs[11] = {"sha": HEAD, "author": "alice"}
    fake.add_note(
        "42", 11, username="project_bot", body=f"{MARKER_PREFIX}{model_name} -->\n✅ passed"
    )
    yield fake
    fake.close()


def gitlab_env(fake: FakeGitLab, **extra: str) -> dict[str, str]:
    return {
        "GITLAB_CI": "true",
        "GITHUB_ACTIONS": "",
        "CI_API_V4_URL": fake.api_url,
        "CI_PROJECT_ID": "42",
        "CI_PROJECT_URL": f"{fake.url}/acme/churn",
        "CI_MERGE_REQUEST_IID": "11",
        "GITLAB_TOKEN": "glpat",
        "CI_PIPELINE_URL": f"{fake.url}/p/1",
        "CI_ENVIRONMENT_NAME": "",
        **extra,
    }


@pytest.mark.parametrize(
    ("left", "by", "reason"),
    [
        (0, ["bob"], None),
        (1, [], "1 more approval(s) required by the merge request's rules"),
        (0, ["alice"], "the author alice's own approval does not count"),
    ],
)
def test_gitlab_approvals(
    store: tuple[str, str],
    gitlab: FakeGitLab,
    model_name: str,
    left: int,
    by: list[str],
    reason: str | None,
) -> None:
    uri, candidate = store
    gitlab.state.approvals[11] = {"left": left, "by": by}
    result = promote(uri, gitlab_env(gitlab))
    if reason is None:
        assert result.exit_code == 0, result.output
        assert champion(uri, model_name) == candidate
        assert "🚀 **Promoted**" in gitlab.notes("42", 11)[0]["body"]
    else:
        assert result.exit_code == 1
        assert reason in result.stderr
        assert champion(uri, model_name) == "1"
        assert "⛔ **Promotion refused**" in gitlab.notes("42", 11)[0]["body"]


def test_gitlab_protected_environment_job(
    store: tuple[str, str], gitlab: FakeGitLab, model_name: str
) -> None:
    uri, candidate = store
    gitlab.state.approvals[11] = {"left": 1, "by": []}
    unprotected = promote(
        uri, gitlab_env(gitlab, CI_ENVIRONMENT_NAME="production", GITLAB_USER_LOGIN="carol")
    )
    assert unprotected.exit_code == 1  # not protected: the MR's approvals decide, and are missing
    gitlab.state.protected_environments.add("production")
    result = promote(
        uri, gitlab_env(gitlab, CI_ENVIRONMENT_NAME="production", GITLAB_USER_LOGIN="carol")
    )
    assert result.exit_code == 0, result.output
    tags = MlflowClient(uri).get_model_version(model_name, candidate).tags
    assert (tags["mlgate.approved_by"], tags["mlgate.approval"]) == (
        "carol",
        "protected environment production",
    )


def test_a_missing_report_does_not_block_a_promotion(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    github.state.comments.clear()
    github.add_review(42, login="bob", state="APPROVED", commit_id=HEAD)
    result = promote(uri, github_env(github, tmp_path, review_event()))
    assert result.exit_code == 0, result.output
    assert "no mlgate report on the pull/merge request to add the outcome to" in result.stderr
    assert champion(uri, model_name) == candidate
