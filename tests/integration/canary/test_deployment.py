"""The canary against the deployment it judges, on GitHub (PyGithub against the fake's
pull requests and comments) with versions promoted in a real MLflow registry:
`--comment` keeps one report on the deployment PR, edited by each run; `--rollback` on a
failing canary moves the alias back and proposes the reverse deployment PR."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_helpers import FILES, Registry, config
from github_server import FakeGitHub

from mlgate.adapters.deploy_github import GitHubDeployRepository
from mlgate.adapters.github import GitHubTarget
from mlgate.deploy.run import DeployRequest, deploy
from mlgate.files.config import load_config

REPO = "acme/deploy"
CANARY = "canary:\n  rules:\n    error_rate: {max_rise: 0.01}\n"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    server.state.users.update({"deploy-token": "deployer"})
    server.git.seed(REPO, dict(FILES))
    yield server
    server.close()


@pytest.fixture
def registry(tmp_path: Path, mlflow_server: str, model_name: str) -> Registry:
    (tmp_path / "mlgate.yml").write_text(config(model_name, extra=CANARY))
    return Registry(mlflow_server, model_name, tmp_path)


def proposed(registry: Registry, repository: Any) -> int:
    """`mlgate deploy` of the alias holder to ``repository``: its PR/MR number."""
    result = deploy(
        DeployRequest(
            tracking_uri=registry.server,
            model=registry.model,
            version=None,
            config=load_config(registry.folder / "mlgate.yml"),
        ),
        repository=lambda _settings: repository,
    )
    assert result.proposal is not None
    return result.proposal.number


def deployed(registry: Registry, fake: FakeGitHub) -> int:
    """The alias holder's deployment PR, opened and merged; its number."""
    target = GitHubTarget(api_url=fake.api_url, repository=REPO, token="deploy-token")
    number = proposed(registry, GitHubDeployRepository(target, min_interval=0))
    fake.git.merge(REPO, number)
    return number


def outcomes(path: Path, *, canary_errors: int) -> Path:
    lines = ["variant,error"]
    lines += [f"stable,{'true' if i < 10 else 'false'}" for i in range(1000)]
    lines += [f"canary,{'true' if i < canary_errors else 'false'}" for i in range(1000)]
    path.write_text("\n".join(lines) + "\n")
    return path


def canary(registry: Registry, fake: FakeGitHub, data: Path, *extra: str, actions: bool = False):  # type: ignore[no-untyped-def]
    env = {"GITHUB_API_URL": fake.api_url, "MLGATE_DEPLOY_TOKEN": "deploy-token"}
    if actions:  # the rollback's deployment finds GitHub from the CI environment
        env.update({"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/models"})
    folder = registry.folder
    return registry.run(
        "canary",
        "--outcomes",
        str(data),
        "--out",
        str(folder / "mlgate-canary.json"),
        "--report",
        str(folder / "mlgate-canary.md"),
        *extra,
        env=env,
    )


def test_the_report_is_one_comment_on_the_deployment_pr(
    registry: Registry, fake: FakeGitHub, tmp_path: Path
) -> None:
    registry.promoted(0.90)
    number = deployed(registry, fake)
    first = canary(
        registry,
        fake,
        outcomes(tmp_path / "a.csv", canary_errors=10),
        "--comment",
        "--platform",
        "github",
    )
    assert first.exit_code == 0, first.output
    [posted] = fake.comments(REPO, number)
    assert posted["body"].startswith("<!-- mlgate:canary model=")
    assert "Canary pass" in posted["body"]
    again = canary(
        registry,
        fake,
        outcomes(tmp_path / "b.csv", canary_errors=80),
        "--comment",
        "--platform",
        "github",
    )
    assert again.exit_code == 1, again.output
    [edited] = fake.comments(REPO, number)  # the same comment, edited
    assert edited["id"] == posted["id"] and "Canary fail" in edited["body"]


def test_a_comment_without_a_recorded_deployment_is_refused(
    registry: Registry, fake: FakeGitHub, tmp_path: Path
) -> None:
    registry.promoted(0.90)  # promoted on a laptop: no deployment PR recorded
    result = canary(
        registry,
        fake,
        outcomes(tmp_path / "a.csv", canary_errors=10),
        "--comment",
        "--platform",
        "github",
    )
    assert result.exit_code == 2
    assert "no deployment PR/MR recorded" in result.output
    assert (registry.folder / "mlgate-canary.json").exists()  # the decision is on disk


def test_a_failing_canary_rolls_back_the_alias_and_the_deployment(
    registry: Registry, fake: FakeGitHub, tmp_path: Path
) -> None:
    first = registry.promoted(0.90)
    deployed(registry, fake)
    second = registry.promoted(0.91)
    number = deployed(registry, fake)
    result = canary(
        registry, fake, outcomes(tmp_path / "a.csv", canary_errors=80), "--rollback", actions=True
    )
    assert result.exit_code == 1, result.output
    assert f"rolled back to version {first} (from version {second})" in result.output
    pulls = fake.git.repos[REPO].pulls
    reverse = pulls[-1]
    assert reverse["number"] > number and reverse["state"] == "open"
    files = fake.git.files(REPO, reverse["head"]["ref"])
    served = yaml.safe_load(files["k8s/churn/inferenceservice.yaml"])
    assert served["spec"]["predictor"]["model"]["storageUri"].endswith(f"/{first}")


def test_a_passing_canary_rolls_nothing_back(
    registry: Registry, fake: FakeGitHub, tmp_path: Path
) -> None:
    registry.promoted(0.90)
    deployed(registry, fake)
    second = registry.promoted(0.91)
    deployed(registry, fake)
    pulls = len(fake.git.repos[REPO].pulls)
    result = canary(
        registry, fake, outcomes(tmp_path / "a.csv", canary_errors=10), "--rollback", actions=True
    )
    assert result.exit_code == 0, result.output
    assert "rolled back" not in result.output
    assert len(fake.git.repos[REPO].pulls) == pulls
    history = registry.run("history", "--format", "json")
    assert f'"version": "{second}"' in history.output


def test_gitlab_parity_one_note_on_the_deployment_mr(registry: Registry, tmp_path: Path) -> None:
    from gitlab_server import FakeGitLab

    from mlgate.adapters.deploy_gitlab import GitLabDeployRepository
    from mlgate.adapters.gitlab import GitLabTarget

    server = FakeGitLab()
    try:
        server.state.users.update({"deploy-token": "deployer"})
        server.git.seed(REPO, dict(FILES))
        registry.promoted(0.90)
        target = GitLabTarget(url=server.url, project=REPO, token="deploy-token")
        number = proposed(registry, GitLabDeployRepository(target))
        env = {"CI_API_V4_URL": f"{server.url}/api/v4", "MLGATE_DEPLOY_TOKEN": "deploy-token"}
        for errors, code in ((10, 0), (80, 1)):
            ran = registry.run(
                "canary",
                "--outcomes",
                str(outcomes(tmp_path / f"{errors}.csv", canary_errors=errors)),
                "--out",
                str(tmp_path / "c.json"),
                "--report",
                str(tmp_path / "c.md"),
                "--comment",
                "--platform",
                "gitlab",
                env=env,
            )
            assert ran.exit_code == code, ran.output
        [note] = server.notes(REPO, number)
        assert (
            note["body"].startswith("<!-- mlgate:canary model=") and "Canary fail" in note["body"]
        )
    finally:
        server.close()
