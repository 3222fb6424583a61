"""Promotion without a pull or merge request, bound to the version: a GitHub environment's
reviewers of the run that evaluated it, a `/mlgate promote V` comment on the model's
promotion-request issue, or a GitLab trigger pipeline's manual job on a protected
environment. A promotion of the version the request shows closes the request."""

from __future__ import annotations

import os
from typing import Any

from mlgate.errors import UsageError
from mlgate.files.config import Config
from mlgate.promote.promotion import PromotionResult, decide_and_promote, outcome_block, reported


def promote_by_environment(
    github: Any,
    environment: str,
    *,
    tracking_uri: str,
    model: str,
    version: str | None,
    config: Config,
    run_url: str | None,
    reason: str | None,
) -> PromotionResult:
    from mlgate.core.approval import decide_environment

    if not version:
        raise UsageError("name the version the run evaluated: --version (MLGATE_VERSION)")
    run_id = os.environ.get("GITHUB_RUN_ID", "")
    if not run_id.isdigit():
        raise UsageError("GITHUB_RUN_ID is not set: the environment route runs in a workflow")
    commit = os.environ.get("GITHUB_SHA", "")
    approvals = github.run_approvals(int(run_id))
    people = {a.user for a in approvals if a.state.lower() == "approved"}
    decision = decide_environment(
        approvals,
        environment=environment,
        triggering_actor=os.environ.get("GITHUB_TRIGGERING_ACTOR")
        or os.environ.get("GITHUB_ACTOR", ""),
        permissions={p.lower(): github.permission(p) for p in people},
        policy=config.approval,
    )
    comments = "; ".join(
        f"{a.user}: {a.comment}" for a in approvals if a.comment and a.user in decision.approvers
    )
    result = decide_and_promote(
        tracking_uri=tracking_uri,
        model=model,
        version=version,
        config=config,
        head_sha=commit,
        approvers=decision.approvers if decision.approved else (),
        refusals=() if decision.approved else decision.reasons,
        approval_url=f"environment {environment} of {run_url or 'run ' + run_id}",
        run_url=run_url,
        reason="; ".join(r for r in (reason, comments) if r) or None,
        head_now=lambda: commit,
        ci_run=f"github/{run_id}",
    )
    return _close_request_after(github, result, model=model, config=config)


def promote_by_request_command(
    github: Any,
    event: dict[str, Any],
    comment: dict[str, Any],
    *,
    tracking_uri: str,
    model: str,
    config: Config,
    run_url: str | None,
    reason: str | None,
) -> PromotionResult:
    from mlgate.core.approval import decide_request_command
    from mlgate.core.requests import read_request, request_marker

    request = github.find_issue(marker=request_marker(model))
    found = event.get("issue")
    issue: dict[str, Any] = found if isinstance(found, dict) else {}
    if request is None or issue.get("number") != request.number:
        raise UsageError(
            f"the comment is not on {model}'s promotion-request issue: nothing to approve"
        )
    shown = read_request(request.body)  # read now: the event's copy may be older
    login, command = comment_command(comment, event)
    decision, named = decide_request_command(
        command,
        shown_version=shown.version if shown and shown.approvable else None,
        permissions={login.lower(): github.permission(login)},
        policy=config.approval,
        shown_at=shown.shown_at if shown else None,
    )
    if not decision.approved or shown is None or shown.version is None:
        # Refused before the registry is read: the command, its author or the request.
        result = PromotionResult(
            promoted=False,
            action="refused",
            version=named or (shown.version if shown else None),
            reasons=list(decision.reasons) or ["the request issue shows no version to approve"],
        )
    else:
        result = decide_and_promote(
            tracking_uri=tracking_uri,
            model=model,
            version=shown.version,
            config=config,
            head_sha=shown.commit or "",
            approvers=decision.approvers,
            refusals=(),
            approval_url=str(comment.get("html_url") or request.url or ""),
            run_url=run_url,
            reason=reason,
            head_now=lambda: _shown_commit(github, model),
        )
    if not result.promoted:
        block = outcome_block(result, model, config)

        def refusal_on_request() -> bool:
            github.comment_issue(request.number, body=block)
            return True

        return reported(result, refusal_on_request)
    return _close_request_after(github, result, model=model, config=config)


def _shown_commit(tracker: Any, model: str) -> str:
    """The commit the request shows just before the registry write (a newer candidate
    replacing the request in between aborts the promotion)."""
    from mlgate.core.requests import read_request, request_marker

    request = tracker.find_issue(marker=request_marker(model))
    shown = read_request(request.body) if request is not None else None
    return (shown.commit if shown else None) or ""


def _close_request_after(
    tracker: Any, result: PromotionResult, *, model: str, config: Config
) -> PromotionResult:
    """Close the request that shows the promoted version; a refusal is said on the request
    (every route without a PR); a request that cannot be closed or commented on never
    undoes, fails or turns a refusal into anything else."""
    from mlgate.errors import MlgateError
    from mlgate.publish.requests import close_request

    if not result.promoted:
        return _refusal_on_request(tracker, result, model=model, config=config)
    if not result.version:
        return result
    try:
        close_request(
            tracker=tracker, model=model, version=result.version, alias=config.production_alias
        )
    except MlgateError as exc:
        result.warnings.append(f"the promotion-request issue was not closed: {exc}")
    return result


def _refusal_on_request(
    tracker: Any, result: PromotionResult, *, model: str, config: Config
) -> PromotionResult:
    from mlgate.core.requests import request_marker

    def update() -> bool:
        request = tracker.find_issue(marker=request_marker(model))
        if request is None:
            return True  # no request to say it on: the job's own output says it
        tracker.comment_issue(request.number, body=outcome_block(result, model, config))
        return True

    return reported(result, update)


def promote_in_trigger_pipeline(
    gitlab: Any,
    context: Any,
    *,
    tracking_uri: str,
    model: str,
    version: str | None,
    config: Config,
    reason: str | None,
) -> PromotionResult:
    """A pipeline with no MR (a registry event's trigger, a schedule): the manual job on a
    protected environment approves — whoever GitLab let run it — the version this pipeline
    evaluated (MLGATE_VERSION), for the commit it ran on. Bound to the pipeline: a manual
    job run with another MLGATE_VERSION than its pipeline gated is refused."""
    if not version:
        raise UsageError("name the version the pipeline evaluated: MLGATE_VERSION or --version")
    environment = os.environ.get("CI_ENVIRONMENT_NAME", "")
    user = os.environ.get("GITLAB_USER_LOGIN", "")
    reasons = []
    if not environment:
        reasons.append("the promote job has no environment: give it a protected one")
    elif not gitlab.protected_environment(environment):
        reasons.append(
            f"the environment {environment} is not protected: anyone who can run the job "
            "could promote; protect it (Settings > CI/CD > Protected environments)"
        )
    if not user:
        reasons.append("GITLAB_USER_LOGIN is not set")
    pipeline = os.environ.get("CI_PIPELINE_ID", "")
    if not pipeline.isdigit():
        raise UsageError("CI_PIPELINE_ID is not set: the manual promote job runs in a pipeline")
    commit = os.environ.get("CI_COMMIT_SHA", "")
    result = decide_and_promote(
        tracking_uri=tracking_uri,
        model=model,
        version=version,
        config=config,
        head_sha=commit,
        approvers=(user,) if not reasons else (),
        refusals=reasons,
        approval_url=f"protected environment {environment}",
        run_url=context.pipeline_url,
        reason=reason,
        head_now=lambda: commit,
        ci_run=f"gitlab/{pipeline}",
    )
    return _close_request_after(gitlab, result, model=model, config=config)


def comment_command(comment: dict[str, Any], event: dict[str, Any]) -> tuple[str, Any]:
    from mlgate.core.approval import CommentCommand

    found = comment.get("user")
    user: dict[str, Any] = found if isinstance(found, dict) else {}
    login = str(user.get("login") or "")
    return login, CommentCommand(
        user=login,
        body=str(comment.get("body", "")),
        action=str(event.get("action", "")),
        is_bot=user.get("type") == "Bot",
        created_at=str(comment.get("created_at") or "") or None,
    )
