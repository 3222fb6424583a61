"""MLflow's default artifact set-up: the tracking server proxies the artifacts
(``--artifacts-destination s3://…``), so a CI job holds no object-store credentials — the
CI identity's environment here has no AWS variable and no S3 endpoint. Evaluate (both models
downloaded through the server and scored), record, promote with the drift reference, drift
reading it back; and the bucket failing behind the server: bounded, exit 3, a rerun
completes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from production_helpers import (
    CI_USER,
    SHA,
    admin,
    config,
    decided,
    frame,
    mlgate_cli,
    s3_keys,
    train_and_register,
)
from production_registry import ProductionRegistry, serving_artifacts

pytestmark = [pytest.mark.production, pytest.mark.xdist_group("production")]


@pytest.fixture(scope="module")
def served(production: ProductionRegistry) -> Iterator[ProductionRegistry]:
    with serving_artifacts(production) as registry:
        yield registry


@pytest.fixture
def served_model(served: ProductionRegistry, production_model: str) -> str:
    """``production_model`` registered on the artifact-serving server too (the servers share
    their users, so ``ci`` holds EDIT on it there as well)."""
    admin(served).create_registered_model(production_model)
    return production_model


def test_jobs_without_object_store_credentials_gate_and_promote(
    served: ProductionRegistry, served_model: str, workdir: Path
) -> None:
    model = served_model
    first = train_and_register(served, model, strength=1.0, data=frame(seed=1))
    second = train_and_register(served, model, strength=0.5, data=frame(seed=1))
    config(workdir, model, predictions="score")
    assert not [k for k in served.env(CI_USER[0]) if k.startswith(("AWS_", "MLFLOW_S3"))]

    decided(served, "evaluate", "--candidate", f"models:/{model}/{first.version}",
            "--commit", SHA, cwd=workdir)  # fmt: skip
    decided(served, "promote", "--version", first.version, "--approved-by", "alice",
            "--commit", SHA, cwd=workdir)  # fmt: skip
    decided(served, "evaluate", "--candidate", f"models:/{model}/{second.version}",
            "--commit", SHA, cwd=workdir)  # fmt: skip
    verdict = json.loads((workdir / "verdict.json").read_text())
    assert verdict["evidence"]["source"] == "scored", verdict["evidence"]
    assert verdict["baseline"]["model_version"] == first.version
    tags = admin(served).get_model_version(model, second.version).tags
    assert tags["mlgate.status"] == verdict["status"] and tags["mlgate.commit"] == SHA
    # the server wrote them to its destination in the bucket
    recorded = s3_keys(served, f"proxied/1/{second.run_id}/artifacts/mlgate/")
    assert any(key.endswith("report.md") for key in recorded), s3_keys(served, "proxied/")
    assert s3_keys(served, f"proxied/1/{first.run_id}/artifacts/mlgate/reference/")

    decided(served, "drift", "--reference", "@champion", "--current", "eval.csv",
            "--out", "drift.json", "--print", "none", cwd=workdir)  # fmt: skip
    assert f"models:/{model}/{first.version}" in (workdir / "drift.json").read_text()


def test_the_bucket_failing_behind_the_server_is_bounded_then_a_rerun_completes(
    served: ProductionRegistry, served_model: str, workdir: Path
) -> None:
    model = served_model
    trained = train_and_register(served, model, strength=1.0, data=frame(seed=1))
    config(workdir, model)
    candidate = f"models:/{model}/{trained.version}"
    try:
        served.s3.fail("PUT")
        failed = mlgate_cli(served, "evaluate", "--candidate", candidate, cwd=workdir)
        assert failed.returncode == 3, failed.stderr
        line = failed.stderr.strip().splitlines()[-1]
        assert line.startswith(f"mlgate: error: registry {served.url}: logging verdict.json")
        assert "failed after retries" in line and "were written" in line
        assert "Traceback" not in failed.stderr
        assert (workdir / "verdict.json").exists() and (workdir / "report.md").exists()
        tags = admin(served).get_model_version(model, trained.version).tags
        assert "mlgate.status" not in tags, "tags are written only after the artifacts"
    finally:
        served.s3.heal()
    decided(served, "evaluate", "--candidate", candidate, cwd=workdir)
    tags = admin(served).get_model_version(model, trained.version).tags
    assert tags["mlgate.status"] == json.loads((workdir / "verdict.json").read_text())["status"]
