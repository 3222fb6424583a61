"""Promotion on a pull or merge request: who approved, read from GitHub (reviews, or a
``/mlgate promote`` comment) or GitLab (approval rules, or a protected environment's manual
job), and decided by core/approval.py against the head commit."""

from __future__ import annotations

import os

from mlgate.errors import UsageError
from mlgate.files.config import Config
from mlgate.promote.promotion import PromotionResult, decide_and_promote, outcome_block, reported


def promote_github(
    *,
    tracking_uri: str,
    model: str,
    version: str | None,
    config: Config,
    number: int | None,
    reason: str | None = None,
) -> PromotionResult:
    """Approval by reviews (latest per reviewer, on the head) or by a `/mlgate promote`
    comment (issue_comment event); the version is the one evaluated for the PR's head."""
    from mlgate.adapters.github import GitHub, GitHubTarget
    from mlgate.adapters.github_env import from_environment, read_event
    from mlgate.core.approval import CommentCommand, decide_command, decide_reviews
    from mlgate.report.markdown import marker

    context = from_environment(number=number)
    if context.token is None or context.number is None:
        raise UsageError(
            "promotion on GitHub needs GITHUB_TOKEN and a pull request (event or --pr)"
        )
    github = GitHub(
        GitHubTarget(api_url=context.api_url, repository=context.repository, token=context.token)
    )
    pr = github.pull(context.number)
    event = read_event()
    comment = event.get("comment") if isinstance(event.get("comment"), dict) else None
    if comment is not None:
        user = comment.get("user") if isinstance(comment.get("user"), dict) else {}
        login = str(user.get("login") or "")
        command = CommentCommand(
            user=login,
            body=str(comment.get("body", "")),
            action=str(event.get("action", "")),
            is_bot=user.get("type") == "Bot",
        )
        decision = decide_command(
            command,
            author=pr.author,
            permissions={login.lower(): github.permission(login)},
            policy=config.approval,
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
        run_url=context.run_url,
        reason=reason,
        head_now=lambda: github.pull(pr.number).head_sha,
    )
    block = outcome_block(result, model, config)
    return reported(
        result, lambda: github.append_to_report(number=pr.number, marker=marker(model), block=block)
    )


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
    from mlgate.adapters.gitlab import GitLab, GitLabTarget
    from mlgate.adapters.gitlab_env import from_environment
    from mlgate.core.approval import Decision, decide_gitlab
    from mlgate.report.markdown import marker

    context = from_environment(iid=number)
    if context.token is None or context.iid is None:
        raise UsageError(
            "promotion on GitLab needs GITLAB_TOKEN (api scope) and a merge request "
            "(CI_MERGE_REQUEST_IID or --pr)"
        )
    gitlab = GitLab(GitLabTarget(url=context.url, project=context.project, token=context.token))
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
