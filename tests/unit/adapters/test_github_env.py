"""What a GitHub Actions job tells mlgate: the repository, the token, the pull request and its
head from the event payload, the run's link, the files GitHub gives for outputs and the
summary. Event payloads are untrusted input: malformed ones are one-line input errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlgate.adapters.github_env import append, from_environment, read_event, write_step_outputs
from mlgate.errors import InputError, UsageError

HEAD = "b" * 40
MERGE = "c" * 40


def job(tmp_path: Path, event: Any = None, **extra: str) -> dict[str, str]:
    env = {"GITHUB_REPOSITORY": "acme/churn", "GITHUB_SHA": MERGE, **extra}
    if event is not None:
        path = tmp_path / "event.json"
        path.write_text(json.dumps(event), encoding="utf-8")
        env["GITHUB_EVENT_PATH"] = str(path)
    return env


def test_a_pull_request_event_gives_its_number_and_head(tmp_path: Path) -> None:
    event = {"pull_request": {"number": 7, "head": {"sha": HEAD}}}
    context = from_environment(job(tmp_path, event, GITHUB_TOKEN="ghs-secret"))
    assert (context.number, context.head_sha) == (7, HEAD)
    assert context.repository == "acme/churn"
    assert context.api_url == "https://api.github.com"
    assert context.token == "ghs-secret"


def test_the_token_never_appears_in_the_context_repr(tmp_path: Path) -> None:
    context = from_environment(job(tmp_path, {}, GITHUB_TOKEN="ghs-secret"))
    assert "ghs-secret" not in repr(context)


def test_mlgate_github_token_wins_over_github_token(tmp_path: Path) -> None:
    env = job(tmp_path, {}, GITHUB_TOKEN="job-token", MLGATE_GITHUB_TOKEN="app-token")
    assert from_environment(env).token == "app-token"
    assert from_environment(job(tmp_path, {}, GITHUB_TOKEN="")).token is None


def test_a_comment_on_a_pull_request_gives_the_pull_requests_number(tmp_path: Path) -> None:
    event = {"issue": {"number": 12, "pull_request": {"url": "https://api.github.com/pulls/12"}}}
    assert from_environment(job(tmp_path, event)).number == 12


def test_a_comment_on_a_plain_issue_is_no_pull_request(tmp_path: Path) -> None:
    event = {"issue": {"number": 12}}
    assert from_environment(job(tmp_path, event)).number is None


def test_an_explicit_number_wins(tmp_path: Path) -> None:
    event = {"pull_request": {"number": 7, "head": {"sha": HEAD}}}
    assert from_environment(job(tmp_path, event), number=9).number == 9


def test_enterprise_server_urls(tmp_path: Path) -> None:
    env = job(
        tmp_path,
        {},
        GITHUB_API_URL="https://ghe.example.com/api/v3/",
        GITHUB_SERVER_URL="https://ghe.example.com/",
        GITHUB_RUN_ID="42",
    )
    context = from_environment(env)
    assert context.api_url == "https://ghe.example.com/api/v3"
    assert context.run_url == "https://ghe.example.com/acme/churn/actions/runs/42"


def test_no_run_id_no_run_url_and_no_summary_file(tmp_path: Path) -> None:
    context = from_environment(job(tmp_path, {}))
    assert context.run_url is None and context.step_summary is None


def test_outside_github_actions_it_says_so() -> None:
    with pytest.raises(UsageError, match="GITHUB_REPOSITORY is not set"):
        from_environment({})
    with pytest.raises(UsageError, match="owner/name"):
        from_environment({"GITHUB_REPOSITORY": "just-a-name"})


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"pull_request": "seven"}, "pull_request"),
        ({"pull_request": ["x"]}, "pull_request"),
        ({"pull_request": {"number": "7; echo"}}, "pull_request.number"),
        ({"pull_request": {"number": True}}, "pull_request.number"),
        ({"pull_request": {"number": -3}}, "pull_request.number"),
        ({"pull_request": {"number": 1.5}}, "pull_request.number"),
        ({"issue": "12"}, "issue"),
        ({"issue": {"number": "12", "pull_request": {"url": "u"}}}, "issue.number"),
    ],
)
def test_a_malformed_event_is_an_input_error_naming_the_field(
    tmp_path: Path, event: Any, field: str
) -> None:
    with pytest.raises(InputError) as raised:
        from_environment(job(tmp_path, event))
    message = str(raised.value)
    assert message.startswith(str(tmp_path / "event.json"))
    assert f": {field}: " in message
    assert "\n" not in message


def test_a_head_sha_that_is_not_text_falls_back_to_github_sha(tmp_path: Path) -> None:
    event = {"pull_request": {"number": 7, "head": {"sha": 12345}}}
    assert from_environment(job(tmp_path, event)).head_sha == MERGE


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "cannot read the event payload"),
        ("[1, 2]", "not a JSON object"),
        ('"text"', "not a JSON object"),
        (b"\xff\xfe{}", "cannot read the event payload"),
    ],
)
def test_an_unreadable_event_file_is_an_input_error(
    tmp_path: Path, content: str | bytes, problem: str
) -> None:
    path = tmp_path / "event.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=problem):
        read_event({"GITHUB_EVENT_PATH": str(path)})


def test_a_missing_event_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="points at a missing file"):
        read_event({"GITHUB_EVENT_PATH": str(tmp_path / "gone.json")})


def test_no_event_path_is_an_empty_event() -> None:
    assert read_event({}) == {}


def test_outputs_are_appended_one_heredoc_each(tmp_path: Path) -> None:
    output = tmp_path / "output"
    output.write_text("earlier=1\n", encoding="utf-8")
    write_step_outputs({"verdict": "pass", "drift": "warn"}, env={"GITHUB_OUTPUT": str(output)})
    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "earlier=1"
    assert [line.split("<<")[0] for line in lines[1::3]] == ["verdict", "drift"]
    assert lines[2::3] == ["pass", "warn"]


def test_a_value_that_contains_a_would_be_delimiter_cannot_close_its_heredoc(
    tmp_path: Path,
) -> None:
    output = tmp_path / "output"
    hostile = "MLGATE_EOF_0000000000000000\nverdict=pass"
    write_step_outputs({"model-version": hostile}, env={"GITHUB_OUTPUT": str(output)})
    first, *body, last = output.read_text(encoding="utf-8").splitlines()
    delimiter = first.split("<<", 1)[1]
    assert last == delimiter and delimiter not in hostile
    assert body == hostile.splitlines()


def test_an_output_file_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-file"
    folder.mkdir()
    with pytest.raises(InputError, match="not-a-file: cannot append"):
        append(folder, "x")
