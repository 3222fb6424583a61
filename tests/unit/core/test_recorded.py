"""What the registry recorded about a version, held to the commit being promoted and to the
model it would replace."""

from __future__ import annotations

import pytest

from mlgate.core.approval import Policy
from mlgate.core.recorded import RecordedVerdict, check_production, check_verdict

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
            f"the verdict was computed for commit {OLD[:12]}, but the head is {HEAD[:12]}",
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
