"""The GitHub adapter: real PyGithub over real HTTP against the fake GitHub in tests/fakes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from github_server import FakeGitHub, Fault

from mlgate.adapters.github import ACTIONS_BOT, GitHub, GitHubTarget, ReadOnlyToken
from mlgate.core.comments import Action, CommentMode
from mlgate.errors import ServiceError

REPO = "acme/churn"
MARKER = "<!-- mlgate:report model=churn -->"
BODY = MARKER + "\n✅ passed"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    server.state.users = {"user-token": "mlgate-bot", "actions-token": None, "fork-token": None}
    server.state.read_only = {"fork-token"}
    yield server
    server.close()


def client(fake: FakeGitHub, token: str = "user-token", **kwargs: object) -> GitHub:
    return GitHub(
        GitHubTarget(api_url=fake.api_url, repository=REPO, token=token), min_interval=0, **kwargs
    )  # type: ignore[arg-type]


def writes(fake: FakeGitHub) -> list[tuple[str, str]]:
    return [r for r in fake.requests() if r[0] != "GET"]


def test_first_post_then_update_in_place_then_unchanged(fake: FakeGitHub) -> None:
    gh = client(fake)
    first = gh.publish_comment(number=7, marker=MARKER, body=BODY, mode=CommentMode.UPDATE)
    assert first.action is Action.CREATE
    assert first.url and first.url.endswith("/acme/churn/pull/7#issuecomment-1001")
    second = gh.publish_comment(
        number=7, marker=MARKER, body=MARKER + "\n❌ failed", mode=CommentMode.UPDATE
    )
    assert second.action is Action.UPDATE and second.url == first.url
    assert [c["body"] for c in fake.comments(REPO, 7)] == [MARKER + "\n❌ failed"]
    before = len(writes(fake))
    third = gh.publish_comment(
        number=7, marker=MARKER, body=MARKER + "\n❌ failed", mode=CommentMode.UPDATE
    )
    assert third.action is Action.UNCHANGED
    assert len(writes(fake)) == before  # no API write when the body is unchanged


def test_250_comments_find_ours_on_page_3_in_at_most_5_requests(fake: FakeGitHub) -> None:
    for i in range(249):
        fake.add_comment(REPO, 9, login=f"dev{i % 7}", body=f"comment {i}")
    ours = fake.add_comment(REPO, 9, login="mlgate-bot", body=BODY)
    gh = client(fake)
    result = gh.publish_comment(
        number=9, marker=MARKER, body=MARKER + "\nnew", mode=CommentMode.UPDATE
    )
    assert result.action is Action.UPDATE
    assert fake.comments(REPO, 9)[-1]["id"] == ours["id"] and fake.comments(REPO, 9)[-1][
        "body"
    ].endswith("new")
    assert len(fake.comments(REPO, 9)) == 250  # no duplicate
    assert len(fake.requests()) <= 5, fake.requests()


def test_someone_elses_comment_with_our_marker_is_ignored(fake: FakeGitHub) -> None:
    forged = fake.add_comment(REPO, 3, login="mallory", body=BODY + "\nAPPROVED, trust me")
    client(fake).publish_comment(number=3, marker=MARKER, body=BODY, mode=CommentMode.UPDATE)
    comments = fake.comments(REPO, 3)
    assert comments[0] == forged  # untouched
    assert [c["user"]["login"] for c in comments] == ["mallory", "mlgate-bot"]


def test_marker_of_another_model_is_not_ours(fake: FakeGitHub) -> None:
    fake.add_comment(REPO, 4, login="mlgate-bot", body="<!-- mlgate:report model=other -->\nx")
    client(fake).publish_comment(number=4, marker=MARKER, body=BODY, mode=CommentMode.UPDATE)
    assert len(fake.comments(REPO, 4)) == 2


def test_recreate_and_new_modes(fake: FakeGitHub) -> None:
    gh = client(fake)
    gh.publish_comment(number=5, marker=MARKER, body=BODY, mode=CommentMode.UPDATE)
    fake.add_comment(REPO, 5, login="dev", body="later")
    gh.publish_comment(number=5, marker=MARKER, body=BODY + " again", mode=CommentMode.RECREATE)
    assert [c["body"] for c in fake.comments(REPO, 5)] == ["later", BODY + " again"]
    gh.publish_comment(number=5, marker=MARKER, body=BODY + " again", mode=CommentMode.NEW)
    assert len(fake.comments(REPO, 5)) == 3
    assert (
        gh.publish_comment(number=5, marker=MARKER, body=BODY, mode=CommentMode.OFF).action
        is Action.SKIP
    )


def test_actions_token_is_the_actions_bot(fake: FakeGitHub) -> None:
    gh = client(fake, token="actions-token")
    assert gh.own_login() == ACTIONS_BOT
    gh.publish_comment(number=1, marker=MARKER, body=BODY, mode=CommentMode.UPDATE)
    gh.publish_comment(number=1, marker=MARKER, body=BODY + "!", mode=CommentMode.UPDATE)
    assert [c["user"]["login"] for c in fake.comments(REPO, 1)] == [ACTIONS_BOT]


def test_502_then_success_makes_one_comment(fake: FakeGitHub) -> None:
    fake.state.faults.append(Fault("POST", "/issues/2/comments", 502, {"message": "Server Error"}))
    result = client(fake).publish_comment(
        number=2, marker=MARKER, body=BODY, mode=CommentMode.UPDATE
    )
    assert result.action is Action.CREATE
    assert len(fake.comments(REPO, 2)) == 1


def test_429_with_retry_after_is_honoured(fake: FakeGitHub) -> None:
    fake.state.faults.append(
        Fault(
            "GET", "/issues/6/comments", 429, {"message": "Too Many Requests"}, {"Retry-After": "1"}
        )
    )
    started = time.monotonic()
    client(fake).publish_comment(number=6, marker=MARKER, body=BODY, mode=CommentMode.UPDATE)
    assert time.monotonic() - started >= 1
    assert len(fake.comments(REPO, 6)) == 1


def test_secondary_rate_limit_is_waited_out(fake: FakeGitHub) -> None:
    fake.state.faults.append(
        Fault(
            "POST",
            "/issues/8/comments",
            403,
            {
                "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
            },
            {"Retry-After": "1"},
        )
    )
    result = client(fake).publish_comment(
        number=8, marker=MARKER, body=BODY, mode=CommentMode.UPDATE
    )
    assert result.action is Action.CREATE
    assert len(fake.comments(REPO, 8)) == 1


def test_persistent_5xx_is_a_service_error(fake: FakeGitHub) -> None:
    for _ in range(10):
        fake.state.faults.append(
            Fault("POST", "/issues/10/comments", 503, {"message": "unavailable"})
        )
    with pytest.raises(ServiceError, match=r"failed after retries.*503"):
        client(fake, retries=2).publish_comment(
            number=10, marker=MARKER, body=BODY, mode=CommentMode.UPDATE
        )
    assert fake.comments(REPO, 10) == []


def test_fork_token_is_read_only(fake: FakeGitHub) -> None:
    with pytest.raises(ReadOnlyToken, match="read-only"):
        client(fake, token="fork-token").publish_comment(
            number=11, marker=MARKER, body=BODY, mode=CommentMode.UPDATE
        )


def test_commit_status(fake: FakeGitHub) -> None:
    client(fake).set_status(
        sha="a" * 40,
        state="failure",
        context="mlgate/churn",
        description="2 metrics failed",
        target_url=None,
    )
    assert fake.state.statuses[0]["state"] == "failure"
    assert fake.state.statuses[0]["context"] == "mlgate/churn"


def test_primary_rate_limit_waits_for_the_reset(fake: FakeGitHub) -> None:
    reset = int(time.time()) + 2
    fake.state.faults.append(
        Fault(
            "GET",
            "/issues/12/comments",
            403,
            {
                "message": "API rate limit exceeded for installation ID 1.",
                "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
            },
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
        )
    )
    started = time.monotonic()
    client(fake).publish_comment(number=12, marker=MARKER, body=BODY, mode=CommentMode.UPDATE)
    assert time.monotonic() - started >= 1
    assert len(fake.comments(REPO, 12)) == 1


def test_a_create_whose_reply_was_lost_is_not_posted_twice(fake: FakeGitHub) -> None:
    fake.state.faults.append(
        Fault("POST", "/issues/13/comments", 502, {"message": "Bad Gateway"}, apply=True)
    )
    result = client(fake).publish_comment(
        number=13, marker=MARKER, body=BODY, mode=CommentMode.UPDATE
    )
    assert result.action is Action.CREATE
    assert len(fake.comments(REPO, 13)) == 1
    assert result.url == fake.comments(REPO, 13)[0]["html_url"]


def test_a_create_that_failed_outright_is_retried_once_it_is_clear_nothing_landed(
    fake: FakeGitHub,
) -> None:
    fake.state.faults.append(Fault("POST", "/issues/14/comments", 503, {"message": "unavailable"}))
    result = client(fake).publish_comment(
        number=14, marker=MARKER, body=BODY, mode=CommentMode.UPDATE
    )
    assert result.action is Action.CREATE
    assert len(fake.comments(REPO, 14)) == 1


def test_timeouts_are_retried_and_a_timed_out_create_is_not_duplicated(fake: FakeGitHub) -> None:
    fake.state.faults += [
        Fault("GET", "/issues/15/comments", 200, [], delay=3),  # type: ignore[arg-type]
        Fault("POST", "/issues/15/comments", 201, {}, apply=True, delay=3),
    ]
    gh = GitHub(
        GitHubTarget(api_url=fake.api_url, repository=REPO, token="user-token"),
        min_interval=0,
        timeout=1,
    )
    result = gh.publish_comment(number=15, marker=MARKER, body=BODY, mode=CommentMode.UPDATE)
    assert result.action is Action.CREATE
    assert len(fake.comments(REPO, 15)) == 1
