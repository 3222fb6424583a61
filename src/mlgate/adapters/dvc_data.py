"""DVC: a tracked file's md5 at a git revision, and its bytes from the cache or remote.

The only module that imports dvc (the optional ``dvc`` extra), and only when a
``dvc://`` location is used. DVC's own exceptions are many and spread over its
sub-packages (dvc, dvc_data, scmrepo); anything it raises becomes one InputError line.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.core.refs import first_line
from mlgate.errors import InputError, UsageError


@dataclass(frozen=True, kw_only=True)
class DvcFile:
    path: str
    rev: str | None
    md5: str
    commit: str | None
    filesystem: Any
    what: str

    @classmethod
    def open(cls, *, repo: Path, path: str, rev: str | None, what: str) -> DvcFile:
        try:
            from dvc.api import DVCFileSystem
        except ImportError:
            raise UsageError(f"{what}: dvc:// data needs DVC: pip install 'mlgate[dvc]'") from None
        where = f"{what}: dvc://{path}@{rev or 'HEAD'}"
        commit = _commit(repo, rev or "HEAD")
        try:
            filesystem = DVCFileSystem(str(repo), rev=rev)
            info = filesystem.info(path)
        except FileNotFoundError:
            raise InputError(f"{where}: no such file in the repository at that revision") from None
        except Exception as exc:  # DVC's errors have no common base
            raise InputError(f"{where}: {first_line(exc)}") from None
        if info.get("type") == "directory":
            raise InputError(f"{where} is a folder; give the evaluation data file")
        md5 = info.get("md5") or (info.get("dvc_info") or {}).get("md5")
        if not isinstance(md5, str) or not md5:
            raise InputError(
                f"{where}: not tracked by DVC (git tracks it); give it as a plain path"
            )
        return cls(path=path, rev=rev, md5=md5, commit=commit, filesystem=filesystem, what=what)

    def fetch(self, workdir: Path) -> Path:
        """The file's bytes in ``workdir``, from DVC's cache or its remote."""
        workdir.mkdir(parents=True, exist_ok=True)
        local = workdir / f"{self.md5}-{Path(self.path).name}"
        if local.is_file():
            return local
        try:
            self.filesystem.get_file(self.path, str(local))
        except Exception as exc:  # as above
            raise InputError(
                f"{self.what}: dvc://{self.path}@{self.rev or 'HEAD'}: could not fetch it "
                f"({first_line(exc)}); is the DVC remote reachable?"
            ) from None
        return local


def _commit(repo: Path, rev: str) -> str | None:
    """The commit SHA ``rev`` names, so the recorded source is reproducible."""
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise InputError(f"dvc:// revision {rev!r} is not a commit, branch or tag of {repo}")
    return done.stdout.strip() or None
