"""The deployment repository as the deploy job sees it — read a file, push one commit,
find, open, update or close the proposal — on the platform mlgate runs on (or was told),
with the deploy token; and each recorded proposal's state now (`mlgate history --live`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from mlgate.core.deploy import DeploySettings, Proposal
from mlgate.errors import UsageError
from mlgate.files.config import Config


class Repository(Protocol):
    name: str
    repository: str

    def base_head(self, branch: str) -> str: ...
    def read(self, path: str, ref: str) -> str | None: ...
    def find(self, *, branch: str, base: str) -> Proposal | None: ...
    def push(
        self, *, branch: str, base_sha: str, files: Mapping[str, str], message: str
    ) -> str: ...
    def open(self, *, branch: str, base: str, title: str, body: str) -> Proposal: ...
    def update(self, proposal: Proposal, *, title: str, body: str) -> Proposal: ...
    def close(self, proposal: Proposal, *, comment: str) -> None: ...
    def auto_merge(self, proposal: Proposal, *, head: str) -> None: ...
    def state(self, number: int) -> str: ...
    def comment(self, number: int, *, marker: str, body: str) -> str | None: ...


def live_states(
    entries: list[dict[str, Any]], *, config: Config, platform: str, env: Mapping[str, str]
) -> None:
    """Each recorded deployment's PR/MR state as the platform says it is now."""
    if config.deploy is None:
        raise UsageError(f"{config.source}: --live needs the deploy: section")
    repository = platform_repository(platform, env)(config.deploy)
    for entry in entries:
        deployment = entry.get("deployment")
        if (
            isinstance(deployment, dict)
            and isinstance(deployment.get("number"), int)
            and deployment.get("repository") == repository.repository
        ):
            deployment["state"] = repository.state(deployment["number"])


def platform_repository(
    platform: str, env: Mapping[str, str]
) -> Callable[[DeploySettings], Repository]:
    """The deployment repository on the platform mlgate runs on (or was told):
    ``deploy.repository``, else the current repository; the token MLGATE_DEPLOY_TOKEN, else
    the platform's own."""

    def github(settings: DeploySettings) -> Repository:
        from mlgate.adapters.deploy_github import GitHubDeployRepository
        from mlgate.adapters.github import GitHubTarget

        repository = settings.repository or env.get("GITHUB_REPOSITORY", "")
        token = _token(env, "MLGATE_GITHUB_TOKEN", "GITHUB_TOKEN")
        if "/" not in repository:
            raise UsageError("set deploy.repository (owner/name) or GITHUB_REPOSITORY")
        api = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
        return GitHubDeployRepository(GitHubTarget(api_url=api, repository=repository, token=token))

    def gitlab(settings: DeploySettings) -> Repository:
        from mlgate.adapters.deploy_gitlab import GitLabDeployRepository
        from mlgate.adapters.gitlab import GitLabTarget

        api = env.get("CI_API_V4_URL", "").rstrip("/")
        project = settings.repository or env.get("CI_PROJECT_PATH") or env.get("CI_PROJECT_ID")
        if not api or not project:
            raise UsageError("set CI_API_V4_URL and deploy.repository (group/project)")
        token = _token(env, "MLGATE_GITLAB_TOKEN", "GITLAB_TOKEN")
        return GitLabDeployRepository(
            GitLabTarget(url=api.removesuffix("/api/v4"), project=project, token=token)
        )

    if platform == "github":
        return github
    if platform == "gitlab":
        return gitlab
    raise UsageError(
        "mlgate deploy proposes a pull/merge request: run it in GitHub Actions or GitLab CI, "
        "or give --platform github|gitlab (with GITHUB_API_URL or CI_API_V4_URL), or --dry-run"
    )


def _token(env: Mapping[str, str], *names: str) -> str:
    for name in ("MLGATE_DEPLOY_TOKEN", *names):
        if env.get(name):
            return env[name]
    raise UsageError(
        f"mlgate deploy needs a token that may push: MLGATE_DEPLOY_TOKEN or {names[-1]}"
    )
