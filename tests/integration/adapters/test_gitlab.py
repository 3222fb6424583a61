"""The GitLab adapter and `mlgate publish` on GitLab CI: real python-gitlab over real HTTP
against the fake GitLab in tests/fakes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitlab_server import FakeGitLab, Fault
from quickstart_verdicts import quickstart_verdict

from mlgate.adapters.gitlab import GitLab, GitLabTarget
from mlgate.cli import cli
from mlgate.core.comments import Action, CommentMode

MARKER = "<!-- mlgate:report model=churn -->"
BODY = MARKER + "\n✅ passed"


@pytest.fixture(params=["", "/gitlab"], ids=["gitlab.com-style", "self-managed-under-a-path"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeGitLab]:
    server = FakeGitLab(prefix=request.param)
    server.state.users = {"glpat-token": "project_42_bot"}
    server.state.job_tokens = {"job-token"}
    yield server
    server.close()


def client(fake: FakeGitLab) -> GitLab:
    return GitLab(GitLabTarget(url=fake.url, project="42", token="glpat-token"))


def test_first_post_update_unchanged(fake: FakeGitLab) -> None:
    gl = client(fake)
    assert (
        gl.publish_note(iid=7, marker=MARKER, body=BODY, mode=CommentMode.UPDATE).action
        is Action.CREATE
    )
    assert (
        gl.publish_note(iid=7, marker=MARKER, body=BODY + "!", mode=CommentMode.UPDATE).action
        is Action.UPDATE
    )
    writes = len([r for r in fake.state.log if r[0] != "GET"])
    assert (
        gl.publish_note(iid=7, marker=MARKER, body=BODY + "!", mode=CommentMode.UPDATE).action
        is Action.UNCHANGED
    )
    assert len([r for r in fake.state.log if r[0] != "GET"]) == writes
    assert [n["body"] for n in fake.notes("42", 7)] == [BODY + "!"]


def test_250_notes_ours_on_page_3_others_with_marker_ignored(fake: FakeGitLab) -> None:
    fake.add_note("42", 9, username="mallory", body=BODY + "\nforged")
    for i in range(248):
        fake.add_note("42", 9, username=f"dev{i % 5}", body=f"note {i}", system=i % 10 == 0)
    ours = fake.add_note("42", 9, username="project_42_bot", body=BODY)
    fake.state.log.clear()
    client(fake).publish_note(iid=9, marker=MARKER, body=BODY + " v2", mode=CommentMode.UPDATE)
    notes = fake.notes("42", 9)
    assert len(notes) == 250
    assert notes[0]["body"] == BODY + "\nforged"
    assert next(n for n in notes if n["id"] == ours["id"])["body"] == BODY + " v2"
    assert len(fake.state.log) <= 5, fake.state.log


def test_transient_errors_are_retried(fake: FakeGitLab) -> None:
    fake.state.faults += [
        Fault("POST", "/notes", 502, {"message": "502 Bad Gateway"}),
        Fault("GET", "/notes", 429, {"message": "429 Too Many Requests"}, {"Retry-After": "1"}),
    ]
    client(fake).publish_note(iid=3, marker=MARKER, body=BODY, mode=CommentMode.UPDATE)
    assert len(fake.notes("42", 3)) == 1


def gitlab_env(fake: FakeGitLab, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "GITLAB_CI": "true",
        "GITHUB_ACTIONS": "",
        "CI_API_V4_URL": fake.api_url,
        "CI_PROJECT_ID": "42",
        "CI_PROJECT_URL": f"{fake.url}/acme/churn",
        "CI_MERGE_REQUEST_IID": "11",
        "CI_COMMIT_SHA": "c" * 40,
        "CI_PIPELINE_URL": f"{fake.url}/acme/churn/-/pipelines/9",
        "CI_JOB_TOKEN": "job-token",
        **extra,
    }


def test_publish_on_gitlab_ci(
    fake: FakeGitLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    env = gitlab_env(fake, tmp_path, GITLAB_TOKEN="glpat-token")
    result = CliRunner().invoke(
        cli,
        ["publish", quickstart_verdict(tmp_path, "candidate-regressed.json")],
        env=env,
        prog_name="mlgate",
    )
    assert result.exit_code == 1, result.output
    (note,) = fake.notes("42", 11)
    assert note["body"].startswith("<!-- mlgate:report model=churn-classifier -->\n❌")
    assert f"#note_{note['id']}" in result.stderr
    (status,) = fake.state.statuses
    assert (status["state"], status["name"], status["sha"]) == (
        "failed",
        "mlgate/churn-classifier",
        "c" * 40,
    )
    assert "accuracy 0.8841\n" in (tmp_path / "metrics.txt").read_text()
    assert (
        (tmp_path / "mlgate.env")
        .read_text()
        .startswith("MLGATE_VERDICT=fail\nMLGATE_MODEL=churn-classifier\n")
    )


def test_only_ci_job_token_says_which_token_to_create(
    fake: FakeGitLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["publish", quickstart_verdict(tmp_path, "candidate.json")],
        env=gitlab_env(fake, tmp_path),
        prog_name="mlgate",
    )
    assert result.exit_code == 0
    assert "CI_JOB_TOKEN cannot post merge request notes" in result.stderr
    assert "access token with the api scope" in result.stderr
    assert fake.notes("42", 11) == []
    assert (tmp_path / "mlgate-comment.md").exists() and (tmp_path / "metrics.txt").exists()
    strict = CliRunner().invoke(
        cli,
        ["publish", "verdict.json", "--require-comment"],
        env=gitlab_env(fake, tmp_path),
        prog_name="mlgate",
    )
    assert strict.exit_code == 3


def test_dotenv_and_metrics_are_safe() -> None:
    from mlgate.core.checks import Status
    from mlgate.core.rules import MetricRule
    from mlgate.core.verdict import Identity, MetricRow, Overall, Verdict
    from mlgate.publish.gitlab import dotenv_report, metrics_report

    rows = (
        MetricRow(
            name="eval.acc-1",
            baseline=None,
            candidate=0.5,
            status=Status.NEW,
            rule=MetricRule(name="x"),
        ),
        MetricRow(name="9lives", baseline=None, candidate=float("nan"), status=Status.FAIL),
        MetricRow(name="ok", baseline=None, candidate=2.0, status=Status.INFO),
    )
    verdict = Verdict(
        model="m\nEVIL=1",
        status=Overall.FAIL,
        candidate=Identity(label="c", commit="$(rm -rf /)"),
        baseline=None,
        metrics=rows,
    )
    assert metrics_report(verdict) == "eval_acc_1 0.5\nok 2\n"
    env = dotenv_report(verdict)
    assert env.splitlines()[1] == "MLGATE_MODEL=m_EVIL_1"
    assert "MLGATE_COMMIT=__rm_-rf_/_" in env
    assert json.dumps(env)  # plain text


def test_a_note_whose_reply_was_lost_is_not_posted_twice(fake: FakeGitLab) -> None:
    fake.state.faults.append(
        Fault("POST", "/notes", 502, {"message": "502 Bad Gateway"}, apply=True)
    )
    result = client(fake).publish_note(iid=4, marker=MARKER, body=BODY, mode=CommentMode.UPDATE)
    assert result.action is Action.CREATE
    assert len(fake.notes("42", 4)) == 1
