"""The deployment change as a reviewer reads it: the PR/MR title and body, the commit
message and the unified diff. Pure functions; every value from the registry or a PR is
escaped (Markdown) or quoted (the shell commands the body offers)."""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlgate.report.text import clean, md, md_code

MARKER = "<!-- mlgate:deploy model={model} environment={environment} -->"


@dataclass(frozen=True, kw_only=True)
class Change:
    """What the body states."""

    model: str
    version: str
    uri: str
    environment: str
    rollback: bool
    old_version: str | None
    old_uri: str | None
    repository: str
    event: Mapping[str, Any]  # the promotion/rollback history entry
    report: str | None
    files: Sequence[str]


def marker(model: str, environment: str) -> str:
    return MARKER.format(model=_attr(model), environment=_attr(environment))


def _attr(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else f"%{ord(ch):02X}" for ch in text)


def title(change: Change) -> str:
    verb = "Roll back" if change.rollback else "Deploy"
    to = f" to version {change.version}" if change.rollback else f" version {change.version}"
    return clean(f"{verb} {change.model}{to} ({change.environment})", limit=250)


def commit_message(change: Change) -> str:
    lines = [title(change), ""]
    lines.append(f"Model URI: {clean(change.uri, limit=500)}")
    if change.old_uri:
        lines.append(f"Replaces: {clean(change.old_uri, limit=500)}")
    lines.append("Proposed by mlgate deploy after the registry's alias moved.")
    return "\n".join(lines) + "\n"


def body(change: Change) -> str:
    event = change.event
    what = "rollback" if change.rollback else "promotion"
    rows = [
        "| | version | model URI |",
        "|---|---|---|",
        f"| now | {md(change.old_version or '?')} | {md_code(change.old_uri or '?', limit=400)} |",
        f"| after merge | {md(change.version)} | {md_code(change.uri, limit=400)} |",
    ]
    who = event.get("approved_by") or event.get("rolled_back_by") or "?"
    where = event.get("approval") or event.get("run_url") or ""
    approved = f"- **{'Rolled back' if change.rollback else 'Approved'} by** {md(str(who))}"
    if where:
        approved += f" — {_link(str(where))}"
    if event.get("at"):
        at = str(event["at"])
        approved += f", {at if re.fullmatch(r'[0-9TZ:.+-]{1,40}', at) else md(at)}"
    lines = [
        marker(change.model, change.environment),
        f"### {md(title(change), limit=300)}",
        "",
        f"The registry's {what} of **{md(change.model)}** moved production to version "
        f"{md(change.version)}; this change makes **{md(change.environment)}** serve it.",
        "",
        *rows,
        "",
        approved,
    ]
    if event.get("reason"):
        lines.append(f"- **Reason:** {md(str(event['reason']), limit=500)}")
    if change.report:
        lines.append(f"- **Verdict report:** {_link(change.report)}")
    lines += ["", "**Files:** " + ", ".join(md_code(f) for f in change.files), ""]
    lines += _undo(change)
    return "\n".join(lines) + "\n"


def _link(text: str) -> str:
    """An http(s) URL as a link; anything else as escaped text."""
    if re.fullmatch(r"https?://[^\s<>()\[\]`\\]{1,500}", text):
        return f"<{text}>"
    return md(text, limit=500)


def _undo(change: Change) -> list[str]:
    model = shlex.quote(change.model)
    if change.rollback:
        note = "To undo after merging, promote the replaced version again (through the gate):"
        version = shlex.quote(change.old_version or "VERSION")
        command = f"mlgate promote --model {model} --version {version}"
    else:
        note = "To roll back after merging (the alias moves back; the reverse change follows):"
        command = f"mlgate rollback --model {model} --by \"$USER\" --reason 'why'"
    fence = "`" * max(3, _longest_backticks(command) + 1)
    return [note, "", f"{fence}sh", command, fence]


def _longest_backticks(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return longest


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )
