"""The production-registry group: one MLflow server on PostgreSQL + moto's S3 behind
basic-auth (which also takes bearer tokens, bearer_auth.py) for the whole group
(production_registry.py), shared by its tests, which
pytest-xdist keeps on one worker (their ``xdist_group`` mark; make test runs ``--dist
loadgroup``). A CI identity ``ci`` holds exactly the minimum permissions docs/registries.md
lists; the training jobs run as the admin."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from production_helpers import CI_USER, FEATURES, admin, frame
from production_registry import ProductionRegistry, running_production_registry


@pytest.fixture(scope="session")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionRegistry]:
    with running_production_registry(tmp_path_factory.mktemp("production")) as registry:
        registry.create_user(*CI_USER)
        yield registry


@pytest.fixture
def production_model(production: ProductionRegistry) -> str:
    """A registered model no other test uses, on which ``ci`` holds EDIT."""
    name = f"churn-{uuid.uuid4().hex[:8]}"
    admin(production).create_registered_model(name)
    production.grant(CI_USER[0], name, "EDIT")
    return name


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    frame(seed=1).to_csv(tmp_path / "eval.csv", index=False)
    frame(seed=2)[FEATURES].to_csv(tmp_path / "train.csv", index=False)
    return tmp_path
