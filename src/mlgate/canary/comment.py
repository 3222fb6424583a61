"""The canary report as one comment on the deployment PR/MR that put the version in
production (``mlgate deploy`` records its number on the version), kept current: each
decision edits the comment in place, found by the report's marker."""

from __future__ import annotations

from collections.abc import Mapping

from mlgate.core.canary import CanaryReport
from mlgate.errors import UsageError
from mlgate.files.config import Config
from mlgate.report.canary import marker


def comment_on_deployment(
    report: CanaryReport,
    markdown: str,
    *,
    config: Config,
    tracking_uri: str,
    platform: str,
    env: Mapping[str, str],
) -> str | None:
    """The comment's URL. UsageError when there is no deployment PR/MR to comment on."""
    from mlgate.adapters.deployments import Deployments
    from mlgate.adapters.registry import Registry
    from mlgate.deploy.repository import platform_repository

    model = config.model or report.model
    if config.deploy is None or not model:
        raise UsageError("--comment needs the model and the deploy: section (its repository)")
    if platform == "local":
        raise UsageError("--comment needs --platform github or gitlab (or a CI environment)")
    deployments = Deployments(Registry(tracking_uri=tracking_uri))
    alias = config.production_alias
    found = deployments.read(model=model, version=None, alias=alias)
    if found.holder is None:
        raise UsageError(f"models:/{model}@{alias}: no version holds it; nothing to comment on")
    record = deployments.recorded(model=model, version=found.version) or {}
    number = record.get("number")
    if not isinstance(number, int):
        raise UsageError(
            f"models:/{model}/{found.version} has no deployment PR/MR recorded "
            "(`mlgate deploy` records it); nothing to comment on"
        )
    repository = platform_repository(platform, env)(config.deploy)
    if record.get("repository") != repository.repository:
        raise UsageError(
            f"the deployment of version {found.version} is recorded in "
            f"{record.get('repository')!r}, not deploy.repository {repository.repository!r}"
        )
    return repository.comment(number, marker=marker(model), body=markdown)
