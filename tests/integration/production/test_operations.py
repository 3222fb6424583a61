"""Every registry operation of mlgate against MLflow on PostgreSQL with artifacts in S3,
signed in as a CI identity holding only the minimum permissions: evaluate (logged
predictions, then both models loaded and scored), record, the model tests loading both
models, promote storing the drift reference, drift reading it back, rollback and history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from production_helpers import (
    SHA,
    admin,
    config,
    decided,
    frame,
    mlgate_cli,
    s3_keys,
    train_and_register,
)
from production_registry import ProductionRegistry

pytestmark = [pytest.mark.production, pytest.mark.xdist_group("production")]

MODEL_TESTS = """
def test_candidate_beats_a_floor(candidate_model, eval_data):
    features = eval_data.drop(columns=["label"])
    accuracy = (candidate_model.predict(features) == eval_data["label"]).mean()
    assert accuracy > 0.6

def test_production_is_loaded(baseline_model, eval_data):
    assert len(baseline_model.predict(eval_data.drop(columns=["label"]))) == len(eval_data)
"""


def aliases(production: ProductionRegistry, model: str) -> dict[str, str]:
    """Read from PostgreSQL itself: the metadata really lives there."""
    import psycopg

    base = production.postgres_url
    with psycopg.connect(f"{base}/mlflow") as connection:
        found = connection.execute(
            "SELECT alias, version FROM registered_model_aliases WHERE name = %s", (model,)
        ).fetchall()
    return {alias: str(version) for alias, version in found}


def test_the_whole_flow_on_postgresql_and_s3(
    production: ProductionRegistry, production_model: str, workdir: Path
) -> None:
    model = production_model
    data = frame(seed=1)
    first = train_and_register(production, model, strength=1.0, data=data)
    second = train_and_register(production, model, strength=0.5, data=data)
    config(workdir, model)

    def ok(*args: str) -> str:
        return decided(production, *args, cwd=workdir)

    # The first version: no production model yet, recorded, promoted with its reference.
    ok("evaluate", "--candidate", f"models:/{model}/{first.version}", "--commit", SHA)
    ok("promote", "--version", first.version, "--approved-by", "alice", "--commit", SHA)
    assert aliases(production, model) == {"champion": first.version}
    assert s3_keys(production, f"{first.run_id}/artifacts/mlgate/reference/")

    # Logged predictions: both runs' files downloaded from S3, no model loaded.
    ok("evaluate", "--candidate", f"models:/{model}/{second.version}", "--commit", SHA)
    verdict = json.loads((workdir / "verdict.json").read_text())
    assert verdict["evidence"]["source"] == "logged_predictions", verdict["evidence"]
    assert verdict["baseline"]["model_version"] == first.version
    tags = admin(production).get_model_version(model, second.version).tags
    assert tags["mlgate.status"] == verdict["status"] and tags["mlgate.commit"] == SHA
    recorded = s3_keys(production, f"{second.run_id}/artifacts/mlgate/")
    assert any(key.endswith("verdict.json") for key in recorded), recorded
    assert any(key.endswith("report.md") for key in recorded), recorded

    # Both models loaded from S3 and scored on the evaluation data.
    config(workdir, model, predictions="score")
    ok("evaluate", "--candidate", f"models:/{model}/{second.version}", "--commit", SHA)
    verdict = json.loads((workdir / "verdict.json").read_text())
    assert verdict["evidence"]["source"] == "scored", verdict["evidence"]

    # The model tests load the candidate and production from S3.
    (workdir / "tests").mkdir()
    (workdir / "tests" / "test_model.py").write_text(MODEL_TESTS)
    tested = mlgate_cli(
        production,
        "test",
        "--candidate",
        f"models:/{model}/{second.version}",
        "--data",
        "eval.csv",
        cwd=workdir,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    results = json.loads((workdir / "mlgate-tests.json").read_text())
    assert {t["outcome"] for t in results["tests"]} == {"passed"}, results["tests"]

    # Promote, drift against the stored reference, roll back, read the history.
    ok("promote", "--version", second.version, "--approved-by", "bob", "--commit", SHA)
    assert aliases(production, model) == {"champion": second.version, "previous": first.version}
    drift = mlgate_cli(
        production,
        "drift",
        "--reference",
        "@champion",
        "--current",
        "eval.csv",
        "--out",
        "drift.json",
        "--print",
        "none",
        cwd=workdir,
    )
    assert drift.returncode in (0, 1), drift.stdout + drift.stderr
    assert f"models:/{model}/{second.version}" in (workdir / "drift.json").read_text()
    ok("rollback", "--by", "carol", "--reason", "latency")
    assert aliases(production, model) == {"champion": first.version, "previous": first.version}
    history = json.loads(ok("history", "--format", "json"))
    assert [(e["event"], e["version"], e.get("replaced")) for e in history] == [
        ("promote", first.version, None),
        ("promote", second.version, first.version),
        ("rollback", first.version, second.version),
    ]
    assert production.s3.count() > 0, "the artifacts went through the S3 endpoint"
