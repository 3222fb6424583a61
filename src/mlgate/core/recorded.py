"""Whether what the registry recorded about a version still allows promoting it: a passing
verdict, for the commit being promoted, compared against the model it would replace. Pure:
adapters/promotion.py reads the ``mlgate.*`` tags; this module says yes or no, and why."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from mlgate.core.approval import Policy, same_sha


@dataclass(frozen=True, kw_only=True)
class RecordedVerdict:
    """What the registry's ``mlgate.*`` tags say about a version."""

    status: str | None
    commit: str | None
    evaluated_at: str | None = None
    # The production version the verdict compared against (``mlgate.baseline_version``);
    # None when the baseline was not a registry version, or there was none.
    baseline_version: str | None = None
    # The CI run that evaluated it (``mlgate.ci_run``: github/RUN_ID), when it ran in CI.
    ci_run: str | None = None
    # Which data justified the verdict (``eval_dataset``, ``eval_dataset.digest`` …), copied
    # into the promotion's audit so the lineage survives in the history.
    lineage: Mapping[str, str] = field(default_factory=dict)


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
    elif not same_commit(recorded.commit, head_sha):
        short = min(len(recorded.commit.strip()), len(head_sha.strip())) < MIN_PREFIX
        hint = (
            f"give the full SHA (a prefix needs at least {MIN_PREFIX} characters)"
            if short
            else "evaluate the current head, or give the full SHA of the commit evaluated"
        )
        reasons.append(
            f"the verdict was computed for commit {recorded.commit[:12]}, but the commit "
            f"promoted is {head_sha[:12]}; {hint}"
        )
    return reasons


def check_run(recorded: RecordedVerdict, *, run: str, version: str) -> list[str]:
    """Without a PR, an approval is of a CI run: it covers the version that run evaluated,
    and no other — runs started by registry events all share the default branch's commit."""
    if recorded.ci_run is None:
        return [
            f"the verdict on version {version} records no CI run, so this run's approval "
            "cannot be shown to cover it; evaluate it in the workflow whose environment "
            "approves the promotion"
        ]
    if recorded.ci_run != run:
        return [
            f"version {version} was evaluated by run {recorded.ci_run}, but this approval is "
            f"of run {run}: approve the run that evaluated it"
        ]
    return []


MIN_PREFIX = 7
_HEX = re.compile(r"[0-9a-f]+")


def same_commit(recorded: str, given: str) -> bool:
    """The same commit: equal SHAs, or one a prefix of the other of at least 7 hex digits
    (``git rev-parse --short`` gives 7), in either direction."""
    a, b = recorded.strip().lower(), given.strip().lower()
    if same_sha(a, b):
        return True
    shorter, longer = sorted((a, b), key=len)
    return (
        len(shorter) >= MIN_PREFIX
        and bool(_HEX.fullmatch(a))
        and bool(_HEX.fullmatch(b))
        and longer.startswith(shorter)
    )


def check_production(
    recorded: RecordedVerdict, *, version: str, production: str | None, alias: str
) -> list[str]:
    """Why the verdict's evidence no longer speaks for promoting ``version`` over the
    version in production now (empty: it does). A verdict compared against another model
    than the one it would replace is stale, however it came out."""
    if production == version:
        return []  # an interrupted promotion being completed
    if recorded.status == "no_baseline":
        against = None
    elif recorded.baseline_version:
        against = recorded.baseline_version
    else:
        return []  # the baseline was a file or a run: nothing in the registry to hold it to
    if against == production:
        return []
    was = "no production model" if against is None else f"version {against}"
    now = "none holds it" if production is None else f"version {production} holds it"
    return [
        f"production moved since version {version} was evaluated: the verdict compared it "
        f"with {was}, and now {now} (@{alias}); evaluate it against the production model "
        "again"
    ]
