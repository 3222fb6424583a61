"""What the registry recorded about a version, held to the commit being promoted and to the
model it would replace."""

from __future__ import annotations

import pytest

from mlgate.core.approval import Policy
from mlgate.core.recorded import RecordedVerdict, check_production, check_verdict, same_commit

HEAD = "a" * 40
OLD = "b" * 40


@pytest.mark.parametrize(
    ("recorded", "policy", "reason"),
    [
        (RecordedVerdict(status="pass", commit=HEAD), Policy(), None),
        (RecordedVerdict(status="no_baseline", commit=HEAD), Policy(), None),
        (
            RecordedVerdict(status="no_baseline", commit=HEAD),
            Policy(allow_no_baseline=False),
            "the recorded verdict is 'no_baseline', not pass",
        ),
        (
            RecordedVerdict(status="fail", commit=HEAD),
            Policy(),
            "the recorded verdict is 'fail', not pass",
        ),
        (
            RecordedVerdict(status="pass", commit=OLD),
            Policy(),
            f"the verdict was computed for commit {OLD[:12]}, but the commit promoted is "
            f"{HEAD[:12]}",
        ),
        (
            RecordedVerdict(status="pass", commit=None),
            Policy(),
            "the recorded verdict names no commit",
        ),
        (
            RecordedVerdict(status=None, commit=None),
            Policy(),
            "no mlgate verdict is recorded on this version",
        ),
    ],
)
def test_recorded_verdict(recorded: RecordedVerdict, policy: Policy, reason: str | None) -> None:
    reasons = check_verdict(recorded, head_sha=HEAD, policy=policy)
    if reason is None:
        assert reasons == []
    else:
        assert any(reason in r for r in reasons), reasons


@pytest.mark.parametrize(
    ("recorded", "production", "reason"),
    [
        (RecordedVerdict(status="pass", commit=HEAD, baseline_version="4"), "4", None),
        (
            RecordedVerdict(status="pass", commit=HEAD, baseline_version="4"),
            "5",
            "production moved since version 6 was evaluated: the verdict compared it with "
            "version 4, and now version 5 holds it (@champion); evaluate it against the "
            "production model again",
        ),
        (
            RecordedVerdict(status="pass", commit=HEAD, baseline_version="4"),
            None,
            "the verdict compared it with version 4, and now none holds it (@champion)",
        ),
        (RecordedVerdict(status="no_baseline", commit=HEAD), None, None),
        (
            RecordedVerdict(status="no_baseline", commit=HEAD),
            "5",
            "the verdict compared it with no production model, and now version 5 holds it",
        ),
        # a baseline that was a file or a run names no registry version: nothing to hold to
        (RecordedVerdict(status="pass", commit=HEAD), "5", None),
        # the version already holds the alias: an interrupted promotion is being completed
        (RecordedVerdict(status="pass", commit=HEAD, baseline_version="4"), "6", None),
    ],
)
def test_the_verdict_must_have_compared_against_production(
    recorded: RecordedVerdict, production: str | None, reason: str | None
) -> None:
    reasons = check_production(recorded, version="6", production=production, alias="champion")
    if reason is None:
        assert reasons == []
    else:
        assert len(reasons) == 1 and reason in reasons[0], reasons


SHA = "2ed7a55c0ffee0123456789abcdef0123456789a"


@pytest.mark.parametrize(
    ("recorded", "given", "same"),
    [
        (SHA, SHA, True),
        (SHA, SHA[:7], True),  # promote --commit 2ed7a55
        (SHA[:7], SHA, True),  # a verdict recorded for a short SHA
        (SHA.upper(), SHA[:9], True),
        (SHA, SHA[:6], False),  # too short to be unambiguous
        (SHA, "2ed7a56", False),
        (SHA, "2ed7a55zz", False),
        ("", SHA, False),
    ],
)
def test_a_sha_prefix_of_seven_or_more_matches_in_both_directions(
    recorded: str, given: str, same: bool
) -> None:
    assert same_commit(recorded, given) is same


def test_a_too_short_prefix_says_to_give_the_full_sha() -> None:
    reasons = check_verdict(
        RecordedVerdict(status="pass", commit=SHA), head_sha=SHA[:5], policy=Policy()
    )
    assert reasons and "give the full SHA (a prefix needs at least 7 characters)" in reasons[0]
    assert (
        check_verdict(RecordedVerdict(status="pass", commit=SHA), head_sha=SHA[:7], policy=Policy())
        == []
    )


def test_a_runs_approval_covers_only_the_version_that_run_evaluated() -> None:
    from mlgate.core.recorded import RecordedVerdict, check_run

    ours = RecordedVerdict(status="pass", commit="a" * 40, ci_run="github/6007")
    assert check_run(ours, run="github/6007", version="2") == []
    (other,) = check_run(ours, run="github/6001", version="2")
    assert other.startswith("version 2 was evaluated by run github/6007, but this approval")
    (unknown,) = check_run(
        RecordedVerdict(status="pass", commit="a" * 40), run="github/1", version="4"
    )
    assert "records no CI run" in unknown
