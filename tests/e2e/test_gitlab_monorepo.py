"""Many models on GitLab end to end: gitlab-ci-local runs examples/monorepo/.gitlab-ci.yml —
the template with `monorepo: true` — on a merge request: mlgate-plan generates the child
pipeline, mlgate-models runs it (one evaluate job per planned model, then mlgate-summary),
against the session's real MLflow server and the fake GitLab API."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import (
    ROOT,
    TEMPLATE_INCLUDE,
    PackageIndex,
    git_init,
    run_gitlab_ci_local,
    shared_caches,
)
from gitlab_server import FakeGitLab
from registry_helpers import log_run, register

pytestmark = pytest.mark.e2e

PROJECT_ID = "43"
IID = 5
TOKEN = "glpat-e2e-monorepo"
MODELS = ("churn", "fraud", "ltv")
CHILD_INCLUDE = '      template_include: \'{"project": "mlgate/mlgate", "ref": "v1", "file": "/ci_templates/mlgate.yml"}\'\n'


@pytest.fixture
def gitlab() -> Iterator[FakeGitLab]:
    fake = FakeGitLab()
    fake.state.users[TOKEN] = "mlgate-bot"
    yield fake
    fake.close()


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=dev@example.com", "-c", "user.name=dev", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def monorepo(dst: Path, names: dict[str, str]) -> tuple[str, str]:
    """examples/monorepo with the template included from this checkout (`local:`, in the
    pipeline and in the child's include), on main; a feature branch changing only the
    churn model's config. Returns (main's SHA, the head SHA)."""
    shutil.copytree(ROOT / "examples" / "monorepo", dst)
    shutil.copytree(ROOT / "ci_templates", dst / "ci_templates")
    pipeline = dst / ".gitlab-ci.yml"
    text, found = TEMPLATE_INCLUDE.subn(
        "  - local: /ci_templates/mlgate.yml\n", pipeline.read_text()
    )
    assert found == 1 and CHILD_INCLUDE in text
    text = text.replace(
        CHILD_INCLUDE, '      template_include: \'{"local": "/ci_templates/mlgate.yml"}\'\n'
    )
    pipeline.write_text(text, encoding="utf-8")
    for short, name in names.items():
        config = dst / "models" / short / "mlgate.yml"
        config.write_text(config.read_text().replace(f"model: {short}\n", f"model: {name}\n"))
    git_init(dst, "https://gitlab.example.com/acme/models.git")
    git(dst, "branch", "-m", "main")
    base = git(dst, "rev-parse", "HEAD")
    git(dst, "checkout", "-qb", "feature")
    (dst / "data" / "ltv" / "sample.csv").write_text("customer_id,tenure\n1,3\n")
    (dst / "models" / "churn" / "notes.md").write_text("retrained on November's data\n")
    git(dst, "add", "-A")
    git(dst, "commit", "-qm", "churn and ltv")
    return base, git(dst, "rev-parse", "HEAD")


def test_the_child_pipeline_gates_each_planned_model_and_sums_them_up(
    mlflow_server: str,
    model_name: str,
    gitlab: FakeGitLab,
    tmp_path: Path,
    package_index: PackageIndex,
) -> None:
    names = {short: f"{model_name}-{short}" for short in MODELS}
    for name in names.values():
        register(
            mlflow_server, log_run(mlflow_server, metrics=_metrics(0.90)), name, alias="champion"
        )
        register(
            mlflow_server, log_run(mlflow_server, metrics=_metrics(0.92)), name, alias="challenger"
        )
    repo = tmp_path / "repo"
    base, sha = monorepo(repo, names)
    gitlab.state.mrs[IID] = {"sha": sha, "author": "dev"}
    # The project's CI/CD variables (and the MR's), in gitlab-ci-local's variables file: it
    # hands a child pipeline only its own variables, not the command line's (GitLab gives a
    # child the project's variables). mlgate's venv gets a folder per job: gitlab-ci-local
    # gives concurrent jobs one CI_PROJECT_DIR, GitLab gives each job its own.
    project_variables = {
        "GITLAB_CI": "true",
        "CI_API_V4_URL": gitlab.api_url,
        "CI_PROJECT_ID": PROJECT_ID,
        "CI_PROJECT_URL": f"{gitlab.url}/acme/models",
        "CI_PIPELINE_URL": f"{gitlab.url}/acme/models/-/pipelines/1",
        "CI_MERGE_REQUEST_IID": str(IID),
        "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": sha,
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": base,
        "GITLAB_TOKEN": TOKEN,
        "MLFLOW_TRACKING_URI": mlflow_server,
        "PIP_EXTRA_INDEX_URL": package_index.url,
        "MLGATE_HOME": f"{tmp_path}/homes/$CI_JOB_ID",
        **shared_caches(),
    }
    typed = {k: {"type": "variable", "values": {"*": v}} for k, v in project_variables.items()}
    (repo / ".gitlab-ci-local-variables.yml").write_text(json.dumps(typed), encoding="utf-8")
    done = run_gitlab_ci_local(repo, variables={"CI_PIPELINE_SOURCE": "merge_request_event"})
    log = done.stdout + done.stderr
    (tmp_path / "gitlab-ci-local.log").write_text(log, encoding="utf-8")
    assert done.returncode == 0, log[-6000:]
    child = (
        repo / ".gitlab-ci-local" / "artifacts" / "mlgate-plan" / "mlgate-child.yml"
    ).read_text()
    planned = sorted([names["churn"], names["ltv"]])
    assert f'"mlgate-evaluate {names["fraud"]}"' not in child
    for name in planned:
        assert f"PASS  [mlgate-models] -> mlgate-evaluate {name}" in log
    assert "PASS  [mlgate-models] -> mlgate-summary" in log
    notes = gitlab.notes(PROJECT_ID, IID)
    markers = sorted(n["body"].splitlines()[0] for n in notes)
    assert markers == sorted(
        [f"<!-- mlgate:report model={n} -->" for n in planned] + ["<!-- mlgate:summary -->"]
    )
    summary = next(n for n in notes if n["body"].startswith("<!-- mlgate:summary -->"))
    assert "2 models passed (2 passed)" in summary["body"]
    for note in notes:
        if note is not summary:
            assert f"#note_{note['id']}" in summary["body"], "the summary links each report"
    statuses = {s["name"]: s["state"] for s in gitlab.state.statuses}
    assert statuses == {**{f"mlgate/{n}": "success" for n in planned}, "mlgate": "success"}
    assert TOKEN not in log


def _metrics(accuracy: float) -> dict[str, float]:
    return {"eval_accuracy": accuracy, "eval_f1": 0.80, "eval_auc": 0.90}
