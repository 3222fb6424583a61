"""``mlgate drift`` / ``skew`` / ``monitor``: tables and the registry's reference data wired
to the drift core, and the tracking issue on GitHub or GitLab."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mlgate.config import Config
from mlgate.core.drift import DriftReport, Kind
from mlgate.core.refs import AliasRef, RefError, VersionRef, parse_model_ref
from mlgate.core.tracking import Plan, Step, TrackedIssue, plan_tracking
from mlgate.errors import MlgateError, UsageError
from mlgate.table_file import read_table


def drift_report(
    *,
    reference: str,
    current: Path,
    config: Config,
    model: str | None = None,
    tracking_uri: str | None = None,
) -> DriftReport:
    """``reference`` is a CSV/Parquet file, or a registered version (``@champion``,
    ``models:/NAME@ALIAS``, ``models:/NAME/3``) whose stored reference is downloaded."""
    from mlgate.drift import compare_tables

    name = model or config.model
    ref = _registry_ref(reference, model=name)
    with tempfile.TemporaryDirectory(prefix="mlgate-reference-") as folder:
        if ref is None:
            reference_path, label = Path(reference), reference
        else:
            fetched = _references(tracking_uri).fetch(ref, folder=Path(folder))
            reference_path, label = fetched.path, fetched.label
        reference_table = read_table(reference_path, role="drift reference")
        current_table = read_table(current, role="current data")
    return compare_tables(
        reference_table,
        current_table,
        settings=config.drift,
        reference_label=label,
        current_label=str(current),
        model=name,
    )


def skew_report(
    *, training: Path, serving: Path, config: Config, key: str | None, model: str | None = None
) -> DriftReport:
    """Distributions of the features compared as drift is, labelled skew; with a key, the
    rows in both files also compared value by value."""
    from mlgate.drift import compare_tables
    from mlgate.skew import key_mismatches

    training_table = read_table(training, role="training features")
    serving_table = read_table(serving, role="serving log")
    join = key or config.skew.key
    report = compare_tables(
        training_table,
        serving_table,
        settings=config.drift,
        kind=Kind.SKEW,
        model=model or config.model,
        ignore=(join,) if join else (),
    )
    if join is None:
        return report
    features = [
        f.name
        for f in report.features
        if f.measured is not None and f.name in serving_table.columns
    ]
    mismatches = key_mismatches(
        training_table,
        serving_table,
        key=join,
        features=features,
        tolerance=config.skew.tolerance,
    )
    return replace(
        report,
        key=join,
        mismatches=tuple(sorted(mismatches, key=lambda m: (-m.share, m.feature))),
        max_mismatch=config.skew.max_mismatch,
        mismatch_fails=config.skew.fail,
    )


def _registry_ref(text: str, *, model: str | None) -> AliasRef | VersionRef | None:
    if text.startswith("@"):
        if not model:
            raise UsageError(
                f"--reference {text}: name the model with --model or model: in mlgate.yml"
            )
        return AliasRef(name=model, alias=text[1:])
    if not text.startswith("models:/"):
        return None
    try:
        ref = parse_model_ref(text)
    except RefError as exc:
        raise UsageError(f"--reference: {exc}") from None
    assert isinstance(ref, (AliasRef, VersionRef))
    return ref


def _references(tracking_uri: str | None) -> Any:
    from mlgate.adapters.references import References
    from mlgate.adapters.registry import Registry

    if not tracking_uri:
        raise UsageError("a registered reference needs --tracking-uri or MLFLOW_TRACKING_URI")
    return References(Registry(tracking_uri=tracking_uri))


# -- scheduled monitoring ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MonitorOutcome:
    report: DriftReport
    step: Step
    issue_url: str | None = None
    retrain: str | None = None  # what was started
    problems: list[str] = field(default_factory=list)


def track(
    report: DriftReport,
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
    from mlgate.report.drift_view import drift_marker, drift_section
    from mlgate.report.text import md

    marker = drift_marker(report.model)
    existing: TrackedIssue | None = tracker.find_issue(marker=marker)
    settings = config.monitor
    room = max_chars - 2_000  # the status lines around the section
    show = 50
    section = drift_section(report, show=show)
    while len(section) > room and show > 1:
        show //= 2
        section = drift_section(report, show=show, chart=show >= 10)
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
    platform: str, report: DriftReport, *, config: Config, env: Mapping[str, str]
) -> MonitorOutcome:
    """:func:`track` on GitHub or GitLab, with the client and run link from the CI job."""
    from mlgate.flows import now_utc
    from mlgate.report.text import md

    tracker, run_url = tracker_from_environment(platform, env)
    line = f"Reference {md(report.reference.label, limit=120)}."
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
