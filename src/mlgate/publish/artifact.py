"""The fork-safe two-phase publish on GitHub.

Phase 1 runs on ``pull_request`` with the fork's read-only token and saves the verdict and
the PR it is for. Phase 2 runs on ``workflow_run`` with write permission and never checks
out or runs PR code; everything in the artifact is untrusted, so before posting it checks
that the PR's current head is the very commit the triggering run built.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from mlgate.core.verdict import Verdict
from mlgate.errors import InputError, UsageError
from mlgate.files.atomic import write_text_atomic
from mlgate.files.verdict import read_verdict

PR_FILE = "pr.json"
VERDICT_FILE = "verdict.json"
_SHA = re.compile(r"[0-9a-f]{40}")


def save(verdict_path: Path, folder: Path) -> Path:
    from mlgate.adapters.github_env import from_environment

    context = from_environment()
    if context.number is None or context.head_sha is None:
        raise UsageError(
            "--to-artifact runs in a pull_request job: no PR number or head commit in the event"
        )
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(verdict_path, folder / VERDICT_FILE)
    write_text_atomic(
        folder / PR_FILE,
        json.dumps({"number": context.number, "head_sha": context.head_sha}) + "\n",
    )
    return folder


def load_checked(folder: Path) -> tuple[Verdict, int, str]:
    """The saved verdict, PR number and commit — only if they match what really happened."""
    from mlgate.adapters.github import GitHub, GitHubTarget
    from mlgate.adapters.github_env import from_environment, read_event

    claim = _read_claim(folder / PR_FILE)
    verdict = read_verdict(folder / VERDICT_FILE)
    event = read_event()
    run = event.get("workflow_run")
    built = run.get("head_sha") if isinstance(run, dict) else None
    if not isinstance(built, str) or not _SHA.fullmatch(built):
        raise UsageError(
            "--from-artifact runs in a workflow_run job: no workflow_run.head_sha in the event"
        )
    number, claimed_sha = claim
    if claimed_sha != built:
        raise InputError(
            f"{folder / PR_FILE}: says commit {claimed_sha[:12]} but the triggering run built "
            f"{built[:12]}; refusing to publish"
        )
    context = from_environment()
    if context.token is None:
        raise UsageError("no token: set GITHUB_TOKEN for the workflow_run job")
    github = GitHub(
        GitHubTarget(api_url=context.api_url, repository=context.repository, token=context.token)
    )
    head = github.pull_head_sha(number)
    if head != built:
        raise InputError(
            f"{folder / PR_FILE}: PR #{number}'s head is {head[:12]}, not the built commit "
            f"{built[:12]} (the PR moved on, or the number is wrong); refusing to publish"
        )
    return verdict, number, built


def _read_claim(path: Path) -> tuple[int, str]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: not found; phase 1 writes it with --to-artifact") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not readable JSON: {exc}") from None
    number = data.get("number") if isinstance(data, dict) else None
    sha = data.get("head_sha") if isinstance(data, dict) else None
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise InputError(f"{path}: number: expected a pull request number")
    if not isinstance(sha, str) or not _SHA.fullmatch(sha):
        raise InputError(f"{path}: head_sha: expected a 40-character commit SHA")
    return number, sha
