"""Who may promote, decided from plain data. Pure: the adapters fetch reviews, comments,
permissions and approvals; this module says yes or no, and why, in words a reviewer can act
on. Every rule is stated against the exact commit that was evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

WRITE_PERMISSIONS = frozenset({"write", "maintain", "admin"})


@dataclass(frozen=True, kw_only=True)
class Policy:
    required: int = 1
    allow_author: bool = False
    allow_bots: bool = False
    command: str = "/mlgate promote"
    allow_no_baseline: bool = True


@dataclass(frozen=True, kw_only=True)
class Decision:
    approved: bool
    approvers: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()  # why not (or, when approved, notes on what did not count)


@dataclass(frozen=True, kw_only=True)
class Review:
    """A GitHub pull request review, as the API lists it (oldest first)."""

    user: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    commit_id: str | None
    submitted_at: str | None = None
    is_bot: bool = False


@dataclass(frozen=True, kw_only=True)
class CommentCommand:
    """An ``issue_comment`` event."""

    user: str
    body: str
    action: str  # created, edited, deleted
    is_bot: bool = False


@dataclass(frozen=True, kw_only=True)
class RecordedVerdict:
    """What the registry's ``mlgate.*`` tags say about a version."""

    status: str | None
    commit: str | None
    # Which data justified the verdict (``eval_dataset``, ``eval_dataset.digest`` …), copied
    # into the promotion's audit so the lineage survives in the history.
    lineage: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class GitLabApprovals:
    approvals_left: int
    approved_by: tuple[str, ...]
    head_sha: str | None
    author: str


def check_verdict(recorded: RecordedVerdict, *, head_sha: str, policy: Policy) -> list[str]:
    """Reasons the recorded verdict does not allow promotion at ``head_sha`` (empty: it does)."""
    if recorded.status is None:
        return ["no mlgate verdict is recorded on this version; run mlgate evaluate first"]
    allowed = {"pass", "no_baseline"} if policy.allow_no_baseline else {"pass"}
    reasons = []
    if recorded.status not in allowed:
        reasons.append(f"the recorded verdict is {recorded.status!r}, not pass")
    if not recorded.commit:
        reasons.append("the recorded verdict names no commit")
    elif not _same_sha(recorded.commit, head_sha):
        reasons.append(
            f"the verdict was computed for commit {recorded.commit[:12]}, but the head is "
            f"{head_sha[:12]}; evaluate the current head"
        )
    return reasons


def decide_reviews(
    reviews: Sequence[Review],
    *,
    head_sha: str,
    author: str,
    permissions: Mapping[str, str],
    policy: Policy,
) -> Decision:
    """GitHub reviews: each reviewer's latest decisive review counts; an approval counts only
    on the head commit, from a writer who is not the author (nor a bot, unless allowed)."""
    latest: dict[str, Review] = {}
    for review in reviews:
        if review.state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[review.user.lower()] = review
    approvers: list[str] = []
    reasons: list[str] = []
    for review in latest.values():
        who = review.user
        if review.state == "CHANGES_REQUESTED":
            reasons.append(f"{who} requested changes")
            continue
        if review.state == "DISMISSED":
            reasons.append(f"{who}'s review was dismissed")
            continue
        refusal = _refuse_person(
            who, is_bot=review.is_bot, author=author, permissions=permissions, policy=policy
        )
        if refusal:
            reasons.append(f"{who}'s approval does not count: {refusal}")
        elif not review.commit_id or not _same_sha(review.commit_id, head_sha):
            approved = (review.commit_id or "?")[:12]
            reasons.append(f"{who} approved commit {approved}, not the head {head_sha[:12]}")
        else:
            approvers.append(who)
    return _tally(approvers, reasons, policy)


def decide_command(
    command: CommentCommand, *, author: str, permissions: Mapping[str, str], policy: Policy
) -> Decision:
    """A ``/mlgate promote`` comment: newly created, from a writer (permission from the
    collaborator API, never author_association), not the author unless allowed."""
    who = command.user
    first = command.body.strip().splitlines()[0].strip() if command.body.strip() else ""
    if first != policy.command and not first.startswith(policy.command + " "):
        return Decision(approved=False, reasons=(f"the comment is not {policy.command!r}",))
    if command.action != "created":
        return Decision(
            approved=False,
            reasons=(f"the command comment was {command.action}, not newly created",),
        )
    refusal = _refuse_person(
        who, is_bot=command.is_bot, author=author, permissions=permissions, policy=policy
    )
    if refusal:
        return Decision(approved=False, reasons=(f"{who} may not promote: {refusal}",))
    return Decision(approved=True, approvers=(who,))


def decide_gitlab(approvals: GitLabApprovals, *, verdict_sha: str, policy: Policy) -> Decision:
    """GitLab's own approval rules must be met without the author's approval, and the MR's
    head must be the evaluated commit."""
    reasons: list[str] = []
    author = approvals.author.lower()
    by_author = any(a.lower() == author for a in approvals.approved_by) and not policy.allow_author
    approvers = [a for a in approvals.approved_by if not (by_author and a.lower() == author)]
    # GitLab counted the author's approval towards approvals_left; without it one more is due.
    left = approvals.approvals_left + (1 if by_author else 0)
    if by_author:
        reasons.append(f"the author {approvals.author}'s own approval does not count")
    if left > 0:
        reasons.append(f"{left} more approval(s) required by the merge request's rules")
    if not approvals.head_sha or not _same_sha(approvals.head_sha, verdict_sha):
        head = (approvals.head_sha or "?")[:12]
        reasons.append(
            f"the merge request head is {head}, but the verdict is for {verdict_sha[:12]}"
        )
    if left > 0 or not approvals.head_sha or not _same_sha(approvals.head_sha, verdict_sha):
        return Decision(approved=False, approvers=tuple(approvers), reasons=tuple(reasons))
    return _tally(approvers, reasons, policy)


def _refuse_person(
    who: str, *, is_bot: bool, author: str, permissions: Mapping[str, str], policy: Policy
) -> str | None:
    if who.lower() == author.lower() and not policy.allow_author:
        return "they are the pull request's author"
    if (is_bot or who.lower().endswith("[bot]")) and not policy.allow_bots:
        return "bots may not approve a promotion"
    permission = permissions.get(who.lower(), permissions.get(who, "none"))
    if permission not in WRITE_PERMISSIONS:
        return f"their permission is {permission}, not write or admin"
    return None


def _tally(approvers: Iterable[str], reasons: list[str], policy: Policy) -> Decision:
    approvers = tuple(approvers)
    if len(approvers) >= policy.required:
        return Decision(approved=True, approvers=approvers, reasons=tuple(reasons))
    missing = policy.required - len(approvers)
    have = f"have {len(approvers)} of {policy.required}"
    reasons = [f"{missing} more approval(s) on the head commit needed ({have})", *reasons]
    return Decision(approved=False, approvers=approvers, reasons=tuple(reasons))


def _same_sha(a: str, b: str) -> bool:
    a, b = a.strip().lower(), b.strip().lower()
    return bool(a) and a == b
