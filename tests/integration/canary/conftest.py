"""One real Prometheus with the canary cases backfilled, shared by the canary modules
(their ``xdist_group`` keeps them on one worker)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from canary_prometheus import CanaryPrometheus


@pytest.fixture(scope="session")
def canary_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CanaryPrometheus]:
    server = CanaryPrometheus(Path(tmp_path_factory.mktemp("canary-prometheus")))
    yield server
    server.close()
