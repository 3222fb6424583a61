"""`mlgate …` in-process, in a folder of the test's, with no MLGATE_* variable set (the
Spark and Feast tests' ``run`` fixture)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner, Result

from mlgate.cli import cli


@contextmanager
def cli_in(folder: Path) -> Iterator[Callable[..., Result]]:
    old = Path.cwd()
    os.chdir(folder)
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("MLGATE_")}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False, prog_name="mlgate")

    try:
        yield invoke
    finally:
        os.chdir(old)
        os.environ.update(saved)
