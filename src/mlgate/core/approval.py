"""Who may promote, decided from plain data. Pure: the adapters fetch reviews, comments,
permissions and approvals; this module says yes or no, and why, in words a reviewer can act
on. Every rule is stated against the exact commit that was evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from mlgate.core.scope import scope_refusal, split_model

WRITE_PERMISSIONS = frozenset({"write", "maintain", "admin"})


@dataclass(frozen=True, kw_only=True)
class Policy:
    required: int = 1
    allow_author: bool = False
    allow_bots: bool = False
    command: str = "/mlgate promote"
    allow_no_baseline: bool = True
    environment: str | None = None  # GitHub: the environment whose reviewers approve
    scope: str = "model"  # model: one approval promotes one model; pr: every model of the PR


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
    created_at: str | None = None  # ISO 8601, as the API gives it


@dataclass(frozen=True, kw_only=True)
class Binding:
    """What a PR command must be bound to: the head commit, and when the report for that
    head was put in front of reviewers (a command older than that approved an older one)."""

    head_sha: str
    report_at: str | None  # ISO 8601; None when unknown (then only a named SHA binds)


@dataclass(frozen=True, kw_only=True)
class RunApproval:
    """A review of a workflow run's deployment (GET …/actions/runs/{id}/approvals)."""

    user: str
    state: str  # approved, rejected
    environments: tuple[str, ...]
    comment: str = ""
    is_bot: bool = False


@dataclass(frozen=True, kw_only=True)
class GitLabApprovals:
    approvals_left: int
    approved_by: tuple[str, ...]
    head_sha: str | None
    author: str


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
        elif not review.commit_id or not same_sha(review.commit_id, head_sha):
            approved = (review.commit_id or "?")[:12]
            reasons.append(f"{who} approved commit {approved}, not the head {head_sha[:12]}")
        else:
            approvers.append(who)
    return _tally(approvers, reasons, policy)


def decide_command(
    command: CommentCommand,
    *,
    author: str,
    permissions: Mapping[str, str],
    policy: Policy,
    binding: Binding | None = None,
    model: str | None = None,
    gated: Sequence[str] = (),
) -> Decision:
    """A ``/mlgate promote`` comment on a PR: newly created, from a writer (permission from
    the collaborator API, never author_association), not the author unless allowed — and
    bound to the head: it names a prefix (7+ characters) of the head SHA, or it was written
    after the report for the head was recorded."""
    who = command.user
    argument = _command_argument(command.body, policy.command)
    if argument is None:
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
    if model is not None:
        named, argument = split_model(argument, {model, *gated})
        out_of_scope = scope_refusal(
            model=model, named=named, gated=gated, scope=policy.scope, command=policy.command
        )
        if out_of_scope:
            return Decision(approved=False, reasons=(out_of_scope,))
    if binding is not None:
        unbound = _unbound(argument, command, binding, policy)
        if unbound:
            return Decision(approved=False, reasons=(unbound,))
    return Decision(approved=True, approvers=(who,))


def _unbound(argument: str, command: CommentCommand, binding: Binding, policy: Policy) -> str:
    head = binding.head_sha.lower()
    if argument:
        named = argument.split(maxsplit=1)[0].lower()
        if len(named) >= 7 and re.fullmatch(r"[0-9a-f]{7,40}", named) and head.startswith(named):
            return ""
        return (
            f"the command names {named[:40]!r}, not the head {head[:12]}; the head changed since "
            f"the report you approved; comment again: {policy.command} {head[:12]}"
        )
    written, shown = _instant(command.created_at), _instant(binding.report_at)
    if written is not None and shown is not None and written > shown:
        return ""
    return (
        "the head changed since the report you approved; comment again "
        f"({policy.command} {head[:12]} names the commit you approve)"
    )


def _command_argument(body: str, command: str) -> str | None:
    """What follows the command on the comment's first line ('' for none); None when the
    first line is not the command."""
    first = body.strip().splitlines()[0].strip() if body.strip() else ""
    if first == command:
        return ""
    if first.startswith(command + " "):
        return first[len(command) :].strip()
    return None


def decide_request_command(
    command: CommentCommand,
    *,
    shown_version: str | None,
    permissions: Mapping[str, str],
    policy: Policy,
    shown_at: str | None = None,
) -> tuple[Decision, str | None]:
    """``/mlgate promote V`` on a promotion-request issue: V must be the version the request
    shows now, in a newly created comment, from a writer who is not a bot. Returns the
    decision and the version named."""
    who = command.user
    argument = _command_argument(command.body, policy.command)
    if argument is None:
        return Decision(approved=False, reasons=(f"the comment is not {policy.command!r}",)), None
    named = argument.split()[0] if argument else ""
    if not named:
        return Decision(
            approved=False,
            reasons=(f"name the version to promote: {policy.command} {shown_version or 'N'}",),
        ), None
    if command.action != "created":
        reason = f"the command comment was {command.action}, not newly created"
        return Decision(approved=False, reasons=(reason,)), named
    refusal = _refuse_person(
        who, is_bot=command.is_bot, author="", permissions=permissions, policy=policy
    )
    if refusal:
        return Decision(approved=False, reasons=(f"{who} may not promote: {refusal}",)), named
    if shown_version is None:
        return Decision(
            approved=False, reasons=("the request issue shows no version awaiting approval",)
        ), named
    if named != shown_version:
        return Decision(
            approved=False,
            reasons=(
                f"the command names version {named[:20]!r}, but the request shows version "
                f"{shown_version}; comment {policy.command} {shown_version} to approve it",
            ),
        ), named
    written, shown = _instant(command.created_at), _instant(shown_at)
    if written is None or shown is None or written <= shown:
        return Decision(
            approved=False,
            reasons=(
                f"the command was written before the request showed version {shown_version} "
                f"(or when cannot be told); comment again: {policy.command} {shown_version}",
            ),
        ), named
    return Decision(approved=True, approvers=(who,)), named


def decide_environment(
    approvals: Sequence[RunApproval],
    *,
    environment: str,
    triggering_actor: str,
    permissions: Mapping[str, str],
    policy: Policy,
) -> Decision:
    """A GitHub environment's required reviewers approved this run's deployment: only
    reviews for ``environment`` count; any rejection refuses; an approval counts from a
    writer who is not the run's triggering actor (unless allowed) nor a bot."""
    approvers: list[str] = []
    reasons: list[str] = []
    mine = [a for a in approvals if environment in a.environments]
    others = sorted({e for a in approvals for e in a.environments if e != environment})
    if not mine and others:
        reasons.append(
            f"the run's approvals are for {', '.join(others)}, not the environment {environment}"
        )
    rejected = [a.user for a in mine if a.state.lower() == "rejected"]
    if rejected:
        return Decision(
            approved=False,
            reasons=tuple(f"{who} rejected the deployment to {environment}" for who in rejected),
        )
    for approval in mine:
        if approval.state.lower() != "approved":
            continue
        refusal = _refuse_person(
            approval.user,
            is_bot=approval.is_bot,
            author=triggering_actor,
            permissions=permissions,
            policy=policy,
            role="the run's triggering actor (no self-approval)",
        )
        if refusal:
            reasons.append(f"{approval.user}'s approval does not count: {refusal}")
        elif approval.user.lower() not in {a.lower() for a in approvers}:
            approvers.append(approval.user)
    return _tally(approvers, reasons, policy)


def latest(moments: Sequence[str]) -> str | None:
    """The latest of ISO 8601 ``moments`` (unparseable ones ignored)."""
    parsed = [(m, _instant(m)) for m in moments]
    known = [(when, text) for text, when in parsed if when is not None]
    return max(known)[1] if known else None


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


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
    if not approvals.head_sha or not same_sha(approvals.head_sha, verdict_sha):
        head = (approvals.head_sha or "?")[:12]
        reasons.append(
            f"the merge request head is {head}, but the verdict is for {verdict_sha[:12]}"
        )
    if left > 0 or not approvals.head_sha or not same_sha(approvals.head_sha, verdict_sha):
        return Decision(approved=False, approvers=tuple(approvers), reasons=tuple(reasons))
    return _tally(approvers, reasons, policy)


def _refuse_person(
    who: str,
    *,
    is_bot: bool,
    author: str,
    permissions: Mapping[str, str],
    policy: Policy,
    role: str = "the pull request's author",
) -> str | None:
    if author and who.lower() == author.lower() and not policy.allow_author:
        return f"they are {role}"
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


def same_sha(a: str, b: str) -> bool:
    a, b = a.strip().lower(), b.strip().lower()
    return bool(a) and a == b
