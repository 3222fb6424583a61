"""The GitLab templates end to end: gitlab-ci-local runs examples/gitlab/.gitlab-ci.yml —
which includes ci_templates/mlgate.yml with `inputs:` — with the shell executor, against
the session's real MLflow server and the fake GitLab API. The train job runs the example's
own train.py and model tests; the template's jobs install mlgate built from this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import ROOT, PackageIndex, gitlab_project, run_gitlab_ci_local
from gitlab_server import FakeGitLab

pytestmark = pytest.mark.e2e

PROJECT_ID = "42"
IID = 3
TOKEN = "glpat-e2e-token"
DEPLOY_TOKEN = "glpat-e2e-deploy"  # the CI/CD variable MLGATE_DEPLOY_TOKEN
DEPLOY_PROJECT = "acme/churn-deploy"  # the example's deploy.repository
MANIFEST = "deploy/inferenceservice.yaml"


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    fake = FakeGitLab()
    fake.state.users[TOKEN] = "mlgate-bot"
    fake.state.users[DEPLOY_TOKEN] = "deploy-bot"
    fake.git.seed(DEPLOY_PROJECT, {MANIFEST: (ROOT / "examples" / "gitlab" / MANIFEST).read_text()})
    yield fake
    fake.close()


def register_example(
    mlflow_server: str, model_name: str, folder: Path, *, params: Path | None = None
) -> str:
    """Train the example (its own train.py) and register the run's model: the version."""
    import mlflow

    run_id_file = folder / f"train-{len(list(folder.glob('train-*.env')))}.env"
    subprocess.run(
        [
            sys.executable,
            "train.py",
            "--params",
            str(params or "params.yaml"),
            "--run-id-file",
            str(run_id_file),
        ],
        cwd=ROOT / "examples" / "gitlab",
        env={**os.environ, "MLFLOW_TRACKING_URI": mlflow_server},
        check=True,
        capture_output=True,
    )
    run_id = run_id_file.read_text().strip().split("=", 1)[1]
    mlflow.set_tracking_uri(mlflow_server)
    return str(mlflow.register_model(f"runs:/{run_id}/model", model_name).version)


@pytest.fixture
def production(mlflow_server: str, model_name: str, tmp_path: Path) -> str:
    """The model in production: the example trained with its default parameters, registered
    and given the champion alias with MLflow's own API. Returns its version."""
    from mlflow import MlflowClient

    version = register_example(mlflow_server, model_name, tmp_path)
    MlflowClient(mlflow_server).set_registered_model_alias(model_name, "champion", version)
    return version


def variables(gitlab: FakeGitLab, mlflow_server: str, sha: str, index: str) -> dict[str, str]:
    """What GitLab gives a merge request pipeline, plus the project's CI/CD variables."""
    return {
        "GITLAB_CI": "true",
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_API_V4_URL": gitlab.api_url,
        "CI_PROJECT_ID": PROJECT_ID,
        "CI_PROJECT_URL": f"{gitlab.url}/acme/churn",
        "CI_PIPELINE_URL": f"{gitlab.url}/acme/churn/-/pipelines/1",
        "CI_MERGE_REQUEST_IID": str(IID),
        "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": sha,
        "GITLAB_USER_LOGIN": "carol",
        # Project CI/CD variables a user sets:
        "GITLAB_TOKEN": TOKEN,
        "MLGATE_DEPLOY_TOKEN": DEPLOY_TOKEN,
        "MLFLOW_TRACKING_URI": mlflow_server,
        # The template's default install line (`mlgate==<version>`) as users get it, resolved
        # from a local index serving this checkout's build; the dependencies from the usual one.
        "PIP_EXTRA_INDEX_URL": index,
        # gitlab-ci-local's CI_PROJECT_DIR is /builds/<project> for every run on this host:
        # mlgate's venv gets a folder of this test's own (GitLab gives each job a fresh one).
        "MLGATE_HOME": tempfile.mkdtemp(prefix="mlgate-home-"),
    }


def test_merge_request_gets_one_note_and_the_manual_job_promotes(
    mlflow_server: str,
    model_name: str,
    production: str,
    gitlab: FakeGitLab,
    tmp_path: Path,
    package_index: PackageIndex,
) -> None:
    from mlflow import MlflowClient

    repo, sha = gitlab_project(tmp_path / "repo", model=model_name, params="C: 0.5\n")
    gitlab.state.mrs[IID] = {"sha": sha, "author": "dev"}
    gitlab.state.protected_environments.add("production")
    values = variables(gitlab, mlflow_server, sha, package_index.url)

    pipeline = run_gitlab_ci_local(repo, variables=values)
    log = pipeline.stdout + pipeline.stderr
    assert pipeline.returncode == 0, log[-5000:]
    assert "PASS  train" in log and "PASS  mlgate-evaluate" in log
    assert package_index.served_the_wheel()  # the default line resolved the local release
    notes = gitlab.notes(PROJECT_ID, IID)
    assert len(notes) == 1
    assert notes[0]["body"].startswith(f"<!-- mlgate:report model={model_name} -->")
    assert "passed" in notes[0]["body"]
    # The train job's model tests (mlgate test) reached the gate through an artifact.
    assert "### Model tests\n\n✅ 6 passed · run against `runs:/" in notes[0]["body"]
    # The example's train.py logs its held-out predictions: decided on paired intervals,
    # without loading a model in the mlgate job.
    assert "🔬 **Evidence** — from the predictions both runs logged" in notes[0]["body"]
    assert [(s["name"], s["state"]) for s in gitlab.state.statuses] == [
        (f"mlgate/{model_name}", "success")
    ]
    artifacts = repo / ".gitlab-ci-local" / "artifacts" / "mlgate-evaluate"
    assert "<testsuite" in (artifacts / "mlgate-junit.xml").read_text()
    assert "accuracy " in (artifacts / "metrics.txt").read_text()
    dotenv = artifacts / ".gitlab-ci-reports" / "dotenv" / "mlgate.env"
    assert "MLGATE_VERDICT=pass" in dotenv.read_text()

    client = MlflowClient(mlflow_server)
    assert client.get_registered_model(model_name).aliases == {"champion": "1"}
    promote = run_gitlab_ci_local(repo, "mlgate-promote", variables=values)
    log = promote.stdout + promote.stderr
    assert promote.returncode == 0, log[-5000:]
    assert client.get_registered_model(model_name).aliases == {"champion": "2", "previous": "1"}
    assert client.get_model_version(model_name, "2").tags["mlgate.approved_by"] == "carol"
    notes = gitlab.notes(PROJECT_ID, IID)
    assert len(notes) == 1 and "Promoted" in notes[0]["body"]
    assert_deployed(gitlab, model_name, "2")


def assert_deployed(gitlab: FakeGitLab, model: str, version: str) -> None:
    """The promotion's merge request in the deployment project, opened with the deploy
    token, serving ``version``."""
    import yaml

    [mr] = gitlab.git.projects[DEPLOY_PROJECT].mrs
    assert mr["source_branch"] == f"mlgate/deploy/{model}/production"
    assert mr["author"]["username"] == "deploy-bot"
    manifest = gitlab.git.files(DEPLOY_PROJECT, mr["source_branch"])[MANIFEST]
    served = yaml.safe_load(manifest)["spec"]["predictor"]["model"]["storageUri"]
    assert served == f"gs://models/{model}/{version}"


def test_a_regression_fails_the_pipeline(
    mlflow_server: str,
    model_name: str,
    production: str,
    gitlab: FakeGitLab,
    tmp_path: Path,
    package_index: PackageIndex,
) -> None:
    # Heavy regularisation: the candidate predicts the majority class, accuracy drops.
    repo, sha = gitlab_project(tmp_path / "repo", model=model_name, params="C: 0.00001\n")
    gitlab.state.mrs[IID] = {"sha": sha, "author": "dev"}
    values = variables(gitlab, mlflow_server, sha, package_index.url)

    pipeline = run_gitlab_ci_local(repo, variables=values)
    log = pipeline.stdout + pipeline.stderr
    assert pipeline.returncode != 0
    assert "FAIL  mlgate-evaluate" in log, log[-5000:]
    notes = gitlab.notes(PROJECT_ID, IID)
    assert len(notes) == 1 and "failed" in notes[0]["body"]
    assert [s["state"] for s in gitlab.state.statuses] == ["failed"]
    junit = repo / ".gitlab-ci-local" / "artifacts" / "mlgate-evaluate" / "mlgate-junit.xml"
    assert '<failure message="candidate' in junit.read_text()
    # Critical model tests failed too: the checklist and the golden set, named in the note.
    assert "❌ **critical** `test_no_regression_on_the_golden_set` (golden)" in notes[0]["body"]
    assert 'name="test_obvious_customers"' in junit.read_text()


def test_a_scheduled_pipeline_opens_then_closes_the_drift_issue(
    mlflow_server: str,
    model_name: str,
    production: str,
    gitlab: FakeGitLab,
    tmp_path: Path,
    package_index: PackageIndex,
) -> None:
    """The example's schedule: export-served writes the week's features, the template's
    mlgate-monitor job compares them with production's stored reference and keeps one
    issue. Charges in the example's feature log creep up over the year: late November
    drifts, early January does not."""
    from mlflow import MlflowClient

    from mlgate.adapters.references import References
    from mlgate.adapters.registry import Registry
    from mlgate.files.tables import write_sample

    version = MlflowClient(mlflow_server).get_registered_model(model_name).aliases["champion"]
    sample = write_sample(
        ROOT / "examples" / "gitlab" / "data" / "train_features.csv",
        tmp_path / "sample",
        rows=50_000,
        seed=0,
    )
    References(Registry(tracking_uri=mlflow_server)).store(
        model=model_name, version=str(version), sample=sample, source="data/train_features.csv"
    )
    repo, sha = gitlab_project(tmp_path / "repo", model=model_name, params="C: 1.0\n")
    values = variables(gitlab, mlflow_server, sha, package_index.url)
    for key in ("CI_MERGE_REQUEST_IID", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA"):
        values.pop(key)
    values["CI_PIPELINE_SOURCE"] = "schedule"

    drifted = run_gitlab_ci_local(repo, variables={**values, "SERVED_DATE": "2026-11-27"})
    log = drifted.stdout + drifted.stderr
    assert drifted.returncode == 0, log[-5000:]
    assert "PASS  export-served" in log and "PASS  mlgate-monitor" in log
    assert "mlgate-evaluate" not in log and "PASS  train" not in log
    issues = gitlab.issues(PROJECT_ID)
    assert len(issues) == 1 and issues[0]["state"] == "opened"
    assert issues[0]["title"] == f"Data drift in {model_name}"
    assert issues[0]["labels"] == ["mlgate", "data-drift"]
    assert "`monthly_charges`" in issues[0]["description"]
    assert f"[Run]({gitlab.url}/acme/churn/-/pipelines/1)" in issues[0]["description"]
    report = repo / ".gitlab-ci-local" / "artifacts" / "mlgate-monitor" / "mlgate-monitor.json"
    assert '"status": "warn"' in report.read_text()

    steady = run_gitlab_ci_local(repo, variables={**values, "SERVED_DATE": "2026-01-05"})
    assert steady.returncode == 0, (steady.stdout + steady.stderr)[-5000:]
    issues = gitlab.issues(PROJECT_ID)
    assert len(issues) == 1 and issues[0]["state"] == "closed"
    notes = gitlab.state.issue_notes[(PROJECT_ID, issues[0]["iid"])]
    assert notes[-1]["body"].startswith("✅ Drift ended after 1 check")

    # The example's mlgate-canary job, in a pipeline triggered with MLGATE_EVENT=canary (the
    # same venv): a healthy canary passes; a failing one fails the job and, with the
    # example's MLGATE_CANARY_ROLLBACK, asks for the rollback — which finds nothing to roll
    # back to here (production was set by hand, no version before it) and says so.
    for name, errors in (("canary-ok.csv", 1), ("canary-bad.csv", 8)):
        (repo / name).write_text(
            "variant,error,latency\n"
            + "".join(
                f"stable,{'true' if i % 100 == 0 else 'false'},{0.05 + i % 50 / 1000}\n"
                for i in range(20_000)
            )
            + "".join(
                f"canary,{'true' if i % 100 < errors else 'false'},{0.05 + i % 50 / 1000}\n"
                for i in range(10_000)
            )
        )
    subprocess.run(["git", "-C", str(repo), "add", "."], check=True, capture_output=True)
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-qm", "canary traffic"], check=True, capture_output=True
    )
    values = {**values, "CI_PIPELINE_SOURCE": "trigger", "MLGATE_EVENT": "canary"}
    healthy = run_gitlab_ci_local(
        repo, variables={**values, "MLGATE_CANARY_OUTCOMES": "canary-ok.csv"}
    )
    log = healthy.stdout + healthy.stderr
    assert healthy.returncode == 0, log[-5000:]
    assert "PASS  mlgate-canary" in log and "mlgate-monitor" not in log
    decided = repo / ".gitlab-ci-local" / "artifacts" / "mlgate-canary" / "mlgate-canary.json"
    assert '"decision": "pass"' in decided.read_text()
    failing = run_gitlab_ci_local(
        repo, variables={**values, "MLGATE_CANARY_OUTCOMES": "canary-bad.csv"}
    )
    log = failing.stdout + failing.stderr
    assert failing.returncode != 0 and "FAIL  mlgate-canary" in log, log[-5000:]
    assert '"decision": "fail"' in decided.read_text()
    assert "mlgate canary: fail — rolling back" in log and "nothing to roll back to" in log
    aliases = MlflowClient(mlflow_server).get_registered_model(model_name).aliases
    assert aliases["champion"] == version


def test_a_registry_trigger_pipeline_requests_approval_and_its_manual_job_promotes(
    mlflow_server: str,
    model_name: str,
    production: str,
    gitlab: FakeGitLab,
    tmp_path: Path,
    package_index: PackageIndex,
) -> None:
    """What `mlgate relay` starts for a version registered outside CI: a trigger pipeline
    with MLGATE_MODEL and MLGATE_VERSION. The example's model-tests-registry job tests that
    version, the template's mlgate-registry-evaluate gates it and opens the request issue,
    and the manual mlgate-registry-promote job on the protected environment promotes it."""
    from mlflow import MlflowClient

    (tmp_path / "params.yaml").write_text("C: 0.5\n")
    version = register_example(mlflow_server, model_name, tmp_path, params=tmp_path / "params.yaml")
    repo, sha = gitlab_project(tmp_path / "repo", model=model_name, params="C: 0.5\n")
    gitlab.state.protected_environments.add("production")
    values = {
        **variables(gitlab, mlflow_server, sha, package_index.url),
        "CI_PIPELINE_SOURCE": "trigger",
        "CI_MERGE_REQUEST_IID": "",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "",
        "CI_COMMIT_SHA": sha,
        "MLGATE_MODEL": model_name,
        "MLGATE_VERSION": version,
        "MLGATE_EVENT": "model_version.created",
    }

    pipeline = run_gitlab_ci_local(repo, variables=values)
    log = pipeline.stdout + pipeline.stderr
    assert pipeline.returncode == 0, log[-5000:]
    assert "PASS  model-tests-registry" in log and "PASS  mlgate-registry-evaluate" in log
    assert "PASS  train" not in log and "mlgate-evaluate " not in log
    (request,) = gitlab.issues(PROJECT_ID)
    assert request["description"].startswith(f"<!-- mlgate:request model={model_name} -->")
    assert f"version **{version}**" in request["description"]
    assert "### Model tests\n\n✅ 6 passed" in request["description"]
    client = MlflowClient(mlflow_server)
    assert client.get_registered_model(model_name).aliases == {"champion": "1"}

    promote = run_gitlab_ci_local(repo, "mlgate-registry-promote", variables=values)
    log = promote.stdout + promote.stderr
    assert promote.returncode == 0, log[-5000:]
    assert client.get_registered_model(model_name).aliases == {
        "champion": version,
        "previous": "1",
    }
    assert client.get_model_version(model_name, version).tags["mlgate.approved_by"] == "carol"
    assert gitlab.issues(PROJECT_ID)[0]["state"] == "closed"
    assert_deployed(gitlab, model_name, version)
