"""Against the production-shaped registry: a CI identity lacking a permission, bad
credentials, and an object store failing (500s, slow answers) while recording and while
loading models — one line, exit 3, the files on disk, and a rerun that completes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from production_helpers import CI_USER, SHA, admin, config, frame, mlgate_cli, train_and_register
from production_registry import ProductionRegistry

pytestmark = [pytest.mark.production, pytest.mark.xdist_group("production")]


def test_a_missing_permission_names_it_and_the_model(
    production: ProductionRegistry, production_model: str, workdir: Path
) -> None:
    model = production_model
    trained = train_and_register(production, model, strength=1.0, data=frame(seed=1))
    config(workdir, model)
    production.create_user("reader", "reader-password-secret")
    production.grant("reader", model, "READ")
    production.grant_experiment("reader", trained.experiment_id, "READ")
    candidate = f"models:/{model}/{trained.version}"

    # READ is enough to evaluate without recording ...
    read = mlgate_cli(
        production, "evaluate", "--candidate", candidate, "--no-record", cwd=workdir, user="reader"
    )
    assert read.returncode == 0, read.stderr
    # ... recording needs EDIT: exit 3, one line naming it, the verdict kept on disk.
    (workdir / "verdict.json").unlink()
    refused = mlgate_cli(
        production, "evaluate", "--candidate", candidate, cwd=workdir, user="reader"
    )
    assert refused.returncode == 3, refused.stderr
    line = refused.stderr.strip().splitlines()[-1]
    assert "permission denied" in line and "MLflow user 'reader'" in line
    assert f"EDIT on registered model '{model}'" in line or "EDIT on the experiment" in line
    assert (
        "Traceback" not in refused.stderr
        and "reader-password-secret" not in refused.stdout + refused.stderr
    )
    assert json.loads((workdir / "verdict.json").read_text())["model"] == model

    # The CI identity (EDIT) records; the reader may not promote: EDIT named, exit 3.
    recorded = mlgate_cli(
        production, "evaluate", "--candidate", candidate, "--commit", SHA, cwd=workdir
    )
    assert recorded.returncode == 0, recorded.stderr
    promoted = mlgate_cli(
        production, "promote", "--version", trained.version, "--approved-by", "alice",
        "--commit", SHA, cwd=workdir, user="reader",
    )  # fmt: skip
    assert promoted.returncode == 3, promoted.stderr
    assert f"needs EDIT on registered model '{model}'" in promoted.stderr
    assert "Traceback" not in promoted.stderr

    relay = mlgate_cli(
        production, "relay", "register", "--url", "http://127.0.0.1:9/hook", cwd=workdir,
        user=CI_USER[0], env={"MLGATE_WEBHOOK_SECRET": "s" * 32},
    )  # fmt: skip
    assert relay.returncode == 3, relay.stdout + relay.stderr
    assert "MLflow admin" in relay.stderr and "Traceback" not in relay.stderr

    wrong = mlgate_cli(
        production, "evaluate", "--candidate", candidate, cwd=workdir, user="reader",
        env={"MLFLOW_TRACKING_PASSWORD": "not-the-password-either"},
    )  # fmt: skip
    assert wrong.returncode == 3, wrong.stderr
    assert "refused the credentials" in wrong.stderr
    assert "not-the-password-either" not in wrong.stdout + wrong.stderr


def test_object_store_failures_are_bounded_then_a_rerun_completes(
    production: ProductionRegistry, production_model: str, workdir: Path
) -> None:
    model = production_model
    first = train_and_register(production, model, strength=1.0, data=frame(seed=1))
    admin(production).set_registered_model_alias(model, "champion", first.version)
    second = train_and_register(production, model, strength=0.5, data=frame(seed=1))
    config(workdir, model)
    candidate = f"models:/{model}/{second.version}"
    fast = {"MLFLOW_HTTP_REQUEST_TIMEOUT": "1"}
    try:
        # 500s on every upload while recording: bounded retries, exit 3, files kept.
        production.s3.fail("PUT")
        failed = mlgate_cli(production, "evaluate", "--candidate", candidate, cwd=workdir, env=fast)
        assert failed.returncode == 3, failed.stderr
        assert "object store" in failed.stderr and "Traceback" not in failed.stderr
        assert (workdir / "verdict.json").exists() and (workdir / "report.md").exists()
        assert 2 <= production.s3.refused <= 8, "a bounded number of attempts"
        tags = admin(production).get_model_version(model, second.version).tags
        assert "mlgate.status" not in tags, "tags are written only after the artifacts"

        # Slow answers while loading the models for scoring: timeouts, bounded, exit 3.
        production.s3.heal()
        config(workdir, model, predictions="score")
        production.s3.slow("GET", delay=3)
        slow = mlgate_cli(production, "evaluate", "--candidate", candidate, cwd=workdir, env=fast)
        assert slow.returncode == 3, slow.stderr
        assert "object store" in slow.stderr and "Traceback" not in slow.stderr
    finally:
        production.s3.heal()
    rerun = mlgate_cli(production, "evaluate", "--candidate", candidate, cwd=workdir, env=fast)
    assert rerun.returncode in (0, 1), rerun.stderr
    tags = admin(production).get_model_version(model, second.version).tags
    assert tags["mlgate.status"] == json.loads((workdir / "verdict.json").read_text())["status"]


def test_a_bearer_token_signs_in_and_is_never_printed(
    production: ProductionRegistry, production_model: str, workdir: Path
) -> None:
    """MLFLOW_TRACKING_TOKEN instead of a user name and password: the server's
    authorization function (bearer_auth.py) maps the token to its user."""
    model = production_model
    trained = train_and_register(production, model, strength=1.0, data=frame(seed=1))
    config(workdir, model)
    candidate = f"models:/{model}/{trained.version}"
    token = production.issue_token(CI_USER[0])

    recorded = mlgate_cli(
        production, "evaluate", "--candidate", candidate, "--commit", SHA, cwd=workdir,
        token=token,
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    tags = admin(production).get_model_version(model, trained.version).tags
    assert tags["mlgate.commit"] == SHA and tags["mlgate.status"] == "no_baseline"

    reader = f"token-reader-{model}"
    production.create_user(reader, "a-password-nobody-uses")
    production.grant(reader, model, "READ")
    production.grant_experiment(reader, trained.experiment_id, "READ")
    reader_token = production.issue_token(reader)
    refused = mlgate_cli(
        production, "promote", "--version", trained.version, "--approved-by", "alice",
        "--commit", SHA, cwd=workdir, token=reader_token,
    )  # fmt: skip
    assert refused.returncode == 3, refused.stderr
    assert (
        f"permission denied — the identity of MLFLOW_TRACKING_TOKEN needs EDIT on registered "
        f"model '{model}'" in refused.stderr
    )

    wrong = mlgate_cli(
        production, "evaluate", "--candidate", candidate, cwd=workdir, token="mlg-never-issued"
    )
    assert wrong.returncode == 3, wrong.stderr
    assert "refused the credentials; check MLFLOW_TRACKING_TOKEN" in wrong.stderr
    for done in (recorded, refused, wrong):
        shown = done.stdout + done.stderr
        assert "Traceback" not in shown
        assert token not in shown and reader_token not in shown and "mlg-never" not in shown
