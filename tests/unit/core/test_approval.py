"""The approval policy, adversarially: each way to sneak a promotion through is refused
with a reason that names the reviewer, the commit or the rule."""

from __future__ import annotations

import pytest

from mlgate.core.approval import (
    CommentCommand,
    GitLabApprovals,
    Policy,
    Review,
    decide_command,
    decide_gitlab,
    decide_reviews,
)

HEAD = "a" * 40
OLD = "b" * 40
AUTHOR = "alice"
PERMS = {
    "bob": "write",
    "carol": "admin",
    "dave": "read",
    "erin": "triage",
    "alice": "admin",
    "deploy-bot[bot]": "write",
    "mallory": "none",
}


def review(user: str, state: str = "APPROVED", commit: str = HEAD, bot: bool = False) -> Review:
    return Review(user=user, state=state, commit_id=commit, is_bot=bot)


@pytest.mark.parametrize(
    ("reviews", "policy", "approved", "reason"),
    [
        ([review("bob")], Policy(), True, None),
        ([review("carol")], Policy(), True, None),
        (
            [review("alice")],
            Policy(),
            False,
            "alice's approval does not count: they are the pull request's author",
        ),
        ([review("alice")], Policy(allow_author=True), True, None),
        (
            [review("bob", commit=OLD)],
            Policy(),
            False,
            f"bob approved commit {OLD[:12]}, not the head {HEAD[:12]}",
        ),
        (
            [review("bob"), review("bob", "CHANGES_REQUESTED")],
            Policy(),
            False,
            "bob requested changes",
        ),
        (
            [review("bob"), review("bob", "DISMISSED")],
            Policy(),
            False,
            "bob's review was dismissed",
        ),
        (
            [review("bob", "CHANGES_REQUESTED"), review("bob")],
            Policy(),
            True,
            None,
        ),  # latest counts
        (
            [review("bob"), review("bob", "COMMENTED")],
            Policy(),
            True,
            None,
        ),  # a comment withdraws nothing
        (
            [review("dave")],
            Policy(),
            False,
            "dave's approval does not count: their permission is read, not write or admin",
        ),
        (
            [review("erin")],
            Policy(),
            False,
            "erin's approval does not count: their permission is triage, not write or admin",
        ),
        ([review("mallory")], Policy(), False, "their permission is none"),
        ([review("stranger")], Policy(), False, "their permission is none"),
        (
            [review("deploy-bot[bot]", bot=True)],
            Policy(),
            False,
            "bots may not approve a promotion",
        ),
        ([review("deploy-bot[bot]", bot=True)], Policy(allow_bots=True), True, None),
        (
            [review("bob")],
            Policy(required=2),
            False,
            "1 more approval(s) on the head commit needed (have 1 of 2)",
        ),
        ([review("bob"), review("carol")], Policy(required=2), True, None),
        (
            [review("bob"), review("BOB")],
            Policy(required=2),
            False,
            "have 1 of 2",
        ),  # one person, one vote
        ([], Policy(), False, "1 more approval(s) on the head commit needed (have 0 of 1)"),
    ],
)
def test_reviews(reviews: list[Review], policy: Policy, approved: bool, reason: str | None) -> None:
    decision = decide_reviews(
        reviews, head_sha=HEAD, author=AUTHOR, permissions=PERMS, policy=policy
    )
    assert decision.approved is approved, decision
    if reason is not None:
        assert any(reason in r for r in decision.reasons), decision.reasons


@pytest.mark.parametrize(
    ("command", "approved", "reason"),
    [
        (CommentCommand(user="bob", body="/mlgate promote", action="created"), True, None),
        (
            CommentCommand(user="bob", body="/mlgate promote\nlooks good", action="created"),
            True,
            None,
        ),
        (
            CommentCommand(user="bob", body="/mlgate promote", action="edited"),
            False,
            "the command comment was edited, not newly created",
        ),
        (
            CommentCommand(user="dave", body="/mlgate promote", action="created"),
            False,
            "dave may not promote: their permission is read",
        ),
        (
            CommentCommand(user="alice", body="/mlgate promote", action="created"),
            False,
            "alice may not promote: they are the pull request's author",
        ),
        (
            CommentCommand(
                user="deploy-bot[bot]", body="/mlgate promote", action="created", is_bot=True
            ),
            False,
            "bots may not approve",
        ),
        (
            CommentCommand(user="bob", body="please /mlgate promote", action="created"),
            False,
            "the comment is not '/mlgate promote'",
        ),
        (
            CommentCommand(user="bob", body="/mlgate promoted", action="created"),
            False,
            "the comment is not",
        ),
    ],
)
def test_comment_command(command: CommentCommand, approved: bool, reason: str | None) -> None:
    decision = decide_command(command, author=AUTHOR, permissions=PERMS, policy=Policy())
    assert decision.approved is approved, decision
    if reason is not None:
        assert any(reason in r for r in decision.reasons), decision.reasons


@pytest.mark.parametrize(
    ("approvals", "approved", "reason"),
    [
        (
            GitLabApprovals(approvals_left=0, approved_by=("bob",), head_sha=HEAD, author=AUTHOR),
            True,
            None,
        ),
        (
            GitLabApprovals(approvals_left=1, approved_by=(), head_sha=HEAD, author=AUTHOR),
            False,
            "1 more approval(s) required",
        ),
        (
            GitLabApprovals(approvals_left=0, approved_by=("alice",), head_sha=HEAD, author=AUTHOR),
            False,
            "the author alice's own approval does not count",
        ),
        (
            GitLabApprovals(
                approvals_left=0, approved_by=("alice", "bob"), head_sha=HEAD, author=AUTHOR
            ),
            False,
            "1 more approval(s) required",
        ),
        (
            GitLabApprovals(approvals_left=0, approved_by=("bob",), head_sha=OLD, author=AUTHOR),
            False,
            f"the merge request head is {OLD[:12]}",
        ),
    ],
)
def test_gitlab(approvals: GitLabApprovals, approved: bool, reason: str | None) -> None:
    decision = decide_gitlab(approvals, verdict_sha=HEAD, policy=Policy())
    assert decision.approved is approved, decision
    if reason is not None:
        assert any(reason in r for r in decision.reasons), decision.reasons


# -- without a pull request ---------------------------------------------------------------

from mlgate.core.approval import (  # noqa: E402
    Binding,
    RunApproval,
    decide_environment,
    decide_request_command,
    latest,
)

ENV_PERMS = {"bob": "write", "alice": "admin", "dave": "read", "carol": "admin"}


def run_approval(
    user: str, state: str = "approved", env: str = "production", **kw: object
) -> RunApproval:
    return RunApproval(user=user, state=state, environments=(env,), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("approvals", "approved", "reason"),
    [
        ([run_approval("bob")], True, None),
        ([run_approval("bob"), run_approval("bob")], True, None),
        ([], False, "have 0 of 1"),
        ([run_approval("dave")], False, "their permission is read"),
        ([run_approval("carol")], False, "the run's triggering actor"),
        ([run_approval("ci[bot]", is_bot=True)], False, "bots may not"),
        ([run_approval("bob"), run_approval("alice", "rejected")], False, "alice rejected"),
        ([run_approval("bob", env="staging")], False, "not the environment production"),
    ],
)
def test_environment_approvals(
    approvals: list[RunApproval], approved: bool, reason: str | None
) -> None:
    decision = decide_environment(
        approvals,
        environment="production",
        triggering_actor="carol",
        permissions=ENV_PERMS,
        policy=Policy(),
    )
    assert decision.approved is approved, decision
    if reason:
        assert any(reason in r for r in decision.reasons), decision.reasons


def test_environment_approvals_count_distinct_people() -> None:
    twice = [run_approval("bob"), run_approval("bob")]
    decision = decide_environment(
        twice,
        environment="production",
        triggering_actor="x",
        permissions=ENV_PERMS,
        policy=Policy(required=2),
    )
    assert not decision.approved and decision.approvers == ("bob",)


@pytest.mark.parametrize(
    ("body", "action", "user", "shown", "approved", "reason"),
    [
        ("/mlgate promote 7", "created", "bob", "7", True, None),
        ("/mlgate promote 7\nthanks", "created", "bob", "7", True, None),
        ("/mlgate promote 6", "created", "bob", "7", False, "names version '6'"),
        ("/mlgate promote 7", "edited", "bob", "7", False, "edited"),
        ("/mlgate promote 7", "created", "dave", "7", False, "permission is read"),
        ("/mlgate promote 7", "created", "x[bot]", "7", False, "bots may not"),
        ("/mlgate promote 7", "created", "bob", None, False, "no version awaiting"),
        ("/mlgate promote", "created", "bob", "7", False, "/mlgate promote 7"),
        ("ship it", "created", "bob", "7", False, "not '/mlgate promote'"),
    ],
)
def test_request_commands(
    body: str, action: str, user: str, shown: str | None, approved: bool, reason: str | None
) -> None:
    decision, _ = decide_request_command(
        CommentCommand(user=user, body=body, action=action, created_at="2026-12-02T10:00:05Z"),
        shown_version=shown,
        permissions=PERMS | {"x[bot]": "write"},
        policy=Policy(),
        shown_at="2026-12-02T10:00:00+00:00",
    )
    assert decision.approved is approved, decision
    if reason:
        assert any(reason in r for r in decision.reasons), decision.reasons


@pytest.mark.parametrize(
    ("created_at", "shown_at", "approved"),
    [
        ("2026-12-02T10:00:05Z", "2026-12-02T10:00:00+00:00", True),
        ("2026-12-02T09:59:59Z", "2026-12-02T10:00:00+00:00", False),  # a replayed old comment
        ("2026-12-02T10:00:00Z", "2026-12-02T10:00:00+00:00", False),  # not after
        (None, "2026-12-02T10:00:00+00:00", False),
        ("2026-12-02T10:00:05Z", None, False),  # a request that does not say when
        ("yesterday", "2026-12-02T10:00:00+00:00", False),
    ],
)
def test_a_request_command_must_come_after_the_request_showed_the_version(
    created_at: str | None, shown_at: str | None, approved: bool
) -> None:
    decision, _ = decide_request_command(
        CommentCommand(
            user="bob", body="/mlgate promote 7", action="created", created_at=created_at
        ),
        shown_version="7",
        permissions=PERMS,
        policy=Policy(),
        shown_at=shown_at,
    )
    assert decision.approved is approved, decision
    if not approved:
        assert "written before the request showed version 7" in decision.reasons[0]


HEAD_SHA = "abcdef0123456789" + "0" * 24


@pytest.mark.parametrize(
    ("body", "created_at", "report_at", "approved"),
    [
        ("/mlgate promote", "2026-12-02T10:00:05Z", "2026-12-02T10:00:00+00:00", True),
        ("/mlgate promote", "2026-12-02T09:59:59Z", "2026-12-02T10:00:00Z", False),
        ("/mlgate promote", "2026-12-02T10:00:00Z", "2026-12-02T10:00:00Z", False),
        ("/mlgate promote", None, "2026-12-02T10:00:00Z", False),
        ("/mlgate promote", "2026-12-02T10:00:05Z", None, False),
        ("/mlgate promote", "garbage", "2026-12-02T10:00:00Z", False),
        ("/mlgate promote abcdef0", None, None, True),
        ("/mlgate promote ABCDEF0123", None, None, True),
        ("/mlgate promote abcdef", None, None, False),
        ("/mlgate promote bbcdef0", "2026-12-02T10:00:05Z", "2026-12-02T10:00:00Z", False),
    ],
)
def test_a_pr_command_is_bound_to_the_head(
    body: str, created_at: str | None, report_at: str | None, approved: bool
) -> None:
    decision = decide_command(
        CommentCommand(user="bob", body=body, action="created", created_at=created_at),
        author=AUTHOR,
        permissions=PERMS,
        policy=Policy(),
        binding=Binding(head_sha=HEAD_SHA, report_at=report_at),
    )
    assert decision.approved is approved, decision
    if not approved:
        assert any("comment again" in r for r in decision.reasons)


def test_latest() -> None:
    assert latest(["2026-12-02T10:00:00Z", "2026-12-02T10:30:00+01:00", "x"]) == (
        "2026-12-02T10:00:00Z"
    )
    assert latest(["2026-12-02T10:00:00Z", "2026-12-02T10:00:01Z"]) == "2026-12-02T10:00:01Z"
    assert latest(["nope"]) is None


# -- approval.scope: one approval, several models -------------------------------------


def test_scope_model_needs_the_command_to_name_the_model_when_the_pr_gates_several() -> None:
    from mlgate.core.approval import CommentCommand, Policy, decide_command

    def decide(body: str, *, scope: str = "model", model: str = "churn") -> object:
        return decide_command(
            CommentCommand(user="alice", body=body, action="created"),
            author="dev",
            permissions={"alice": "write"},
            policy=Policy(scope=scope),
            model=model,
            gated=("churn", "fraud"),
        )

    refused = decide("/mlgate promote")
    assert not refused.approved and "approval.scope is model" in refused.reasons[0]
    assert decide("/mlgate promote churn").approved
    other = decide("/mlgate promote fraud")
    assert not other.approved and "names the model 'fraud', not 'churn'" in other.reasons[0]
    assert decide("/mlgate promote", scope="pr").approved
    assert decide("/mlgate promote", model="solo").approved is False  # the PR gates others


def test_scope_model_lets_a_bare_approval_promote_the_only_model() -> None:
    from mlgate.core.scope import scope_refusal

    for gated in (("churn",), ()):
        refusal = scope_refusal(
            model="churn", named=None, gated=gated, scope="model", command="/mlgate promote"
        )
        assert refusal is None
