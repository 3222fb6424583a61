"""``mlgate monitor``'s tracking issue: one per model on GitHub or GitLab, opened when drift
or degradation appears (and retraining started), updated while it lasts, closed when it
ends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlgate.adapters.clock import now_utc
from mlgate.core.monitoring import MonitorReport
from mlgate.core.tracking import Plan, Step, TrackedIssue, plan_tracking
from mlgate.errors import MlgateError, UsageError
from mlgate.files.config import Config


@dataclass(frozen=True, kw_only=True)
class MonitorOutcome:
    report: MonitorReport
    step: Step
    issue_url: str | None = None
    retrain: str | None = None  # what was started
    problems: list[str] = field(default_factory=list)


def track(
    report: MonitorReport,
    *,
    tracker: Any,
    config: Config,
    now: str,
    where: str,
    max_chars: int,
) -> MonitorOutcome:
    """Open, update or close the model's tracking issue for ``report``; start retraining
    when an issue is opened and ``monitor.retrain`` says how. ``tracker`` is a GitHubTracker
    or GitLabTracker."""
    from mlgate.report.drift_view import drift_marker
    from mlgate.report.monitor_view import monitor_section
    from mlgate.report.text import md

    marker = drift_marker(report.model)
    existing: TrackedIssue | None = tracker.find_issue(marker=marker)
    settings = config.monitor
    room = max_chars - 2_000  # the status lines around the section
    show = 50
    section = monitor_section(report, show=show)
    while len(section) > room and show > 1:
        show //= 2
        section = monitor_section(report, show=show, chart=show >= 10)
    plan: Plan = plan_tracking(
        report,
        existing,
        marker=marker,
        section=section,
        now=now,
        where=where,
        retrain=settings.retrain_workflow is not None,
        escape=lambda name: md(name, limit=80),
    )
    url = existing.url if existing else None
    retrain = None
    problems: list[str] = []
    if plan.step is Step.OPEN:
        opened = tracker.open_issue(
            title=plan.title, body=plan.body, labels=settings.labels, marker=marker
        )
        url = opened.url
        if plan.retrain and settings.retrain_workflow:
            try:
                retrain = tracker.dispatch_workflow(
                    settings.retrain_workflow,
                    ref=settings.retrain_ref,
                    inputs=settings.retrain_inputs,
                )
            except MlgateError as exc:  # the issue is open; say why retraining did not start
                problems.append(f"retraining was not started: {exc}")
    elif plan.step is Step.UPDATE and existing is not None:
        tracker.update_issue(existing.number, title=plan.title, body=plan.body)
        if plan.comment:
            tracker.comment_issue(existing.number, body=plan.comment)
    elif plan.step is Step.CLOSE and existing is not None:
        tracker.comment_issue(existing.number, body=plan.comment)
        tracker.close_issue(existing.number)
    return MonitorOutcome(
        report=report, step=plan.step, issue_url=url, retrain=retrain, problems=problems
    )


def track_on(
    platform: str, report: MonitorReport, *, config: Config, env: Mapping[str, str]
) -> MonitorOutcome:
    """:func:`track` on GitHub or GitLab, with the client and run link from the CI job."""
    from mlgate.report.text import md

    tracker, run_url = tracker_from_environment(platform, env)
    source = (
        report.drift.reference.label
        if report.drift is not None
        else (report.performance.reference if report.performance is not None else "")
    )
    line = f"Reference {md(source, limit=120)}."
    if run_url:
        line += f" [Run]({run_url})"
    return track(
        report,
        tracker=tracker,
        config=config,
        now=now_utc(),
        where=line,
        max_chars=65_536 if platform == "github" else 1_000_000,
    )


def tracker_from_environment(
    platform: str, env: Mapping[str, str], *, min_interval: float | None = None
) -> tuple[Any, str | None]:
    """The issue tracker for ``platform`` and the run's URL, from the CI environment."""
    if platform == "github":
        from mlgate.adapters.github import GitHubTarget
        from mlgate.adapters.github_env import from_environment
        from mlgate.adapters.github_issues import GitHubTracker

        context = from_environment(env)
        if context.token is None:
            raise UsageError("no token: set GITHUB_TOKEN (permissions: issues: write)")
        target = GitHubTarget(
            api_url=context.api_url, repository=context.repository, token=context.token
        )
        return GitHubTracker(target, min_interval=min_interval), context.run_url
    from mlgate.adapters.gitlab import GitLabTarget
    from mlgate.adapters.gitlab_env import from_environment as gitlab_context
    from mlgate.adapters.gitlab_issues import GitLabTracker

    lab = gitlab_context(env)
    if lab.token is None:
        raise UsageError(
            "no token: set MLGATE_GITLAB_TOKEN (a project access token with api scope)"
        )
    return GitLabTracker(GitLabTarget(url=lab.url, project=lab.project, token=lab.token)), env.get(
        "CI_PIPELINE_URL"
    ) or env.get("CI_JOB_URL")
