"""Many models end to end: act runs examples/monorepo's workflow — plan, a matrix of gate
jobs, the summary — against the session's real MLflow server and the fake GitHub API.
The workflow file is the example's, unchanged; only the artifact actions are stand-ins
(tests/e2e/github/artifacts: GitHub's artifact service is not reachable offline)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import ROOT, git_init, run_act
from github_server import FakeGitHub
from registry_helpers import log_run, register

pytestmark = pytest.mark.e2e

REPO = "acme/models"
TOKEN = "ghs-e2e-monorepo-token"
BOT = "github-actions[bot]"
NUMBER = 12
MODELS = ("churn", "fraud", "ltv")


def metrics(accuracy: float) -> dict[str, float]:
    return {"eval_accuracy": accuracy, "eval_f1": 0.80, "eval_auc": 0.90}


def monorepo(tmp_path: Path, names: dict[str, str]) -> tuple[Path, str]:
    """examples/monorepo on main, and a feature branch changing libs/ (shared: plans all)
    and nothing else; model names made unique for this test."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "monorepo", repo)
    for short, name in names.items():
        config = repo / "models" / short / "mlgate.yml"
        text = config.read_text(encoding="utf-8")
        assert f"model: {short}\n" in text
        config.write_text(text.replace(f"model: {short}\n", f"model: {name}\n"), encoding="utf-8")
    git_init(repo, f"https://github.com/{REPO}.git")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=dev@example.com", "-c", "user.name=dev", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("branch", "-m", "main")
    git("update-ref", "refs/remotes/origin/main", "main")
    git("checkout", "-qb", "feature")
    (repo / "libs" / "features.py").write_text(
        (repo / "libs" / "features.py").read_text() + "\nBUCKETS = 2\n"
    )
    git("commit", "-qam", "features: two buckets")
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()
    return repo, sha


def event(sha: str) -> dict[str, Any]:
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


def test_plan_matrix_and_summary_report_once_per_model_and_once_for_the_pr(
    mlflow_server: str, model_name: str, tmp_path: Path, checkout: Path
) -> None:
    from mlflow import MlflowClient

    names = {short: f"{model_name}-{short}" for short in MODELS}
    for name in names.values():
        register(
            mlflow_server, log_run(mlflow_server, metrics=metrics(0.90)), name, alias="champion"
        )
        register(
            mlflow_server, log_run(mlflow_server, metrics=metrics(0.92)), name, alias="challenger"
        )
    repo, sha = monorepo(tmp_path, names)
    github = FakeGitHub()
    github.state.users[TOKEN] = BOT
    github.state.pulls[NUMBER] = sha
    github.state.pull_authors[NUMBER] = "dev"
    cache = tmp_path / "act-cache"
    artifacts = tmp_path / "artifacts"

    def act() -> Any:
        shutil.rmtree(artifacts, ignore_errors=True)
        artifacts.mkdir()
        return run_act(
            repo,
            "pull_request",
            event(sha),
            workflow="mlgate.yml",
            logs=tmp_path,
            cache=cache,
            source=checkout,
            env={"GITHUB_API_URL": github.api_url, "MLGATE_E2E_ARTIFACTS": str(artifacts)},
            secrets={"MLFLOW_TRACKING_URI": mlflow_server},
            token=TOKEN,
        )

    try:
        run = act()
        assert run.returncode == 0, run.text()[-6000:]
        comments = github.comments(REPO, NUMBER)
        markers = sorted(c["body"].splitlines()[0] for c in comments)
        assert markers == sorted(
            [f"<!-- mlgate:report model={n} -->" for n in names.values()]
            + ["<!-- mlgate:summary -->"]
        )
        summary = next(c for c in comments if c["body"].startswith("<!-- mlgate:summary -->"))
        assert "3 models passed (3 passed)" in summary["body"]
        for comment in comments:
            if comment is not summary:
                assert comment["html_url"] in summary["body"], "the summary links each report"
        contexts = {s["context"]: s["state"] for s in github.state.statuses}
        assert contexts == {
            **{f"mlgate/{n}": "success" for n in names.values()},
            "mlgate": "success",
        }
        assert "3 models passed" in run.summary()
        assert TOKEN not in run.text() + run.stderr

        # The rerun, with one model's candidate gone: its job fails before any verdict.
        broken = names["fraud"]
        MlflowClient(mlflow_server).delete_registered_model_alias(broken, "challenger")
        bodies = {c["id"]: c["body"] for c in comments}
        run = act()
        assert run.returncode != 0, "a model's job failed"
        after = github.comments(REPO, NUMBER)
        assert len(after) == 4, "a rerun edits the comments: none is added"
        assert {c["id"] for c in after} == set(bodies)
        summary = next(c for c in after if c["body"].startswith("<!-- mlgate:summary -->"))
        assert summary["body"] != bodies[summary["id"]], "the summary was edited in place"
        assert "1 no verdict" in summary["body"]
        row = next(line for line in summary["body"].splitlines() if f"`{broken}`" in line)
        assert "no verdict" in row and row.startswith("| ⚠️")
        latest = {s["context"]: s["state"] for s in github.state.statuses}
        assert latest["mlgate"] == "failure"
        assert latest[f"mlgate/{broken}"] == "failure"
        aggregate = [s for s in github.state.statuses if s["context"] == "mlgate"][-1]
        assert broken in aggregate["description"]
    finally:
        github.close()
