"""`mlgate deploy` on GitHub: the real PyGithub client against the fake GitHub's Git data
API and pull requests, with versions promoted and rolled back in a real MLflow registry.
One PR per model and environment, opened once, updated by a newer promotion, left alone
by a re-run, reversed by a rollback; refusals and a token that may not push."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from deploy_helpers import FILES, Registry, config
from github_server import FakeGitHub

from mlgate.adapters.deploy_github import GitHubDeployRepository
from mlgate.adapters.github import GitHubTarget
from mlgate.cli import cli
from mlgate.deploy.run import DeployRequest, DeployResult, deploy
from mlgate.files.config import load_config

REPO = "acme/deploy"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    server.state.users.update({"deploy-token": "deployer", "read-token": "reader"})
    server.state.read_only.add("read-token")
    server.state.absent_repos.add("acme/nothing")
    server.git.seed(REPO, dict(FILES))
    yield server
    server.close()


@pytest.fixture
def registry(tmp_path: Path, mlflow_server: str, model_name: str) -> Registry:
    (tmp_path / "mlgate.yml").write_text(config(model_name))
    return Registry(mlflow_server, model_name, tmp_path)


def run_deploy(
    registry: Registry, fake: FakeGitHub, *, version: str | None = None, token: str = "deploy-token"
) -> DeployResult:
    settings = load_config(registry.folder / "mlgate.yml")
    target = GitHubTarget(api_url=fake.api_url, repository=REPO, token=token)
    return deploy(
        DeployRequest(
            tracking_uri=registry.server, model=registry.model, version=version, config=settings
        ),
        repository=lambda _settings: GitHubDeployRepository(target, min_interval=0),
    )


def served(fake: FakeGitHub, ref: str) -> str:
    files = fake.git.files(REPO, ref)
    return yaml.safe_load(files["k8s/churn/inferenceservice.yaml"])["spec"]["predictor"]["model"][
        "storageUri"
    ]


def writes(fake: FakeGitHub) -> list[tuple[str, str]]:
    return [(m, p) for m, p in fake.requests() if m != "GET"]


def test_one_pr_opened_updated_left_alone_and_reversed(
    registry: Registry, fake: FakeGitHub
) -> None:
    name = registry.model
    first = registry.promoted(0.90)
    opened = run_deploy(registry, fake)
    assert opened.action == "opened" and opened.proposal is not None
    branch = f"mlgate/deploy/{name}/production"
    assert opened.branch == branch
    state = fake.git.repos[REPO]
    [pull] = state.pulls
    assert (pull["head"]["ref"], pull["base"]["ref"], pull["state"]) == (branch, "main", "open")
    assert served(fake, branch) == f"gs://models/{name}/{first}"
    assert served(fake, "main") == "gs://models/churn/0"
    head = state.branches[branch]
    assert state.commits[head]["parents"] == [state.branches["main"]]  # one commit on main
    assert pull["title"] == f"Deploy {name} version {first} (production)"
    body = pull["body"]
    assert f"<!-- mlgate:deploy model={name} environment=production -->" in body
    assert "`gs://models/churn/0`" in body and f"`gs://models/{name}/{first}`" in body
    assert "**Approved by** alice" in body and f"mlgate rollback --model {name}" in body
    lines = opened.diff.splitlines()
    removed = [x for x in lines if x.startswith("-") and not x.startswith("---")]
    added = [x for x in lines if x.startswith("+") and not x.startswith("+++")]
    assert len(removed) == len(added) == 3  # storageUri, model.uri, model.version

    before = writes(fake)
    again = run_deploy(registry, fake)
    assert again.action == "unchanged" and again.proposal == opened.proposal
    assert writes(fake) == before  # nothing written: the same version means the same PR

    second = registry.promoted(0.93, by="bob")
    updated = run_deploy(registry, fake)
    assert updated.action == "updated" and updated.proposal.number == opened.proposal.number
    assert len(state.pulls) == 1 and served(fake, branch) == f"gs://models/{name}/{second}"
    assert state.pulls[0]["title"] == f"Deploy {name} version {second} (production)"
    assert "**Approved by** bob" in state.pulls[0]["body"]
    assert f"| now | {first} |" not in state.pulls[0]["body"]  # main still serves version 0

    fake.git.merge(REPO, 1)
    assert served(fake, "main") == f"gs://models/{name}/{second}"
    deployed = run_deploy(registry, fake)
    assert deployed.action == "already" and deployed.proposal is None

    registry.rolled_back()
    reverse = run_deploy(registry, fake)
    assert reverse.action == "opened" and reverse.proposal.number == 2
    assert served(fake, branch) == f"gs://models/{name}/{first}"
    assert state.pulls[1]["title"] == f"Roll back {name} to version {first} (production)"
    assert "**Rolled back by** carol" in state.pulls[1]["body"]
    assert f"mlgate promote --model {name} --version {second}" in state.pulls[1]["body"]

    history = json.loads(registry.run("history", "--format", "json").stdout)
    assert history[-1]["event"] == "rollback"
    assert history[-1]["deployment"]["url"].endswith("/pull/2")
    assert history[-1]["deployment"]["state"] == "opened"
    live = registry.run(
        "history",
        "--live",
        "--platform",
        "github",
        env={"GITHUB_API_URL": fake.api_url, "MLGATE_DEPLOY_TOKEN": "deploy-token"},
    )
    assert live.exit_code == 0, live.output
    lines = live.stdout.splitlines()
    assert lines[1].endswith(f"deploy merged {fake.host}/{REPO}/pull/1")  # version 2's
    assert lines[2].endswith(f"deploy open {fake.host}/{REPO}/pull/2")  # the rollback's


def test_a_rollback_before_the_merge_closes_the_stale_pr(
    registry: Registry, fake: FakeGitHub
) -> None:
    fake.git.seed(
        REPO,
        {
            "k8s/churn/inferenceservice.yaml": FILES["k8s/churn/inferenceservice.yaml"].replace(
                "gs://models/churn/0", f"gs://models/{registry.model}/1"
            ),
            "helm/churn/values.yaml": FILES["helm/churn/values.yaml"]
            .replace("s3://models/churn/0", f"gs://models/{registry.model}/1")
            .replace("version: 0", "version: 1"),
        },
    )
    first = registry.promoted(0.90)
    assert first == "1"
    assert run_deploy(registry, fake).action == "already"
    registry.promoted(0.93)
    assert run_deploy(registry, fake).action == "opened"
    registry.rolled_back()
    closed = run_deploy(registry, fake)
    assert closed.action == "closed"
    assert fake.git.repos[REPO].pulls[0]["state"] == "closed"
    [comment] = fake.comments(REPO, 1)
    assert f"already serves version {first}" in comment["body"]


def test_deploy_follows_the_alias_and_the_recorded_verdict(
    registry: Registry, fake: FakeGitHub
) -> None:
    from mlflow.tracking import MlflowClient

    promoted = registry.promoted(0.90)
    failed = registry.evaluated(0.50)  # the gate rejected it
    not_holder = run_deploy(registry, fake, version=failed)
    assert not_holder.action == "refused"
    assert not_holder.reasons == [
        f"version {failed} does not hold @champion (version {promoted} does): deploy follows "
        "the registry's alias; promote the version first"
    ]
    MlflowClient(registry.server).set_registered_model_alias(registry.model, "champion", failed)
    forced = run_deploy(registry, fake)
    assert forced.action == "refused"
    assert f"version {failed}'s recorded verdict is fail, not pass" in forced.reasons
    assert any("mlgate never promoted it" in r for r in forced.reasons)
    assert fake.git.repos[REPO].pulls == [] and writes(fake) == []


def cli_deploy(  # type: ignore[no-untyped-def]
    registry: Registry, fake: FakeGitHub, token: str, *args: str, env: dict[str, str] | None = None
):
    return CliRunner().invoke(
        cli,
        [
            "deploy",
            "--tracking-uri",
            registry.server,
            "--config",
            str(registry.folder / "mlgate.yml"),
            "--platform",
            "github",
            *args,
        ],
        env={
            "GITHUB_API_URL": fake.api_url,
            "MLGATE_DEPLOY_TOKEN": token,
            "GITHUB_REPOSITORY": "acme/model",
            **(env or {}),
        },
    )


def test_a_token_that_cannot_push_is_named(registry: Registry, fake: FakeGitHub) -> None:
    registry.promoted(0.90)
    result = cli_deploy(registry, fake, "read-token")
    assert result.exit_code == 3, result.output
    assert (
        "the token may not push: it needs contents: write and pull-requests: write on acme/deploy"
        in result.stderr
    )
    assert "Traceback" not in result.output and fake.git.repos[REPO].pulls == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("repository: acme/deploy", "repository: acme/nothing"),
            "deploy.repository 'acme/nothing': not found on GitHub",
        ),
        (
            ("environment: production", "environment: production\n  branch: release"),
            "deploy.branch 'release': no such branch in acme/deploy",
        ),
        (
            ('uri: "gs://models/{name}/{version}"', "uri: artifact"),
            "cannot serve 'mlflow-artifacts:",
        ),
        (
            ("model.uri", "model.digest"),
            "helm/churn/values.yaml: document 1: model.digest: no document of the file has this key",
        ),
    ],
    ids=["no-repository", "no-branch", "artifact-kserve-cannot-read", "missing-key"],
)
def test_bad_deployment_targets_exit_2_and_push_nothing(
    registry: Registry, fake: FakeGitHub, change: tuple[str, str], message: str
) -> None:
    path = registry.folder / "mlgate.yml"
    registry.promoted(0.90)
    path.write_text(path.read_text().replace(*change))
    result = cli_deploy(registry, fake, "deploy-token")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert writes(fake) == []


def test_auto_merge_is_bound_to_the_commit_pushed(registry: Registry, fake: FakeGitHub) -> None:
    path = registry.folder / "mlgate.yml"
    path.write_text(path.read_text() + "  auto_merge: true\n")
    registry.promoted(0.90)
    result = run_deploy(registry, fake)
    state = fake.git.repos[REPO]
    [merge] = state.auto_merge
    assert merge["expectedHeadOid"] == state.branches[result.branch]
    assert merge["mergeMethod"] == "SQUASH"


def test_the_cli_prints_the_pr_and_the_step_output(
    registry: Registry, fake: FakeGitHub, tmp_path: Path
) -> None:
    registry.promoted(0.90)
    outputs = tmp_path / "outputs"
    outputs.touch()
    # The workflow's own token, when no deploy token is given.
    result = cli_deploy(
        registry, fake, "", env={"GITHUB_TOKEN": "deploy-token", "GITHUB_OUTPUT": str(outputs)}
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(
        f"opened the deployment proposal: {fake.host}/acme/deploy/pull/1"
    )
    written = outputs.read_text().splitlines()
    assert written[written.index(next(x for x in written if x.startswith("deploy-url<<"))) + 1] == (
        f"{fake.host}/acme/deploy/pull/1"
    )


def test_dispatch_sends_the_uri_instead_of_a_pr(registry: Registry, fake: FakeGitHub) -> None:
    path = registry.folder / "mlgate.yml"
    text = path.read_text()
    path.write_text(text[: text.index("  files:")] + "  dispatch: {event_type: ship-model}\n")
    version = registry.promoted(0.90)
    fake.state.repository_dispatches.clear()
    result = cli_deploy(registry, fake, "deploy-token")
    assert result.exit_code == 0, result.output
    [sent] = fake.state.repository_dispatches
    assert sent["repo"] == REPO and sent["event_type"] == "ship-model"
    assert sent["client_payload"] == {
        "model": registry.model,
        "version": version,
        "uri": f"gs://models/{registry.model}/{version}",
        "environment": "production",
        "run_id": sent["client_payload"]["run_id"],
        "event": "deploy",
    }
    assert fake.git.repos[REPO].pulls == []
