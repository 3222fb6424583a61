"""Files written whole or not at all: a reader never sees half a verdict or report."""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

from mlgate.errors import InputError


def write_text_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, so a reader never sees half a file.
    The file gets the permissions an ordinary write would (mkstemp's are owner-only, and
    a report that CI uploads or a teammate reads must not be)."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None


@cache
def _umask() -> int:
    """The process's umask (reading it means setting it, so once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
