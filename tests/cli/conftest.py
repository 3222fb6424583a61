from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mlgate.cli import cli


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    """Run each CLI test in its own empty folder, with no MLGATE_* leaking in."""
    old = Path.cwd()
    os.chdir(tmp_path)
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("MLGATE_")}
    try:
        yield tmp_path
    finally:
        os.chdir(old)
        os.environ.update(saved)


@pytest.fixture
def run(workdir: Path) -> object:
    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(
            cli, list(args), env=env, catch_exceptions=False, prog_name="mlgate"
        )

    return invoke
