"""What the evaluate job's integration tests share: `mlgate evaluate` against the session's
MLflow server, with the verdict printed as JSON (each module supplies its ``workdir``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mlgate.cli import cli

Evaluate = Callable[..., Result]


@pytest.fixture
def evaluate(workdir: Path, mlflow_server: str) -> Evaluate:
    def run(*args: str) -> Result:
        return CliRunner().invoke(
            cli,
            ["evaluate", "--tracking-uri", mlflow_server, "--print", "json", *args],
            prog_name="mlgate",
            catch_exceptions=False,
        )

    return run
