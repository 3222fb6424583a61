"""Promotion on a pull or merge request: who approved, read from GitHub (reviews, or a
``/mlgate promote`` comment) or GitLab (approval rules, or a protected environment's manual
job), and decided by core/approval.py against the head commit. Without a PR/MR the routes
of promote/requests.py decide, bound to the version."""

from __future__ import annotations

import os
from typing import Any

from mlgate.errors import UsageError
from mlgate.files.config import Config
from mlgate.promote import requests
from mlgate.promote.promotion import PromotionResult, decide_and_promote, outcome_block, reported
from mlgate.publish.gitlab import REQUEST_SOURCES


def promote_github(
    *,
    tracking_uri: str,
    model: str,
    version: str | None,
    config: Config,
    number: int | None,
    reason: str | None = None,
    environment: str | None = None,
) -> PromotionResult:
    """Approval on a PR — reviews on the head, or a `/mlgate promote` comment bound to the
    head — or, with no PR, by a GitHub environment's reviewers of this run, or by a
    `/mlgate promote V` comment on the model's promotion-request issue."""
    from mlgate.adapters.github import GitHubTarget
    from mlgate.adapters.github_env import from_environment, read_event
    from mlgate.adapters.github_issues import GitHubTracker

    context = from_environment(number=number)
    if context.token is None:
        raise UsageError("promotion on GitHub needs GITHUB_TOKEN")
    # The client with the issue methods too: the routes without a PR use the request issue.
    github = GitHubTracker(
        GitHubTarget(api_url=context.api_url, repository=context.repository, token=context.token)
    )
    event = read_event()
    comment = event.get("comment") if isinstance(event.get("comment"), dict) else None
    if context.number is None and comment is not None:
        return requests.promote_by_request_command(
            github,
            event,
            comment,
            tracking_uri=tracking_uri,
            model=model,
            config=config,
            run_url=context.run_url,
            reason=reason,
        )
    environment = environment or config.approval.environment
    if context.number is None and environment:
        return requests.promote_by_environment(
            github,
            environment,
            tracking_uri=tracking_uri,
            model=model,
            version=version,
            config=config,
            run_url=context.run_url,
            reason=reason,
        )
    if context.number is None:
        raise UsageError(
            "promotion on GitHub needs a pull request (event or --pr), or, without one, "
            "--environment NAME (the job's environment: its reviewers approve) or a "
            "/mlgate promote V comment on the promotion-request issue"
        )
    return _promote_on_pull(
        github,
        context.number,
        comment,
        event,
        tracking_uri=tracking_uri,
        model=model,
        version=version,
        config=config,
        run_url=context.run_url,
        reason=reason,
    )


def _promote_on_pull(
    github: Any,
    number: int,
    comment: dict[str, Any] | None,
    event: dict[str, Any],
    *,
    tracking_uri: str,
    model: str,
    version: str | None,
    config: Config,
    run_url: str | None,
    reason: str | None,
) -> PromotionResult:
    from mlgate.core.approval import Binding, Decision, decide_command, decide_reviews
    from mlgate.core.scope import scope_refusal
    from mlgate.report.markdown import marked_model, marker

    pr = github.pull(number)
    thread = github.report_thread(pr.number, marker=marker(model))
    gated = sorted({m for m in map(marked_model, thread.first_lines) if m is not None})
    if comment is not None:
        login, command = requests.comment_command(comment, event)
        decision = decide_command(
            command,
            author=pr.author,
            permissions={login.lower(): github.permission(login)},
            policy=config.approval,
            binding=Binding(
                head_sha=pr.head_sha,
                report_at=_report_at(pr, thread.updated_at, model=model, tracking_uri=tracking_uri),
            ),
            model=model,
            gated=gated,
        )
        approval_url = str(comment.get("html_url") or pr.url)
    else:
        reviews = github.reviews(pr.number)
        people = {r.user for r in reviews if r.state == "APPROVED"}
        permissions = {p.lower(): github.permission(p) for p in people}
        decision = decide_reviews(
            reviews,
            head_sha=pr.head_sha,
            author=pr.author,
            permissions=permissions,
            policy=config.approval,
        )
        out_of_scope = scope_refusal(
            model=model,
            named=None,
            gated=gated,
            scope=config.approval.scope,
            command=config.approval.command,
        )
        if decision.approved and out_of_scope:
            decision = Decision(approved=False, reasons=(out_of_scope,))
        approval_url = pr.url
    result = decide_and_promote(
        tracking_uri=tracking_uri,
        model=model,
        version=version,
        config=config,
        head_sha=pr.head_sha,
        approvers=decision.approvers if decision.approved else (),
        refusals=() if decision.approved else decision.reasons,
        approval_url=approval_url,
        run_url=run_url,
        reason=reason,
        head_now=lambda: github.pull(pr.number).head_sha,
    )
    block = outcome_block(result, model, config)
    return reported(
        result, lambda: github.append_to_report(number=pr.number, marker=marker(model), block=block)
    )


def _report_at(
    pr: Any, comment_updated_at: str | None, *, model: str, tracking_uri: str
) -> str | None:
    """When the report for the PR's head was put in front of reviewers: the later of its
    recorded evaluation and the report comment's last change (either moves the bar up)."""
    from mlgate.promote.promotion import recorded_for_commit

    moments = [
        recorded_for_commit(tracking_uri, model=model, commit=pr.head_sha),
        comment_updated_at,
    ]
    known = [m for m in moments if m]
    if not known:
        return None
    from mlgate.core.approval import latest

    return latest(known)


def promote_gitlab(
    *,
    tracking_uri: str,
    model: str,
    version: str | None,
    config: Config,
    number: int | None,
    reason: str | None = None,
) -> PromotionResult:
    """Approval by the MR's approval rules (the author's own approval never counts), or — in
    a manual job on a protected environment — by the user who ran the job."""
    from mlgate.adapters.gitlab import GitLabTarget
    from mlgate.adapters.gitlab_env import from_environment
    from mlgate.adapters.gitlab_issues import GitLabTracker
    from mlgate.core.approval import Decision, decide_gitlab
    from mlgate.report.markdown import marker

    context = from_environment(iid=number)
    if context.token is None:
        raise UsageError("promotion on GitLab needs GITLAB_TOKEN (a token with the api scope)")
    gitlab = GitLabTracker(
        GitLabTarget(url=context.url, project=context.project, token=context.token)
    )
    if context.iid is None and os.environ.get("CI_PIPELINE_SOURCE") in REQUEST_SOURCES:
        return requests.promote_in_trigger_pipeline(
            gitlab,
            context,
            tracking_uri=tracking_uri,
            model=model,
            version=version,
            config=config,
            reason=reason,
        )
    if context.iid is None:
        raise UsageError(
            "promotion on GitLab needs a merge request (CI_MERGE_REQUEST_IID or --pr), or a "
            "trigger, api or schedule pipeline's manual job on a protected environment"
        )
    approvals = gitlab.approvals(context.iid)
    head = approvals.head_sha or ""
    environment = os.environ.get("CI_ENVIRONMENT_NAME")
    if environment and gitlab.protected_environment(environment):
        user = os.environ.get("GITLAB_USER_LOGIN", "")
        decision = Decision(
            approved=bool(user),
            approvers=(user,) if user else (),
            reasons=() if user else ("GITLAB_USER_LOGIN is not set",),
        )
        approval_url = f"protected environment {environment}"
    else:
        decision = decide_gitlab(approvals, verdict_sha=head, policy=config.approval)
        approval_url = context.mr_url
    result = decide_and_promote(
        tracking_uri=tracking_uri,
        model=model,
        version=version,
        config=config,
        head_sha=head,
        approvers=decision.approvers if decision.approved else (),
        refusals=() if decision.approved else decision.reasons,
        approval_url=approval_url,
        run_url=context.pipeline_url,
        reason=reason,
        head_now=lambda: gitlab.head_sha(context.iid or 0) or "",
    )
    block = outcome_block(result, model, config)
    iid = context.iid
    return reported(
        result, lambda: gitlab.append_to_report(iid=iid, marker=marker(model), block=block)
    )
