"""The promotion-request issue: where a candidate with no pull request (a registry event, a
schedule, a manual run) waits for a human.

One open issue per model, found again by its marker (and, like the drift issue, only when
our own identity wrote it). Its body shows the version awaiting approval, its verdict, how
to approve exactly that version, and the report; a hidden JSON line keeps the version and
commit, which is what an approval on the issue is bound to. A newer candidate replaces the
body in place (with a comment saying which version it supersedes); promoting the version
the request shows closes it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from mlgate.core.tracking import Plan, Step, TrackedIssue

_STATE = re.compile(r"^<!-- mlgate:request-state (\{.*\}) -->$", re.MULTILINE)
_UNSAFE = re.compile(r"[^A-Za-z0-9._/ -]")


def request_marker(model: str) -> str:
    """``<!-- mlgate:request model=NAME -->``; characters that could end the comment or
    the line are replaced, so the marker stays one HTML comment."""
    return f"<!-- mlgate:request model={_UNSAFE.sub('_', model)[:200]} -->"


@dataclass(frozen=True, kw_only=True)
class RequestState:
    version: str | None  # None: the candidate was not registered, nothing to approve
    commit: str | None
    status: str  # the verdict: pass, fail, no_baseline, error
    # When the request first showed this version (ISO 8601): a command written before it
    # cannot have approved it.
    shown_at: str | None = None

    @property
    def approvable(self) -> bool:
        return self.version is not None and self.status in ("pass", "no_baseline")

    def line(self) -> str:
        text = json.dumps(
            {
                "version": self.version,
                "commit": self.commit,
                "status": self.status,
                "shown_at": self.shown_at,
            },
            ensure_ascii=True,
        )
        return (
            "<!-- mlgate:request-state "
            + text.replace("<", "\\u003c").replace(">", "\\u003e")
            + " -->"
        )


def read_request(body: str) -> RequestState | None:
    found = _STATE.search(body)
    if not found:
        return None
    try:
        data: Any = json.loads(found.group(1))
        version = data.get("version")
        commit = data.get("commit")
        shown_at = data.get("shown_at")
        return RequestState(
            version=None if version is None else str(version),
            commit=None if commit is None else str(commit),
            status=str(data["status"]),
            shown_at=None if shown_at is None else str(shown_at),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True, kw_only=True)
class HowToApprove:
    """The platform's ways to approve, shown in the request."""

    command: str = "/mlgate promote"
    environment: str | None = None  # GitHub: the environment whose reviewers approve
    run_url: str | None = None  # the run (GitHub) or pipeline (GitLab) holding the job
    platform: str = "github"


def plan_request(
    *,
    model: str,
    state: RequestState,
    report: str,
    existing: TrackedIssue | None,
    how: HowToApprove,
    md: Any,
) -> Plan:
    """Open the request, or replace its body in place; ``md`` escapes user text."""
    name = md(model)
    version = state.version or "?"
    title = f"Promotion request: {model} version {version}"[:250]
    lines = [
        request_marker(model),
        state.line(),
        f"### 🚦 Promotion request: **{name}** version **{md(version)}**",
        "",
        *_verdict_lines(state, md),
        "",
        *_approval_lines(state, how, md),
        "",
        report,
    ]
    body = "\n".join(lines)
    if existing is None:
        return Plan(step=Step.OPEN, title=title, body=body)
    previous = read_request(existing.body)
    if (
        previous is not None
        and previous.approvable
        and not state.approvable
        and previous.version != state.version
    ):
        return _held(existing, previous=previous, failed=state, md=md, model=model)
    comment = ""
    if previous is not None and previous.version != state.version:
        comment = (
            f"Version {md(previous.version or '?')} is superseded by version {md(version)}; "
            f"approvals of version {md(previous.version or '?')} no longer count."
        )
    return Plan(step=Step.UPDATE, title=title, body=body, comment=comment)


_NEWER = "<!-- mlgate:request-newer -->"


def _held(
    existing: TrackedIssue, *, previous: RequestState, failed: RequestState, md: Any, model: str
) -> Plan:
    """A newer candidate that cannot be promoted never displaces one waiting for approval:
    the request keeps showing (and binding) the approvable version, and says why."""
    waiting, newer = md(previous.version or "?"), md(failed.version or "?")
    commit = f", commit `{md(failed.commit[:12])}`" if failed.commit else ""
    said = (
        f"{_NEWER}\n> ⚠️ Newer candidate: version **{newer}** — verdict "
        f"**{md(failed.status)}**{commit} — cannot be promoted. Version **{waiting}**, shown "
        "below, is still the one awaiting approval.\n"
    )
    kept = re.sub(re.escape(_NEWER) + r"\n[^\n]*\n", "", existing.body)
    marker = request_marker(model)
    body = kept.replace(marker + "\n", marker + "\n" + said, 1) if marker in kept else kept
    return Plan(
        step=Step.UPDATE,
        title=f"Promotion request: {model} version {previous.version}"[:250],
        body=body,
        comment=(
            f"Version {newer} failed the gate ({md(failed.status)}) and cannot be promoted; "
            f"version {waiting} is still awaiting approval and can be approved."
        ),
    )


def plan_request_close(existing: TrackedIssue, *, version: str, alias: str, md: Any) -> Plan:
    """After ``version`` was promoted: close the request if it is the version it shows."""
    shown = read_request(existing.body)
    if shown is None or shown.version != version:
        return Plan(step=Step.NONE)
    return Plan(
        step=Step.CLOSE,
        comment=f"🚀 Version {md(version)} was promoted to @{md(alias)}; closing this request.",
    )


def _verdict_lines(state: RequestState, md: Any) -> list[str]:
    commit = f" (commit `{md(state.commit[:12])}`)" if state.commit else ""
    if state.version is None:
        return [
            f"The gate's verdict is **{md(state.status)}**{commit}, but the candidate is not a "
            "registered version: evaluate it with `--register` to make it approvable."
        ]
    if state.approvable:
        return [f"The gate's verdict is **{md(state.status)}**{commit}: ready for approval."]
    return [
        f"The gate's verdict is **{md(state.status)}**{commit}: this version cannot be "
        "promoted. A newer candidate will replace this request."
    ]


def _approval_lines(state: RequestState, how: HowToApprove, md: Any) -> list[str]:
    if not state.approvable:
        return []
    version = md(state.version or "?")
    exact = f"`{how.command} {state.version}`"
    lines = ["**To approve exactly this version:**"]
    if how.platform == "github":
        if how.environment:
            run = f" of [the run]({how.run_url})" if how.run_url else ""
            lines.append(
                f"- approve the deployment{run} to the **{md(how.environment)}** environment "
                "(Review deployments), or"
            )
        lines.append(f"- comment {exact} on this issue (a newly created comment, by a writer).")
    else:
        pipeline = f" of [the pipeline]({how.run_url})" if how.run_url else ""
        lines.append(
            f"- run the manual **mlgate-promote** job{pipeline}: it promotes version {version} "
            "and nothing else; its protected environment decides who may run it."
        )
    lines.append(f"A command naming another version is refused; version {version} is bound.")
    return lines
