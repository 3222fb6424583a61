"""`mlgate deploy` on GitLab: python-gitlab against the fake GitLab's commits API and merge
requests — the same one-proposal lifecycle as on GitHub, and the same refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from deploy_helpers import FILES, Registry, config
from gitlab_server import FakeGitLab

from mlgate.adapters.deploy_gitlab import GitLabDeployRepository
from mlgate.adapters.gitlab import GitLabTarget
from mlgate.cli import cli
from mlgate.deploy.run import DeployRequest, DeployResult, deploy
from mlgate.files.config import load_config

PROJECT = "acme/deploy"


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    server = FakeGitLab()
    server.state.users.update({"deploy-token": "deployer", "reporter-token": "reporter"})
    server.git.reporters.add("reporter")
    server.state.absent_projects.add("acme/nothing")
    server.git.seed(PROJECT, dict(FILES))
    yield server
    server.close()


@pytest.fixture
def registry(tmp_path: Path, mlflow_server: str, model_name: str) -> Registry:
    (tmp_path / "mlgate.yml").write_text(config(model_name, extra="  auto_merge: true\n"))
    return Registry(mlflow_server, model_name, tmp_path)


def run_deploy(registry: Registry, fake: FakeGitLab) -> DeployResult:
    settings = load_config(registry.folder / "mlgate.yml")
    target = GitLabTarget(url=fake.url, project=PROJECT, token="deploy-token")
    return deploy(
        DeployRequest(
            tracking_uri=registry.server, model=registry.model, version=None, config=settings
        ),
        repository=lambda _settings: GitLabDeployRepository(target),
    )


def served(fake: FakeGitLab, ref: str) -> str:
    text = fake.git.files(PROJECT, ref)["k8s/churn/inferenceservice.yaml"]
    return yaml.safe_load(text)["spec"]["predictor"]["model"]["storageUri"]


def test_gitlab_parity(registry: Registry, fake: FakeGitLab) -> None:
    name = registry.model
    first = registry.promoted(0.90)
    opened = run_deploy(registry, fake)
    assert opened.action == "opened" and opened.proposal is not None
    state = fake.git.projects[PROJECT]
    [mr] = state.mrs
    branch = f"mlgate/deploy/{name}/production"
    assert (mr["source_branch"], mr["target_branch"], mr["state"]) == (branch, "main", "opened")
    assert mr["force_remove_source_branch"] is True
    assert opened.proposal.url == f"{fake.url}/{PROJECT}/-/merge_requests/1"
    assert served(fake, branch) == f"gs://models/{name}/{first}"
    head = state.branches[branch]
    assert state.commits[head]["parents"] == [state.branches["main"]]
    assert state.merges == [{"iid": 1, "merge_when_pipeline_succeeds": True, "sha": head}]

    commits = len(state.commits)
    assert run_deploy(registry, fake).action == "unchanged"
    assert len(state.commits) == commits

    second = registry.promoted(0.93, by="bob")
    updated = run_deploy(registry, fake)
    assert updated.action == "updated" and updated.proposal.number == 1
    assert len(state.mrs) == 1 and served(fake, branch) == f"gs://models/{name}/{second}"
    assert state.mrs[0]["title"] == f"Deploy {name} version {second} (production)"

    fake.git.merge(PROJECT, 1)
    registry.rolled_back()
    reverse = run_deploy(registry, fake)
    assert reverse.action == "opened" and reverse.proposal.number == 2
    assert served(fake, branch) == f"gs://models/{name}/{first}"
    assert state.mrs[1]["title"] == f"Roll back {name} to version {first} (production)"


def cli_deploy(registry: Registry, fake: FakeGitLab, token: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(
        cli,
        [
            "deploy",
            "--tracking-uri",
            registry.server,
            "--config",
            str(registry.folder / "mlgate.yml"),
            "--platform",
            "gitlab",
        ],
        env={"CI_API_V4_URL": fake.api_url, "MLGATE_DEPLOY_TOKEN": token},
    )


def test_a_reporter_token_is_named(registry: Registry, fake: FakeGitLab) -> None:
    registry.promoted(0.90)
    result = cli_deploy(registry, fake, "reporter-token")
    assert result.exit_code == 3, result.output
    assert "the token may not push: it needs a project or group access token with the api " in (
        result.stderr
    )
    assert fake.git.projects[PROJECT].mrs == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("repository: acme/deploy", "repository: acme/nothing"),
            "deploy.repository 'acme/nothing': not found on GitLab",
        ),
        (
            ("environment: production", "environment: production\n  branch: release"),
            "deploy.branch 'release': no such branch in acme/deploy",
        ),
    ],
    ids=["no-project", "no-branch"],
)
def test_a_missing_project_or_branch_is_exit_2(
    registry: Registry, fake: FakeGitLab, change: tuple[str, str], message: str
) -> None:
    path = registry.folder / "mlgate.yml"
    path.write_text(path.read_text().replace(*change))
    registry.promoted(0.90)
    result = cli_deploy(registry, fake, "deploy-token")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert fake.git.projects[PROJECT].mrs == []


def test_dispatch_triggers_the_deploy_pipeline(registry: Registry, fake: FakeGitLab) -> None:
    path = registry.folder / "mlgate.yml"
    text = path.read_text()
    path.write_text(text[: text.index("  files:")] + "  dispatch: {ref: release}\n")
    fake.state.trigger_tokens.add("trigger-token")
    version = registry.promoted(0.90)
    fake.state.pipelines.clear()
    result = CliRunner().invoke(
        cli,
        ["deploy", "--tracking-uri", registry.server, "--config", str(path)],
        env={
            "GITLAB_CI": "true",
            "CI_API_V4_URL": fake.api_url,
            "MLGATE_GITLAB_TRIGGER_TOKEN": "trigger-token",
        },
    )
    assert result.exit_code == 0, result.output
    [pipeline] = fake.state.pipelines
    assert (pipeline["project"], pipeline["ref"]) == (PROJECT, "release")
    assert pipeline["variables"] == {
        "MLGATE_MODEL": registry.model,
        "MLGATE_VERSION": version,
        "MLGATE_URI": f"gs://models/{registry.model}/{version}",
        "MLGATE_ENVIRONMENT": "production",
        "MLGATE_RUN_ID": pipeline["variables"]["MLGATE_RUN_ID"],
        "MLGATE_EVENT": "deploy",
    }
    assert "trigger-token" not in result.output
    assert fake.git.projects[PROJECT].mrs == []
    history = registry.run("history", "--format", "json")
    assert '"state": "dispatched"' in history.stdout
