"""The composite action end to end: act runs consumer workflows that say
`uses: mlgate/mlgate@v1` (mapped to this checkout) on the host, against the session's real
MLflow server and the fake GitHub API. The action installs mlgate from its own checkout
into a fresh virtual environment, exactly as on a GitHub-hosted runner."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import ROOT, ActRun, PackageIndex, git_init, run_act, set_model
from github_server import FakeGitHub
from registry_helpers import log_run, register

pytestmark = pytest.mark.e2e

REPO = "acme/churn"
TOKEN = "ghs-e2e-token"
BOT = "github-actions[bot]"
NUMBER = 7
DEPLOY_REPO = "acme/churn-deploy"  # the example's deploy.repository
DEPLOY_TOKEN = "github_pat_e2e_deploy"  # the secret MLGATE_DEPLOY_TOKEN
MANIFEST = "deploy/inferenceservice.yaml"


@pytest.fixture(scope="session")
def act_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """act's action cache, shared by the session (each run makes its own folder in it)."""
    return tmp_path_factory.mktemp("act-cache")


@pytest.fixture
def github() -> Any:
    fake = FakeGitHub()
    fake.state.users[TOKEN] = BOT
    fake.state.users[DEPLOY_TOKEN] = "deploy-bot"
    # The deployment repository, as the example's deploy/ folder stands for it.
    fake.git.seed(DEPLOY_REPO, {MANIFEST: (ROOT / "examples" / "github" / MANIFEST).read_text()})
    yield fake
    fake.close()


@pytest.fixture
def project(tmp_path: Path, model_name: str) -> tuple[Path, str]:
    """A consumer repository: mlgate.yml, the test gate workflow and the example's promote
    workflow, committed; returns (repo, head SHA)."""
    repo = consumer_repository(tmp_path, model_name)
    workflows = repo / ".github" / "workflows"
    shutil.copy(ROOT / "tests" / "e2e" / "github" / "workflows" / "gate.yml", workflows)
    # The example's promote workflow, as is but for one line: it checks out the default
    # branch (so a PR cannot relax its own rules), and act can only emulate a checkout of
    # the event's own ref offline.
    promote = (
        ROOT / "examples" / "github" / ".github" / "workflows" / "mlgate-promote.yml"
    ).read_text()
    default_branch = "          ref: ${{ github.event.repository.default_branch }}\n"
    assert promote.count(default_branch) == 1
    (workflows / "mlgate-promote.yml").write_text(promote.replace(default_branch, ""))
    return repo, git_init(repo, f"https://github.com/{REPO}.git")


def consumer_repository(tmp_path: Path, model_name: str) -> Path:
    """The example's mlgate.yml (for ``model_name``) and data, with model tests for the
    models registry_helpers.log_run logs; workflows are added by each test."""
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "github" / "mlgate.yml", repo / "mlgate.yml")
    set_model(repo, model_name)
    shutil.copytree(ROOT / "examples" / "github" / "data", repo / "data")
    (repo / "tests").mkdir()
    (repo / "tests" / "test_model.py").write_text(MODEL_TESTS)
    return repo


# Model tests for the models registry_helpers.log_run logs (features tenure, charges, calls).
MODEL_TESTS = """
import pandas as pd
import pytest
from mlgate.testing import assert_invariant, assert_size

ROWS = pd.DataFrame({"tenure": [-1.0, 0.5, 2.0], "charges": [0.1, 0.2, 0.3], "calls": [0.0, 1.0, 2.0]})


@pytest.mark.model_test(critical=True, tags=["smoke"])
def test_tenure_decides(candidate_model):
    assert list(candidate_model.predict(ROWS)) == [0, 1, 1]


@pytest.mark.model_test(critical=True)
def test_charges_do_not(candidate_model):
    assert_invariant(candidate_model, ROWS, lambda d: d.assign(charges=0.0))


@pytest.mark.model_test(critical=False, tags=["budget"])
def test_tiny(candidate_model):
    assert_size(candidate_model, max_bytes=1000)
"""


def pull_request_event(sha: str) -> dict[str, Any]:
    return {
        "action": "synchronize",
        "number": NUMBER,
        "pull_request": {
            "number": NUMBER,
            "head": {"sha": sha, "ref": "feature"},
            "base": {"ref": "main"},
            "user": {"login": "dev"},
        },
        "repository": {"full_name": REPO, "default_branch": "main"},
    }


def metrics(accuracy: float) -> dict[str, float]:
    return {"eval_accuracy": accuracy, "eval_f1": 0.80, "eval_auc": 0.90, "eval_log_loss": 0.30}


@dataclass
class PullRequest:
    """PR 7 of acme/churn on the fake GitHub, whose production model (version 1) is in the
    real registry; runs the repository's workflows on it with act."""

    repo: Path
    sha: str
    github: FakeGitHub
    mlflow: str
    logs: Path
    cache: Path
    source: Path
    index: PackageIndex

    def gate(self, candidate_accuracy: float) -> ActRun:
        """The gate workflow; its model-tests step pins the release (`mlgate-version`), which
        the action installs from the local package index through PIP_EXTRA_INDEX_URL."""
        from mlgate import __version__

        candidate = log_run(self.mlflow, metrics=metrics(candidate_accuracy))
        return self._act(
            "pull_request",
            pull_request_event(self.sha),
            workflow="gate.yml",
            variables={
                "MLGATE_E2E_CANDIDATE": candidate.model_uri,
                "MLGATE_E2E_RELEASE": __version__,
            },
        )

    def review(self, login: str) -> ActRun:
        """``login`` submits an approving review (the event); the promote workflow runs."""
        self.github.add_review(NUMBER, login=login, state="APPROVED", commit_id=self.sha)
        event = pull_request_event(self.sha)
        event["action"] = "submitted"
        event["review"] = {"state": "approved", "user": {"login": login}, "commit_id": self.sha}
        return self._act("pull_request_review", event, workflow="mlgate-promote.yml")

    def _act(
        self,
        event_name: str,
        event: dict[str, Any],
        *,
        workflow: str,
        variables: dict[str, str] | None = None,
    ) -> ActRun:
        return run_act(
            self.repo,
            event_name,
            event,
            workflow=workflow,
            logs=self.logs,
            cache=self.cache,
            source=self.source,
            env={
                "GITHUB_API_URL": self.github.api_url,
                "MLFLOW_TRACKING_URI": self.mlflow,
                "PIP_EXTRA_INDEX_URL": self.index.url,
            },
            variables=variables,
            secrets={"MLGATE_DEPLOY_TOKEN": DEPLOY_TOKEN},
            token=TOKEN,
        )


def deployed(github: FakeGitHub, model: str) -> tuple[dict[str, Any], str]:
    """The deployment PR mlgate opened in the deployment repository, and the storageUri its
    branch serves."""
    import yaml

    [pull] = github.git.repos[DEPLOY_REPO].pulls
    manifest = github.git.files(DEPLOY_REPO, pull["head"]["ref"])[MANIFEST]
    served = yaml.safe_load(manifest)["spec"]["predictor"]["model"]["storageUri"]
    assert pull["head"]["ref"] == f"mlgate/deploy/{model}/production"
    return pull, served


@pytest.fixture
def pull_request(
    mlflow_server: str,
    model_name: str,
    github: FakeGitHub,
    project: tuple[Path, str],
    tmp_path: Path,
    act_cache: Path,
    checkout: Path,
    package_index: PackageIndex,
) -> PullRequest:
    repo, sha = project
    github.state.pulls[NUMBER] = sha
    github.state.pull_authors[NUMBER] = "dev"
    production = log_run(mlflow_server, metrics=metrics(0.90))
    register(mlflow_server, production, model_name, alias="champion")
    return PullRequest(
        repo, sha, github, mlflow_server, tmp_path, act_cache, checkout, package_index
    )


def test_gate_comments_once_sets_outputs_and_fails_on_regression(
    pull_request: PullRequest, github: FakeGitHub, model_name: str
) -> None:
    downloads = pull_request.index.downloads()
    run = pull_request.gate(candidate_accuracy=0.92)
    assert run.returncode == 0, run.text()[-4000:]
    outputs = run.printed_outputs()
    assert outputs["verdict"] == "pass"
    assert outputs["model-version"] == "2"
    assert outputs["exit-code"] == "0"
    # The model tests ran on the pinned release, installed from the index as users take it.
    assert pull_request.index.downloads() > downloads
    assert outputs["report-path"] == "mlgate-comment.md"
    comments = github.comments(REPO, NUMBER)
    assert len(comments) == 1
    assert comments[0]["body"].startswith(f"<!-- mlgate:report model={model_name} -->")
    assert "passed" in comments[0]["body"]
    assert outputs["comment-url"] == comments[0]["html_url"]
    assert "passed" in run.summary() and "| accuracy |" in run.summary()
    # The model tests ran in the action (command: test) and reached the report.
    assert outputs["tests-exit-code"] == "0"  # only the non-critical size budget failed
    assert "### Model tests" in comments[0]["body"]
    assert "⚠️ **non-critical** `test_tiny` (budget) — size\\: the model is" in comments[0]["body"]
    assert "✅ 2 passed" in comments[0]["body"]
    assert TOKEN not in run.text() + run.stderr
    assert [s["state"] for s in github.state.statuses] == ["success"]
    assert github.state.statuses[0]["sha"] == pull_request.sha

    run = pull_request.gate(candidate_accuracy=0.85)
    assert run.returncode != 0, "the job must fail on a regressed candidate"
    outputs = run.printed_outputs()
    assert outputs["verdict"] == "fail"
    assert outputs["exit-code"] == "1"
    assert outputs["model-version"] == "3"
    comments = github.comments(REPO, NUMBER)
    assert len(comments) == 1, "a re-run edits the report instead of adding one"
    assert "failed" in comments[0]["body"] and "accuracy" in comments[0]["body"]
    annotations = [m for m in run.messages() if "::error title=mlgate" in m]
    assert any("accuracy" in m and "max_drop" in m for m in annotations), annotations
    assert [s["state"] for s in github.state.statuses] == ["success", "failure"]


def test_promote_workflow_needs_an_approving_review_on_the_head(
    pull_request: PullRequest, github: FakeGitHub, mlflow_server: str, model_name: str
) -> None:
    from mlflow import MlflowClient

    github.state.permissions.update({"mallory": "read", "alice": "write"})
    gate = pull_request.gate(candidate_accuracy=0.92)
    assert gate.returncode == 0, gate.text()[-4000:]
    client = MlflowClient(mlflow_server)

    # The payload claims an approval, but the API shows only a reader's review: refused.
    refused = pull_request.review("mallory")
    assert refused.returncode != 0
    assert "refused" in refused.text(), refused.text()[-4000:]
    assert client.get_registered_model(model_name).aliases == {"champion": "1"}

    promoted = pull_request.review("alice")
    assert promoted.returncode == 0, promoted.text()[-4000:]
    assert client.get_registered_model(model_name).aliases == {"champion": "2", "previous": "1"}
    assert client.get_model_version(model_name, "2").tags["mlgate.approved_by"] == "alice"
    body = github.comments(REPO, NUMBER)[0]["body"]
    assert "Promoted" in body and "alice" in body

    # mlgate.yml's deploy section: the promotion proposes the deployment, in the second
    # repository, with the deploy token — one commit changing the storageUri line only.
    pull, served = deployed(github, model_name)
    assert served == f"gs://models/{model_name}/2"
    assert pull["user"]["login"] == "deploy-bot"
    assert pull["title"] == f"Deploy {model_name} version 2 (production)"
    assert "**Approved by** alice" in pull["body"]
    before = (ROOT / "examples" / "github" / MANIFEST).read_text().splitlines()
    after = github.git.files(DEPLOY_REPO, pull["head"]["ref"])[MANIFEST].splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        (
            '      storageUri: "s3://mlflow-artifacts/1/models/m-0000/artifacts"',
            f'      storageUri: "gs://models/{model_name}/2"',
        )
    ]
    assert f"opened the deployment proposal: {github.host}/{DEPLOY_REPO}/pull/1" in (
        promoted.text()
    )
    assert DEPLOY_TOKEN not in promoted.text() + promoted.stderr


def test_scheduled_monitor_opens_then_closes_the_drift_issue(
    mlflow_server: str,
    model_name: str,
    github: FakeGitHub,
    tmp_path: Path,
    act_cache: Path,
    checkout: Path,
) -> None:
    """The production version carries its reference (stored as `mlgate promote` does) and
    its recorded metrics; a scheduled run on drifted data whose labelled outcomes score far
    worse opens one issue for both, one on steady data and steady outcomes closes it. The
    Pushgateway input reaches the push (nothing listens there: a warning, exit 0)."""
    import numpy as np
    from mlflow import MlflowClient

    from mlgate.adapters.references import References
    from mlgate.adapters.registry import Registry
    from mlgate.files.tables import write_sample

    rng = np.random.default_rng(4)
    repo = tmp_path / "repo"
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "e2e" / "github" / "workflows" / "monitor.yml", workflows)
    (repo / "mlgate.yml").write_text(
        f"model: {model_name}\nmetric_prefix: eval_\n"
        "monitor:\n  performance:\n    accuracy: {max_drop: 0.03}\n"
        "canary:\n  rules:\n    error_rate: {max_rise: 0.01}\n"
    )
    # command: canary on a file: 8% errors on the canary against 1% on the stable version
    (repo / "canary.csv").write_text(
        "variant,error\n"
        + "".join(f"stable,{'true' if i % 100 == 0 else 'false'}\n" for i in range(2000))
        + "".join(f"canary,{'true' if i % 25 < 2 else 'false'}\n" for i in range(1000))
    )

    def outcomes(name: str, accuracy: float) -> None:
        labels = rng.integers(0, 2, 2000)
        predicted = np.where(rng.random(2000) < accuracy, labels, 1 - labels)
        (repo / name).write_text(
            "id,label,prediction\n"
            + "".join(
                f"{i},{y},{p}\n" for i, (y, p) in enumerate(zip(labels, predicted, strict=True))
            )
        )

    outcomes("outcomes-worse.csv", 0.80)
    outcomes("outcomes-steady.csv", 0.90)

    def table(name: str, shift: float) -> Path:
        path = repo / f"{name}.csv"
        rows = zip(rng.normal(shift, 1, 3000), rng.choice(["basic", "pro"], 3000), strict=True)
        path.write_text("tenure,plan\n" + "".join(f"{t:.4f},{p}\n" for t, p in rows))
        return path

    reference = table("training", 0.0)
    table("served-drifted", 0.7)
    table("served-steady", 0.0)
    sha = git_init(repo, f"https://github.com/{REPO}.git")
    assert sha
    production = log_run(mlflow_server, metrics=metrics(0.90))
    version = register(mlflow_server, production, model_name, alias="champion")
    sample = write_sample(reference, tmp_path / "sample", rows=1000, seed=0)
    References(Registry(tracking_uri=mlflow_server)).store(
        model=model_name, version=version, sample=sample, source="training.csv"
    )
    assert (
        MlflowClient(mlflow_server)
        .get_model_version(model_name, version)
        .tags["mlgate.drift_reference"]
    )

    def scheduled(current: str, outcomes: str, canary: str = "") -> ActRun:
        return run_act(
            repo,
            "schedule",
            {"schedule": "17 6 * * 1", "repository": {"full_name": REPO}},
            workflow="monitor.yml",
            logs=tmp_path,
            cache=act_cache,
            source=checkout,
            env={"GITHUB_API_URL": github.api_url, "MLFLOW_TRACKING_URI": mlflow_server},
            variables={
                "MLGATE_E2E_CURRENT": current,
                "MLGATE_E2E_OUTCOMES": outcomes,
                "MLGATE_E2E_PUSHGATEWAY": "http://127.0.0.1:9",
                "MLGATE_E2E_CANARY": canary,
            },
            token=TOKEN,
        )

    drifted = scheduled("served-drifted.csv", "outcomes-worse.csv", "canary.csv")
    assert drifted.returncode == 0, drifted.text()[-4000:]
    outputs = drifted.printed_outputs()
    assert (outputs["decision"], outputs["canary-exit-code"]) == ("fail", "1")
    assert f"Canary fail: {model_name}" in drifted.summary()
    assert outputs["drift"] == "warn" and outputs["exit-code"] == "0"
    issues = github.issues(REPO)
    assert len(issues) == 1 and issues[0]["user"]["login"] == BOT
    assert outputs["issue-url"] == issues[0]["html_url"]
    assert f"models:/{model_name}/{version} (1000 of 3000 rows sampled)" in issues[0]["body"]
    assert "`tenure`" in issues[0]["body"]
    assert issues[0]["title"] == f"Data drift and performance drop in {model_name}"
    assert "Model performance" in issues[0]["body"] and "its recorded metrics" in issues[0]["body"]
    assert "Data drift" in drifted.summary() and "Model performance" in drifted.summary()
    assert "warning: Pushgateway http://127.0.0.1:9: push failed" in drifted.text() + drifted.stderr
    assert TOKEN not in drifted.text() + drifted.stderr

    steady = scheduled("served-steady.csv", "outcomes-steady.csv")
    assert steady.returncode == 0, steady.text()[-4000:]
    assert steady.printed_outputs()["drift"] == "pass"
    assert github.issues(REPO)[0]["state"] == "closed"
    closing = github.comments(REPO, issues[0]["number"])[-1]["body"]
    assert closing.startswith("✅ Drift and degradation ended")


def test_gate_scores_both_models_with_the_jobs_own_libraries(
    pull_request: PullRequest, github: FakeGitHub, mlflow_server: str, model_name: str
) -> None:
    """Neither run logged predictions; the evaluation data is in the repository: the action's
    gate scores both models — scikit-learn comes from the job's Python, layered into mlgate's
    own venv — and the comment decides on paired intervals."""
    import hashlib

    import numpy as np
    from mlflow import MlflowClient

    from mlgate.adapters.registry import Registry
    from mlgate.core.dataset import Dataset

    rng = np.random.default_rng(8)
    features = rng.normal(size=(300, 3))
    labels = (features[:, 0] > 0).astype(int)
    rows = "".join(
        f"{a:.5f},{b:.5f},{c:.5f},{y}\n" for (a, b, c), y in zip(features, labels, strict=True)
    )
    eval_csv = pull_request.repo / "eval.csv"
    eval_csv.write_text("tenure,charges,calls,label\n" + rows, encoding="utf-8")
    config = pull_request.repo / "mlgate.yml"
    config.write_text(
        config.read_text() + "evaluation:\n  data: eval.csv\n  label: label\n", encoding="utf-8"
    )
    git_init_commit(pull_request)
    digest = hashlib.md5(eval_csv.read_bytes(), usedforsecurity=False).hexdigest()
    production = MlflowClient(mlflow_server).get_model_version(model_name, "1").run_id
    Registry(tracking_uri=mlflow_server).log_dataset(
        production, Dataset(name="eval.csv", digest=digest, source="eval.csv", origin="file")
    )

    run = pull_request.gate(candidate_accuracy=0.90)
    assert run.printed_outputs().get("verdict") in ("pass", "fail"), run.text()[-4000:]
    (comment,) = github.comments(REPO, NUMBER)
    body = comment["body"]
    assert "🔬 **Evidence** — from both models scored on the same rows" in body, body[:3000]
    assert "95% CI of Δ" in body
    assert "```text\n" in body and "┊" in body, "the interval plot"
    version = run.printed_outputs()["model-version"]
    kept = MlflowClient(mlflow_server).get_model_version(model_name, version).run_id
    names = [a.path for a in MlflowClient(mlflow_server).list_artifacts(kept, "mlgate")]
    assert "mlgate/predictions.parquet" in names, "the candidate's scores are kept with its run"


def git_init_commit(pull_request: PullRequest) -> None:
    """Commit the changed files: the PR's head is the new commit."""
    import subprocess

    for command in (
        ["git", "add", "-A"],
        [
            "git",
            "-c",
            "user.email=dev@example.com",
            "-c",
            "user.name=dev",
            "commit",
            "-qm",
            "eval data",
        ],
    ):
        subprocess.run(command, cwd=pull_request.repo, check=True, capture_output=True)
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=pull_request.repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    pull_request.sha = sha
    pull_request.github.state.pulls[NUMBER] = sha


def test_a_registry_event_requests_approval_and_the_environment_approval_promotes(
    mlflow_server: str,
    model_name: str,
    github: FakeGitHub,
    tmp_path: Path,
    act_cache: Path,
    checkout: Path,
) -> None:
    """The example's mlgate-registry.yml, as `mlgate relay` starts it: a repository_dispatch
    names a version registered outside CI; the gate job evaluates it and opens the request
    issue. Its promote job runs twice in the one run (act has no environment gate, so both
    start): on `staging`, which only a reader approved, it is refused; on `production`, which a
    writer approved, it promotes — each counting only its own environment's approvals."""
    from mlflow import MlflowClient

    repo = consumer_repository(tmp_path, model_name)
    workflows = repo / ".github" / "workflows"
    # The example as is, but for its Python set-up (act runs on this host, whose Python has
    # what the model tests need; setup-python cannot run offline) and a second copy of its
    # promote job, on another environment.
    workflow = (
        ROOT / "examples" / "github" / ".github" / "workflows" / "mlgate-registry.yml"
    ).read_text()
    setup = (
        "      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0\n"
        "        with:\n"
        '          python-version: "3.12"\n'
        "      - name: Install the model's requirements\n"
        "        run: python -m pip install -r requirements.txt\n"
    )
    assert workflow.count(setup) == 1
    promote = workflow[workflow.index("  promote:\n") :]
    assert promote.count("production") == 2
    staging = promote.replace("  promote:\n", "  promote-staging:\n").replace(
        "production", "staging"
    )
    (workflows / "mlgate-registry.yml").write_text(workflow.replace(setup, "") + staging)
    git_init(repo, f"https://github.com/{REPO}.git")
    register(
        mlflow_server, log_run(mlflow_server, metrics=metrics(0.90)), model_name, alias="champion"
    )
    version = register(mlflow_server, log_run(mlflow_server, metrics=metrics(0.92)), model_name)
    github.state.permissions.update({"alice": "write", "mallory": "read"})
    run_id = 9001
    github.add_run_approval(run_id, login="mallory", environment="staging")
    github.add_run_approval(run_id, login="alice", environment="production", comment="ship it")
    event = {
        "action": "mlgate-model-version",
        "client_payload": {
            "model": model_name,
            "version": version,
            "event": "model_version.created",
            "delivery": "d-1",
        },
        "repository": {"full_name": REPO, "default_branch": "main"},
    }
    run = run_act(
        repo,
        "repository_dispatch",
        event,
        workflow="mlgate-registry.yml",
        logs=tmp_path,
        cache=act_cache,
        source=checkout,
        env={
            "GITHUB_API_URL": github.api_url,
            "MLFLOW_TRACKING_URI": mlflow_server,
            "GITHUB_RUN_ID": str(run_id),
        },
        token=TOKEN,
    )
    jobs = {str(line.get("jobID")): line for line in run.lines if line.get("jobResult")}
    assert jobs["gate"]["jobResult"] == "success", run.text()[-4000:]
    assert jobs["promote"]["jobResult"] == "success", run.text()[-4000:]
    assert jobs["promote-staging"]["jobResult"] == "failure"
    assert "mallory's approval does not count: their permission is read" in run.text()
    client = MlflowClient(mlflow_server)
    assert client.get_registered_model(model_name).aliases == {
        "champion": version,
        "previous": "1",
    }
    tags = client.get_model_version(model_name, version).tags
    assert tags["mlgate.approved_by"] == "alice"
    assert "environment production" in tags["mlgate.approval"]
    assert "ship it" in tags["mlgate.reason"]
    (request,) = github.issues(REPO)
    assert request["user"]["login"] == BOT
    assert request["body"].startswith(f"<!-- mlgate:request model={model_name} -->")
    assert f"version **{version}**" in request["body"] and "ready for approval" in request["body"]
    assert request["state"] == "closed"
    assert "was promoted to @champion" in github.comments(REPO, request["number"])[-1]["body"]
    assert TOKEN not in run.text() + run.stderr
    # No deploy token secret here: the workflow's own token pushes (the fake lets it).
    pull, served = deployed(github, model_name)
    assert served == f"gs://models/{model_name}/{version}" and pull["user"]["login"] == BOT
