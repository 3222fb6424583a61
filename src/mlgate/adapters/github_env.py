"""What a GitHub Actions job tells mlgate through its environment and event payload."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate.core.workflow import output_block
from mlgate.errors import InputError, UsageError

DEFAULT_API = "https://api.github.com"


@dataclass(frozen=True, kw_only=True)
class GitHubContext:
    api_url: str
    repository: str
    token: str | None = field(repr=False)
    number: int | None
    head_sha: str | None
    run_url: str | None
    step_summary: Path | None


def from_environment(
    env: Mapping[str, str] | None = None, *, number: int | None = None
) -> GitHubContext:
    env = os.environ if env is None else env
    repository = env.get("GITHUB_REPOSITORY", "")
    if "/" not in repository:
        raise UsageError("GITHUB_REPOSITORY is not set (owner/name); are we in GitHub Actions?")
    event = read_event(env)
    found = pull_number(event, source=env.get("GITHUB_EVENT_PATH", "the event"))
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    run_id = env.get("GITHUB_RUN_ID")
    return GitHubContext(
        api_url=env.get("GITHUB_API_URL", DEFAULT_API).rstrip("/"),
        repository=repository,
        token=env.get("MLGATE_GITHUB_TOKEN") or env.get("GITHUB_TOKEN") or None,
        number=number if number is not None else found,
        head_sha=head_sha(event, env),
        run_url=f"{server}/{repository}/actions/runs/{run_id}" if run_id else None,
        step_summary=Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None,
    )


def pull_number(event: Mapping[str, Any], *, source: str) -> int | None:
    """The pull request an event is about: ``pull_request.number``, or ``issue.number`` for
    a comment on a pull request (an issue that has ``pull_request``). A payload is
    untrusted: anything but a positive whole number is an input error naming the field."""
    for key, needs_pull in (("pull_request", False), ("issue", True)):
        part = event.get(key)
        if part is None:
            continue
        if not isinstance(part, dict):
            raise InputError(f"{source}: {key}: expected an object, not {type(part).__name__}")
        if needs_pull and not part.get("pull_request"):
            return None
        found = part.get("number")
        if found is None:
            continue
        if not isinstance(found, int) or isinstance(found, bool) or found < 1:
            raise InputError(f"{source}: {key}.number: expected a pull request number")
        return found
    return None


def head_sha(event: Mapping[str, Any], env: Mapping[str, str]) -> str | None:
    """The pull request's head commit (pull_request.head.sha) — not GITHUB_SHA, which on a
    pull_request event is the merge commit; GITHUB_SHA only for events without a PR."""
    pull = event.get("pull_request")
    head = pull.get("head") if isinstance(pull, dict) else None
    sha = head.get("sha") if isinstance(head, dict) else None
    return sha if isinstance(sha, str) and sha else env.get("GITHUB_SHA") or None


def read_event(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The event payload GitHub wrote for this run ({} when there is none)."""
    env = os.environ if env is None else env
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: GITHUB_EVENT_PATH points at a missing file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read the event payload: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: the event payload is not a JSON object")
    return data


def write_step_outputs(values: Mapping[str, str], env: Mapping[str, str] | None = None) -> None:
    """Set step outputs when running in GitHub Actions ($GITHUB_OUTPUT); else do nothing."""
    env = os.environ if env is None else env
    if env.get("GITHUB_OUTPUT"):
        append(Path(env["GITHUB_OUTPUT"]), output_block(values))


def append(path: Path, text: str) -> None:
    """Append to a file GitHub gave us ($GITHUB_STEP_SUMMARY, $GITHUB_OUTPUT)."""
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise InputError(f"{path}: cannot append: {exc.strerror or exc}") from None
