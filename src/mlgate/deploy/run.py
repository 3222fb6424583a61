"""One ``mlgate deploy``: the version the production alias holds, checked against what
the registry recorded; the manifests' new text; and the one pull/merge request per model
and environment that proposes it — opened, updated, left unchanged or closed — or a
dispatch to the team's deploy pipeline, or (``--dry-run``) only the diff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mlgate.core.deploy import DeploySettings, Proposal, branch_name, served_uri
from mlgate.deploy.changes import FileChange, plan_changes
from mlgate.deploy.repository import Repository
from mlgate.errors import InputError, UsageError
from mlgate.files.config import Config
from mlgate.report import deploy as render


@dataclass(kw_only=True)
class DeployResult:
    # opened, updated, unchanged, already, closed, dispatched, dry_run, refused
    action: str
    model: str
    version: str = ""
    uri: str = ""
    environment: str = ""
    branch: str = ""
    repository: str = ""
    proposal: Proposal | None = None
    diff: str = ""
    title: str = ""
    body: str = ""
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dispatched: str = ""
    commit_message: str = ""


@dataclass(frozen=True, kw_only=True)
class DeployRequest:
    tracking_uri: str
    model: str
    version: str | None
    config: Config
    dry_run: bool = False


def deploy(
    request: DeployRequest, *, repository: Callable[[DeploySettings], Repository] | None
) -> DeployResult:
    """``repository`` opens the deployment repository (None with --dry-run)."""
    from mlgate.adapters.deployments import Deployments
    from mlgate.adapters.registry import Registry

    config = request.config
    settings = config.deploy
    if settings is None:
        raise UsageError(f"{config.source}: no deploy: section; see docs/deploy.md")
    environment = settings.environment or config.production_alias
    registry = Deployments(Registry(tracking_uri=request.tracking_uri))
    found = registry.read(
        model=request.model, version=request.version, alias=config.production_alias
    )
    reasons = _refusals(found, request, config)
    result = DeployResult(
        action="refused", model=request.model, version=found.version, environment=environment
    )
    if reasons:
        result.reasons = reasons
        return result
    fields = _fields(found, environment)
    try:
        fields["uri"] = served_uri(settings.uri, fields)
    except ValueError as exc:
        raise InputError(f"{config.source}: deploy.uri: {exc}") from None
    result.uri = fields["uri"]
    _check_reachable(settings, fields["uri"], found.version)
    rollback = found.event.get("event") == "rollback"
    if settings.dispatch is not None:
        _dispatch(result, settings, fields, dry_run=request.dry_run)
        if not request.dry_run:
            _record(registry, result, found.version)
        return result
    result.branch = branch_name(request.model, environment)
    if request.dry_run:
        return _dry_run(
            result,
            settings,
            fields,
            found,
            rollback=rollback,
            registry=registry,
            alias=config.production_alias,
        )
    assert repository is not None
    repo = repository(settings)
    result.repository = repo.repository
    base_sha = repo.base_head(settings.branch)
    changes = plan_changes(
        settings.files,
        read=lambda path: repo.read(path, base_sha),
        where=repo.repository,
        fields=fields,
        rollback=rollback,
    )
    serving = _serving(registry, found, settings, changes, alias=config.production_alias)
    _describe(result, changes, found, rollback=rollback, repository=repo.repository, old=serving)
    _propose(result, repo, changes, settings=settings, base_sha=base_sha)
    _record(registry, result, found.version)
    return result


def _record(registry: Any, result: DeployResult, version: str) -> None:
    """The deployment on the version, for `mlgate history`. A version found already
    deployed keeps the PR/MR recorded before (the one that deployed it)."""
    deployment: dict[str, Any] = {
        "environment": result.environment,
        "repository": result.repository,
        "state": result.action,
        "url": result.proposal.url if result.proposal else "",
        "number": result.proposal.number if result.proposal else None,
        "at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    before = registry.recorded(model=result.model, version=version) or {}
    same = all(before.get(k) == deployment[k] for k in ("environment", "repository"))
    if result.proposal is None and same and before.get("number"):
        deployment.update(url=before.get("url", ""), number=before["number"])
    registry.record(model=result.model, version=version, deployment=deployment)


def _serving(
    registry: Any, found: Any, settings: DeploySettings, changes: list[FileChange], *, alias: str
) -> str | None:
    """The version the manifests serve now: the one this promotion replaced, when its URI
    is what they name (else unknown — say nothing rather than guess)."""
    old_uri = next((c.old_uri for c in changes if c.old_uri), None)
    replaced = str(found.event.get("replaced") or "")
    if not replaced or old_uri is None:
        return None
    previous = registry.read(model=found.model, version=replaced, alias=alias)
    try:
        uri = served_uri(settings.uri, _fields(previous, ""))
    except ValueError:
        return None
    return replaced if uri == old_uri else None


def _check_reachable(settings: DeploySettings, uri: str, version: str) -> None:
    """The registry's artifact location on one machine's disk is no place for a cluster
    to read from (KServe would accept the path, and fail on every node)."""
    local = uri.startswith(("/", "file:")) or ("://" not in uri and ":" not in uri)
    serving = any(f.kind in ("kserve", "seldon") for f in settings.files)
    if settings.uri == "artifact" and local and serving:
        raise InputError(
            f"deploy.uri: artifact: version {version}'s files are at a local path ({uri}), "
            "which no cluster can read; log models to a bucket (s3://, gs://, …) or set "
            "deploy.uri to a template"
        )


def _refusals(found: Any, request: DeployRequest, config: Config) -> list[str]:
    """Deploy follows the registry's alias: only the holder, and only a version whose
    verdict passed and that mlgate promoted (or restored by a rollback)."""
    alias = config.production_alias
    if found.holder is None:
        return [f"no version of {request.model} holds @{alias}: nothing is in production"]
    if found.version != found.holder:
        return [
            f"version {found.version} does not hold @{alias} (version {found.holder} does): "
            "deploy follows the registry's alias; promote the version first"
        ]
    allowed = {"pass", "no_baseline"} if config.approval.allow_no_baseline else {"pass"}
    reasons = []
    if found.status not in allowed:
        reasons.append(
            f"version {found.version}'s recorded verdict is {found.status or 'missing'}, not pass"
        )
    if not found.promoted_at or not found.event:
        reasons.append(
            f"version {found.version} holds @{alias} but mlgate never promoted it (no "
            "mlgate.promoted_at or history entry); promote it with mlgate promote"
        )
    return reasons


def _fields(found: Any, environment: str) -> dict[str, str]:
    values = {
        "name": found.model,
        "version": found.version,
        "run_id": found.run_id or "",
        "artifact_uri": found.artifact_uri or "",
        "models_uri": f"models:/{found.model}/{found.version}",
        "environment": environment,
    }
    return values


def _describe(
    result: DeployResult,
    changes: list[FileChange],
    found: Any,
    *,
    rollback: bool,
    repository: str,
    old: str | None,
) -> None:
    change = render.Change(
        model=found.model,
        version=found.version,
        uri=result.uri,
        environment=result.environment,
        rollback=rollback,
        old_version=old,
        old_uri=next((c.old_uri for c in changes if c.old_uri), None),
        repository=repository,
        event=found.event,
        report=found.report,
        files=[c.path for c in changes if c.changed],
    )
    result.title = render.title(change)
    result.body = render.body(change)
    result.diff = "".join(
        render.unified_diff(c.path, c.before, c.after) for c in changes if c.changed
    )
    result.commit_message = render.commit_message(change)


def _propose(
    result: DeployResult,
    repo: Repository,
    changes: list[FileChange],
    *,
    settings: DeploySettings,
    base_sha: str,
) -> None:
    changed = {c.path: c.after for c in changes if c.changed}
    existing = repo.find(branch=result.branch, base=settings.branch)
    if not changed:
        result.action = "already"
        if existing is not None:
            repo.close(
                existing,
                comment=f"Closed by mlgate: {settings.branch} already serves version "
                f"{result.version} of {result.model}, which holds production now.",
            )
            result.action = "closed"
            result.proposal = existing
        return
    if existing is not None and all(
        repo.read(path, result.branch) == text for path, text in changed.items()
    ):
        result.action = "unchanged"
        result.proposal = existing
        return
    head = repo.push(
        branch=result.branch,
        base_sha=base_sha,
        files=changed,
        message=result.commit_message,
    )
    if existing is None:
        result.proposal = repo.open(
            branch=result.branch, base=settings.branch, title=result.title, body=result.body
        )
        result.action = "opened"
    else:
        result.proposal = repo.update(existing, title=result.title, body=result.body)
        result.action = "updated"
    if settings.auto_merge:
        repo.auto_merge(result.proposal, head=head)


def _dry_run(
    result: DeployResult,
    settings: DeploySettings,
    fields: dict[str, str],
    found: Any,
    *,
    rollback: bool,
    registry: Any,
    alias: str,
) -> DeployResult:
    if settings.path is None:
        raise UsageError(
            "--dry-run reads a local checkout of the deployment repository: set deploy.path"
        )
    root = Path(settings.path)
    if not root.is_dir():
        raise InputError(f"deploy.path {settings.path}: no such folder")

    def read(path: str) -> str | None:
        file = root / path
        return file.read_text("utf-8") if file.is_file() else None

    changes = plan_changes(
        settings.files, read=read, where=str(root), fields=fields, rollback=rollback
    )
    result.repository = settings.repository or str(root)
    serving = _serving(registry, found, settings, changes, alias=alias)
    _describe(result, changes, found, rollback=rollback, repository=result.repository, old=serving)
    result.action = "dry_run" if any(c.changed for c in changes) else "already"
    return result


def _dispatch(
    result: DeployResult, settings: DeploySettings, fields: dict[str, str], *, dry_run: bool
) -> DeployResult:
    from mlgate.deploy.dispatch import send

    payload = {
        "model": fields["name"],
        "version": fields["version"],
        "uri": fields["uri"],
        "environment": fields["environment"],
        "run_id": fields["run_id"],
    }
    result.repository = settings.repository or ""
    result.dispatched = send(settings, payload, dry_run=dry_run)
    result.action = "dry_run" if dry_run else "dispatched"
    return result
