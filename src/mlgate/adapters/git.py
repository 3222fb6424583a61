"""The repository's history, read with the ``git`` command (no file limit, NUL-separated
output, so no path is ever quoted or split). Each failure is one line saying what to do."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from mlgate.core.plan import Change
from mlgate.errors import InputError

# Output that git must not localise, page or colour; paths as bytes, never quoted.
_ENV = {"LC_ALL": "C", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0"}
_FLAGS = ("-c", "core.quotepath=off", "-c", "color.ui=false")


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    executable = shutil.which("git")
    if executable is None:
        raise InputError("git is not installed; mlgate plan reads the change with git")
    return subprocess.run(
        [executable, *_FLAGS, *args],
        cwd=root,
        env={**os.environ, **_ENV},
        capture_output=True,
        check=False,
    )


def _git(root: Path, *args: str, what: str) -> bytes:
    done = _run(root, *args)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git: {what}: {detail[-1] if detail else f'exit {done.returncode}'}")
    return done.stdout


def repository_root(cwd: Path) -> Path:
    out = _git(cwd, "rev-parse", "--show-toplevel", what=f"{cwd} is not in a git repository")
    return Path(os.fsdecode(out.strip()))


def listed_files(root: Path) -> list[str]:
    """Every file git tracks, or would track (untracked but not ignored)."""
    out = _git(
        root,
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
        what="listing the repository's files",
    )
    return sorted({os.fsdecode(p) for p in out.split(b"\0") if p})


def merge_base(root: Path, ref: str) -> str:
    """The commit HEAD and ``ref`` last shared."""
    if ref.startswith("-"):
        raise InputError(f"--base {ref!r}: not a git ref")
    resolved = _git(
        root,
        "rev-parse",
        "--verify",
        "--quiet",
        "--end-of-options",
        f"{ref}^{{commit}}",
        what=f"--base {ref!r} is not a commit here; fetch it (actions/checkout with "
        "fetch-depth: 0, or GIT_DEPTH: 0 on GitLab)",
    )
    commit = resolved.decode().strip()
    found = _run(root, "merge-base", commit, "HEAD")
    if found.returncode != 0:
        shallow = (root / ".git" / "shallow").exists()
        hint = (
            "the clone is shallow: check out with fetch-depth: 0 (GitHub) or GIT_DEPTH: 0 (GitLab)"
            if shallow
            else "the histories share no commit"
        )
        raise InputError(f"git: no merge base of HEAD and {ref!r}; {hint}")
    return found.stdout.decode().strip()


def changes(root: Path, base: str) -> list[Change]:
    """What changed from the commit ``base`` to HEAD, renames with both paths."""
    out = _git(
        root,
        "diff",
        "--name-status",
        "-z",
        "-M",
        "--no-ext-diff",
        "--end-of-options",
        base,
        "HEAD",
        what=f"comparing HEAD with {base[:12]}",
    )
    return parse_name_status(out.split(b"\0"))


def parse_name_status(fields: Sequence[bytes]) -> list[Change]:
    """``git diff --name-status -z``: STATUS NUL PATH, or for renames and copies
    STATUS NUL OLD NUL NEW."""
    found: list[Change] = []
    i = 0
    while i < len(fields):
        status = fields[i].decode("ascii", "replace")
        if not status:
            i += 1
            continue
        if status[0] in "RC":
            old, new = os.fsdecode(fields[i + 1]), os.fsdecode(fields[i + 2])
            found.append(Change(path=new, old_path=old))
            i += 3
        else:
            found.append(Change(path=os.fsdecode(fields[i + 1])))
            i += 2
    return found


def show(root: Path, commit: str, path: str) -> bytes | None:
    """The file ``path`` as it was at ``commit``; None when it did not exist."""
    try:
        return _git(root, "show", f"{commit}:{path}", what=f"reading {path} at {commit[:12]}")
    except InputError:
        return None


def deleted(root: Path, found: Sequence[Change]) -> list[str]:
    """The paths of ``found`` (a diff to HEAD) that are gone now."""
    old = {c.old_path for c in found if c.old_path} | {c.path for c in found}
    return sorted(p for p in old if not (root / p).exists())
