"""One real Feast repository per test worker (all the Feast tests are one xdist group), and
a copy of it for each test, whose online store the test may change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_in_folder import cli_in
from feast_repo import Repo, build


@pytest.fixture(scope="session")
def feast_base(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return build(tmp_path_factory.mktemp("feast") / "base")


@pytest.fixture
def repo(feast_base: Repo, tmp_path: Path) -> Repo:
    """The repository, materialized up to now, in this test's own folder."""
    return feast_base.copy(tmp_path / "feature_repo")


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Any]:
    """`mlgate …` in-process, in the test's folder, with no MLGATE_* variable set."""
    with cli_in(tmp_path) as invoke:
        yield invoke
