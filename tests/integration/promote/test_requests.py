"""Promotion without a pull request, on GitHub: the report goes to the model's
promotion-request issue; the version it shows is approved by the job environment's
reviewers (GET …/actions/runs/{id}/approvals) or by `/mlgate promote V` on the issue —
with the real registry, PyGithub, and the fake over HTTP. Every adversarial case of
docs/promotion.md's matrix for these routes is here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from github_server import FakeGitHub
from mlflow.tracking import MlflowClient
from registry_helpers import evaluate_version, evaluated_store, log_run, register

from mlgate.cli import cli

REPO = "acme/churn"
HEAD = "7" * 40
RUN_ID = 77
REQUEST = "<!-- mlgate:request model="


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_name: str) -> tuple[str, str]:
    """Production, and a candidate registered by a scheduled retraining and evaluated for
    the default branch's commit (what a repository_dispatch run checks out)."""
    monkeypatch.chdir(tmp_path)
    return evaluated_store(
        tmp_path,
        model_name,
        commit=HEAD,
        config="approval:\n  environment: production\n",
        verdict=tmp_path / "verdict.json",
        run_id=RUN_ID,
    )


def evaluate(uri: str, model: str, version: str, out: Path) -> None:
    evaluate_version(uri, model, version, commit=HEAD, verdict=out)


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    fake.state.users = {"tok": None}
    fake.state.permissions = {"alice": "admin", "bob": "write", "dave": "read", "ci[bot]": "write"}
    yield fake
    fake.close()


def env(fake: FakeGitHub, tmp_path: Path, event_name: str, event: dict[str, Any]) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    return {
        "GITHUB_ACTIONS": "true",
        "GITLAB_CI": "",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": fake.api_url,
        "GITHUB_SERVER_URL": fake.host,
        "GITHUB_TOKEN": "tok",
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_RUN_ID": str(RUN_ID),
        "GITHUB_SHA": HEAD,
        "GITHUB_TRIGGERING_ACTOR": "carol",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
    }


def run(args: list[str], environment: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=environment, prog_name="mlgate")


def dispatch_event(model: str, version: str) -> dict[str, Any]:
    return {
        "action": "mlgate-model-version",
        "client_payload": {"model": model, "version": version, "event": "model_version.created"},
    }


def publish(fake: FakeGitHub, tmp_path: Path, model: str, version: str) -> Result:
    environment = env(fake, tmp_path, "repository_dispatch", dispatch_event(model, version))
    return run(["publish", str(tmp_path / "verdict.json"), "--print", "none"], environment)


def requests(fake: FakeGitHub) -> list[dict[str, Any]]:
    return [i for i in fake.issues(REPO) if REQUEST in (i["body"] or "")]


def champion(uri: str, name: str) -> str:
    return str(MlflowClient(uri).get_registered_model(name).aliases["champion"])


def test_the_report_goes_to_one_request_issue_updated_for_each_new_version(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    published = publish(github, tmp_path, model_name, candidate)
    assert published.exit_code == 0, published.output
    (issue,) = requests(github)
    assert f"{REQUEST}{model_name} -->" in issue["body"]
    assert f"version **{candidate}**" in issue["body"] and "ready for approval" in issue["body"]
    assert f"`/mlgate promote {candidate}`" in issue["body"]
    assert "**production** environment" in issue["body"]
    assert issue["user"]["login"] == "github-actions[bot]"

    newer = register(uri, log_run(uri, metrics={"accuracy": 0.93}), model_name)
    evaluate(uri, model_name, newer, tmp_path / "verdict.json")
    assert publish(github, tmp_path, model_name, newer).exit_code == 0
    (issue,) = requests(github)  # the same issue, in place
    assert f"version **{newer}**" in issue["body"] and f"promote {candidate}`" not in issue["body"]
    (comment,) = github.comments(REPO, issue["number"])
    assert f"Version {candidate} is superseded by version {newer}" in comment["body"]


def approve(fake: FakeGitHub, login: str = "bob", **kwargs: Any) -> None:
    fake.add_run_approval(
        kwargs.pop("run_id", RUN_ID),
        login=login,
        environment=kwargs.pop("environment", "production"),
        comment=kwargs.pop("comment", "looks right"),
        **kwargs,
    )


def promote_in_environment(fake: FakeGitHub, tmp_path: Path, model: str, version: str) -> Result:
    environment = env(fake, tmp_path, "repository_dispatch", dispatch_event(model, version))
    return run(["promote", "--version", version], environment)


@pytest.mark.parametrize(
    ("approvals", "reason"),
    [
        ([], "1 more approval(s) on the head commit needed (have 0 of 1)"),
        ([{"login": "dave"}], "dave's approval does not count: their permission is read"),
        ([{"login": "carol"}], "they are the run's triggering actor (no self-approval)"),
        ([{"login": "ci[bot]", "bot": True}], "bots may not approve a promotion"),
        ([{"login": "bob"}, {"login": "alice", "state": "rejected"}], "alice rejected"),
        ([{"login": "bob", "environment": "staging"}], "not the environment production"),
        ([{"login": "bob", "run_id": RUN_ID + 1}], "needed (have 0 of 1)"),
    ],
)
def test_environment_refusals(
    store: tuple[str, str],
    github: FakeGitHub,
    tmp_path: Path,
    model_name: str,
    approvals: list[dict[str, Any]],
    reason: str,
) -> None:
    uri, candidate = store
    github.state.permissions["carol"] = "admin"
    for approval in approvals:
        approve(github, approval.pop("login"), **approval)
    result = promote_in_environment(github, tmp_path, model_name, candidate)
    assert result.exit_code == 1, result.output
    assert reason in result.stderr, result.stderr
    assert champion(uri, model_name) == "1"


def test_an_environment_approval_promotes_the_version_and_closes_the_request(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    assert publish(github, tmp_path, model_name, candidate).exit_code == 0
    approve(github, "bob", comment="checked the slices")
    result = promote_in_environment(github, tmp_path, model_name, candidate)
    assert result.exit_code == 0, result.output
    assert champion(uri, model_name) == candidate
    tags = MlflowClient(uri).get_model_version(model_name, candidate).tags
    assert tags["mlgate.approved_by"] == "bob"
    assert "environment production" in tags["mlgate.approval"]
    assert "checked the slices" in tags["mlgate.reason"]
    assert tags["mlgate.commit"] == HEAD
    (issue,) = requests(github)
    assert issue["state"] == "closed"
    assert "was promoted to @champion" in github.comments(REPO, issue["number"])[-1]["body"]


def command_event(issue: int, body: str, *, login: str = "bob", **extra: Any) -> dict[str, Any]:
    return {
        "action": extra.pop("action", "created"),
        "issue": {"number": issue, "title": "Promotion request"},
        "comment": {
            "body": body,
            "user": {"login": login, "type": "Bot" if extra.pop("bot", False) else "User"},
            "html_url": f"https://example.invalid/issues/{issue}#c",
            # written now, after the request showed the version (unless a test says when)
            "created_at": extra.pop(
                "created_at",
                (datetime.now(timezone.utc) + timedelta(seconds=1)).isoformat(timespec="seconds"),
            ),
        },
    }


@pytest.mark.parametrize(
    ("body", "extra", "reason"),
    [
        ("/mlgate promote {other}", {}, "the command names version '{other}'"),
        ("/mlgate promote {version}", {"action": "edited"}, "was edited, not newly created"),
        ("/mlgate promote {version}", {"login": "dave"}, "their permission is read"),
        ("/mlgate promote {version}", {"login": "ci[bot]", "bot": True}, "bots may not"),
        ("/mlgate promote", {}, "name the version to promote: /mlgate promote {version}"),
    ],
)
def test_request_command_refusals(
    store: tuple[str, str],
    github: FakeGitHub,
    tmp_path: Path,
    model_name: str,
    body: str,
    extra: dict[str, Any],
    reason: str,
) -> None:
    uri, candidate = store
    assert publish(github, tmp_path, model_name, candidate).exit_code == 0
    (issue,) = requests(github)
    other = str(int(candidate) + 5)
    event = command_event(
        issue["number"], body.format(version=candidate, other=other), **dict(extra)
    )
    result = run(["promote"], env(github, tmp_path, "issue_comment", event))
    assert result.exit_code == 1, result.output
    assert reason.format(version=candidate, other=other) in result.stderr, result.stderr
    assert champion(uri, model_name) == "1"
    assert "Promotion refused" in github.comments(REPO, issue["number"])[-1]["body"]


def test_the_request_command_promotes_the_version_shown_and_closes_the_request(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    assert publish(github, tmp_path, model_name, candidate).exit_code == 0
    (issue,) = requests(github)
    event = command_event(issue["number"], f"/mlgate promote {candidate}")
    result = run(["promote"], env(github, tmp_path, "issue_comment", event))
    assert result.exit_code == 0, result.output
    assert champion(uri, model_name) == candidate
    assert (
        MlflowClient(uri).get_model_version(model_name, candidate).tags["mlgate.approved_by"]
        == "bob"
    )
    assert requests(github)[0]["state"] == "closed"


def test_a_command_written_before_the_request_showed_the_version_is_refused(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    assert publish(github, tmp_path, model_name, candidate).exit_code == 0
    (issue,) = requests(github)
    # a replayed payload: the comment predates the request's showing this version
    event = command_event(
        issue["number"], f"/mlgate promote {candidate}", created_at="2026-12-02T00:00:00Z"
    )
    result = run(["promote"], env(github, tmp_path, "issue_comment", event))
    assert result.exit_code == 1
    assert f"the command was written before the request showed version {candidate}" in (
        result.stderr
    )
    assert champion(uri, model_name) == "1"
    # the refusal is said on the request itself
    assert "written before the request showed" in github.comments(REPO, issue["number"])[-1]["body"]


def test_a_command_on_another_issue_approves_nothing(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    assert publish(github, tmp_path, model_name, candidate).exit_code == 0
    # Someone pastes the request's marker into an issue of their own.
    (real,) = requests(github)
    forged = github.add_issue(REPO, login="mallory", title="x", body=real["body"])
    event = command_event(forged["number"], f"/mlgate promote {candidate}")
    result = run(["promote"], env(github, tmp_path, "issue_comment", event))
    assert result.exit_code == 2 and "not on" in result.stderr, result.output
    assert champion(uri, model_name) == "1"


# -- GitLab: a trigger pipeline's request issue and protected manual job -----------------

from gitlab_server import FakeGitLab  # noqa: E402


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    fake = FakeGitLab()
    fake.state.users = {"glpat": "project_bot"}
    yield fake
    fake.close()


def gitlab_env(fake: FakeGitLab, version: str, **extra: str) -> dict[str, str]:
    return {
        "GITLAB_CI": "true",
        "GITHUB_ACTIONS": "",
        "CI_API_V4_URL": fake.api_url,
        "CI_PROJECT_ID": "42",
        "CI_PROJECT_URL": f"{fake.url}/acme/churn",
        "CI_PIPELINE_SOURCE": "trigger",
        "CI_PIPELINE_URL": f"{fake.url}/acme/churn/-/pipelines/900",
        "CI_PIPELINE_ID": "900",
        "CI_COMMIT_SHA": HEAD,
        "GITLAB_TOKEN": "glpat",
        "MLGATE_VERSION": version,
        **extra,
    }


def test_a_trigger_pipeline_requests_then_its_protected_job_promotes(
    store: tuple[str, str], gitlab: FakeGitLab, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    verdict = tmp_path / "verdict.json"
    evaluate_version(uri, model_name, candidate, commit=HEAD, verdict=verdict, pipeline_id=900)
    published = run(["publish", str(verdict), "--print", "none"], gitlab_env(gitlab, candidate))
    assert published.exit_code == 0, published.output
    (issue,) = [i for i in gitlab.issues("42") if REQUEST in (i["description"] or "")]
    assert f"version **{candidate}**" in issue["description"]
    assert "manual **mlgate-promote** job" in issue["description"]

    job = {"CI_ENVIRONMENT_NAME": "production", "GITLAB_USER_LOGIN": "carol"}
    unprotected = run(["promote"], gitlab_env(gitlab, candidate, **job))
    assert unprotected.exit_code == 1 and "is not protected" in unprotected.stderr
    no_environment = run(["promote"], gitlab_env(gitlab, candidate, GITLAB_USER_LOGIN="carol"))
    assert no_environment.exit_code == 1 and "has no environment" in no_environment.stderr
    assert champion(uri, model_name) == "1"

    gitlab.state.protected_environments.add("production")
    other = run(["promote"], gitlab_env(gitlab, candidate, **job, CI_COMMIT_SHA="8" * 40))
    assert other.exit_code == 1 and "the verdict was computed for commit" in other.stderr
    # the manual job of another pipeline, run with this version in MLGATE_VERSION
    replayed = run(["promote"], gitlab_env(gitlab, candidate, **job, CI_PIPELINE_ID="901"))
    assert replayed.exit_code == 1
    expected = f"version {candidate} was evaluated by run gitlab/900, but this approval is of run"
    assert f"{expected} gitlab/901" in replayed.stderr
    promoted = run(["promote"], gitlab_env(gitlab, candidate, **job))
    assert promoted.exit_code == 0, promoted.output
    assert champion(uri, model_name) == candidate
    tags = MlflowClient(uri).get_model_version(model_name, candidate).tags
    assert tags["mlgate.approved_by"] == "carol"
    (issue,) = [i for i in gitlab.issues("42") if REQUEST in (i["description"] or "")]
    assert issue["state"] == "closed"


def test_a_request_whose_state_was_edited_away_approves_nothing(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    assert publish(github, tmp_path, model_name, candidate).exit_code == 0
    (issue,) = requests(github)
    # A maintainer rewrites the body, keeping the marker but not the hidden state line.
    issue["body"] = f"{REQUEST}{model_name} -->\nplease ship version {candidate}"
    event = command_event(issue["number"], f"/mlgate promote {candidate}")
    result = run(["promote"], env(github, tmp_path, "issue_comment", event))
    assert result.exit_code == 1, result.output
    assert "the request issue shows no version awaiting approval" in result.stderr
    assert champion(uri, model_name) == "1"


def test_the_approval_of_one_run_does_not_promote_the_version_another_run_evaluated(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, gated_by_77 = store
    # another registry event's run (78) evaluates a newer version, on the same commit
    newer = register(uri, log_run(uri, metrics={"accuracy": 0.93}), model_name)
    evaluate_version(uri, model_name, newer, commit=HEAD, run_id=RUN_ID + 1)
    approve(github, "bob")  # bob approved run 77's deployment
    result = promote_in_environment(github, tmp_path, model_name, newer)
    assert result.exit_code == 1, result.output
    assert f"version {newer} was evaluated by run github/78, but this approval is of run " in (
        result.stderr
    )
    assert champion(uri, model_name) == "1"
    # the version run 77 evaluated is what its approval covers
    assert promote_in_environment(github, tmp_path, model_name, gated_by_77).exit_code == 0
    assert champion(uri, model_name) == gated_by_77


def test_a_verdict_from_outside_ci_is_not_covered_by_a_runs_approval(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, _ = store
    local = register(uri, log_run(uri, metrics={"accuracy": 0.93}), model_name)
    evaluate_version(uri, model_name, local, commit=HEAD)  # on a laptop: no CI run
    approve(github, "bob")
    result = promote_in_environment(github, tmp_path, model_name, local)
    assert result.exit_code == 1
    assert f"the verdict on version {local} records no CI run" in result.stderr


def test_an_environment_refusal_is_said_on_the_request(
    store: tuple[str, str], github: FakeGitHub, tmp_path: Path, model_name: str
) -> None:
    uri, candidate = store
    assert publish(github, tmp_path, model_name, candidate).exit_code == 0
    (issue,) = requests(github)
    approve(github, "dave")  # a reader
    result = promote_in_environment(github, tmp_path, model_name, candidate)
    assert result.exit_code == 1
    said = github.comments(REPO, issue["number"])[-1]["body"]
    assert said.startswith("⛔ **Promotion refused**")
    assert "dave\\'s approval does not count" in said  # Markdown-escaped
    assert requests(github)[0]["state"] == "open"
    assert champion(uri, model_name) == "1"
