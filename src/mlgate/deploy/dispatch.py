"""``deploy.dispatch``: for teams whose deploy is a pipeline, not a GitOps repository —
a ``repository_dispatch`` (GitHub, ``client_payload`` = the payload) or a pipeline
trigger (GitLab, ``MLGATE_MODEL``, ``MLGATE_VERSION``, ``MLGATE_URI``,
``MLGATE_ENVIRONMENT``, ``MLGATE_RUN_ID``, ``MLGATE_EVENT=deploy``)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from mlgate.core.deploy import DeploySettings
from mlgate.errors import UsageError


def send(settings: DeploySettings, payload: Mapping[str, str], *, dry_run: bool) -> str:
    """What was sent (or, with ``dry_run``, would be), as one line."""
    from mlgate.adapters.ci import platform_from_environment

    assert settings.dispatch is not None
    body = {**payload, "event": "deploy"}
    env = dict(os.environ)
    platform = platform_from_environment(None, env)
    if platform == "gitlab" or env.get("MLGATE_GITLAB_TRIGGER_TOKEN"):
        return _gitlab(settings, body, env, dry_run=dry_run)
    return _github(settings, body, env, dry_run=dry_run)


def _github(
    settings: DeploySettings, body: Mapping[str, str], env: Mapping[str, str], *, dry_run: bool
) -> str:
    from mlgate.adapters.dispatch import GitHubDispatch

    assert settings.dispatch is not None
    repository = settings.repository or env.get("GITHUB_REPOSITORY", "")
    event_type = settings.dispatch.event_type
    if dry_run:
        return f"would send repository_dispatch {event_type} to {repository or '?'}: {dict(body)}"
    token = (
        env.get("MLGATE_DEPLOY_TOKEN") or env.get("MLGATE_GITHUB_TOKEN") or env.get("GITHUB_TOKEN")
    )
    if not token or "/" not in repository:
        raise UsageError(
            "deploy.dispatch on GitHub needs a token (MLGATE_DEPLOY_TOKEN or GITHUB_TOKEN) and "
            "deploy.repository or GITHUB_REPOSITORY"
        )
    return GitHubDispatch(
        api_url=env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/"),
        repository=repository,
        token=token,
        event_type=event_type,
    ).send(body)


def _gitlab(
    settings: DeploySettings, body: Mapping[str, str], env: Mapping[str, str], *, dry_run: bool
) -> str:
    from mlgate.adapters.dispatch import GitLabTrigger

    assert settings.dispatch is not None
    project = settings.repository or env.get("CI_PROJECT_PATH") or env.get("CI_PROJECT_ID", "")
    ref = settings.dispatch.ref
    if dry_run:
        return f"would trigger a pipeline of {project or '?'} on {ref}: {dict(body)}"
    api = env.get("CI_API_V4_URL", "").rstrip("/")
    token = env.get("MLGATE_GITLAB_TRIGGER_TOKEN")
    if not api or not token or not project:
        raise UsageError(
            "deploy.dispatch on GitLab needs CI_API_V4_URL, a pipeline trigger token in "
            "MLGATE_GITLAB_TRIGGER_TOKEN and deploy.repository or CI_PROJECT_PATH"
        )
    return GitLabTrigger(
        url=api.removesuffix("/api/v4"), project=project, token=token, ref=ref
    ).send(body)
