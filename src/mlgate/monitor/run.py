"""One ``mlgate monitor`` run: each part computed (feature drift from the current data,
the feature store's online values against its offline ones with skew.feast.repo,
performance and output drift from the outcomes), the report written, the metrics exported,
the tracking issue kept — and when one part's input is bad, the others are still computed
and written before the error is raised."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from mlgate.core.checks import Status
from mlgate.core.monitoring import MonitorReport
from mlgate.errors import InputError, MlgateError, ServiceError
from mlgate.files.config import Config
from mlgate.monitor.engine import Engine


@dataclass(frozen=True, kw_only=True)
class Inputs:
    current: str | None
    reference: str | None
    outcomes: str | None
    performance_reference: Path | None
    model: str | None
    tracking_uri: str | None
    platform: str | None
    out_path: Path
    report_path: Path
    metrics_file: Path | None = None
    pushgateway: str | None = None
    require_push: bool = False
    engine: Engine = field(default_factory=Engine)


@dataclass(frozen=True, kw_only=True)
class Result:
    report: MonitorReport
    markdown: str
    exit_code: int
    messages: list[str] = field(default_factory=list)  # stdout
    notes: list[str] = field(default_factory=list)  # stderr
    problems: list[str] = field(default_factory=list)


def run_monitor(inputs: Inputs, *, config: Config, env: Mapping[str, str]) -> Result:
    from mlgate.monitor.drift import drift_report
    from mlgate.monitor.outputs import write_monitor_outputs
    from mlgate.monitor.performance import monitor_outcomes, production_reference

    errors: list[InputError | ServiceError] = []  # a bad input (2), the registry down (3)
    failed: dict[str, str] = {}  # check → why its input could not be read: unknown
    drift = None
    if inputs.current is not None:
        if config.monitor.min_rows is not None:
            floor = replace(config.drift, min_rows=config.monitor.min_rows)
            config = replace(config, drift=floor)
        try:
            drift = drift_report(
                reference=inputs.reference or f"@{config.production_alias}",
                current=inputs.current,
                config=config,
                model=inputs.model,
                tracking_uri=inputs.tracking_uri,
                engine=inputs.engine,
            )
        except (InputError, ServiceError) as exc:
            errors.append(exc)
            failed["drift"] = str(exc)
    skew = None
    if config.skew.feast.repo is not None:  # the feature store's online values vs offline
        from mlgate.monitor.feast_check import feast_report

        try:
            skew = feast_report(config=config, repo=None, model=inputs.model)
        except (InputError, ServiceError) as exc:
            errors.append(exc)
            failed["skew"] = str(exc)
    found = None
    if inputs.outcomes is not None:
        try:
            reference = production_reference(
                config=config,
                model=inputs.model,
                tracking_uri=inputs.tracking_uri,
                file=inputs.performance_reference,
            )
            found = monitor_outcomes(
                inputs.outcomes,
                reference=reference,
                config=config,
                settings=config.monitor.performance,
                engine=inputs.engine,
            )
        except (InputError, ServiceError) as exc:
            errors.append(exc)
            failed["performance"] = str(exc)
    if errors and drift is None and skew is None and found is None:
        raise errors[0]
    report = MonitorReport(
        model=inputs.model,
        drift=drift,
        skew=skew,
        performance=found.performance if found else None,
        outputs=found.outputs if found else (),
        fail_on_alert=config.monitor.fail,
        failed=failed,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    markdown = write_monitor_outputs(
        report, out_path=inputs.out_path, report_path=inputs.report_path
    )
    written = f"{inputs.out_path} and {inputs.report_path} were written"
    # What was computed is exported and tracked even when another part failed, or the push
    # did: the error is raised after, so a degradation found is never lost to it.
    push_failed: MlgateError | None = None
    try:
        problems = _export(report, inputs)
    except MlgateError as exc:  # --require-push: exit 3, after the tracking issue is kept
        push_failed, problems = exc, []
    code = 1 if report.status is Status.FAIL else 0
    result = _track(
        report,
        inputs,
        config=config,
        env=env,
        markdown=markdown,
        code=code,
        problems=problems,
        written=written,
    )
    tracked = "; the tracking issue was kept" if result.messages else ""
    if errors:
        raise type(errors[0])(f"{errors[0]} ({written} with the other part{tracked})") from None
    if push_failed is not None:
        raise type(push_failed)(f"{push_failed} ({written}{tracked})") from None
    return result


def _export(report: MonitorReport, inputs: Inputs) -> list[str]:
    if inputs.metrics_file is None and not inputs.pushgateway:
        return []
    from mlgate.monitor.export import export, monitor_groups, version_of

    version = ""
    if report.drift is not None:
        version = version_of(report.drift.reference.label)
    if not version and report.performance is not None:
        version = report.performance.version or ""
    groups = monitor_groups(report, model=report.model or "", version=version, now=time.time())
    return export(
        groups,
        metrics_file=inputs.metrics_file,
        pushgateway=inputs.pushgateway,
        require_push=inputs.require_push,
    )


def _track(
    report: MonitorReport,
    inputs: Inputs,
    *,
    config: Config,
    env: Mapping[str, str],
    markdown: str,
    code: int,
    problems: list[str],
    written: str,
) -> Result:
    from mlgate.adapters.ci import platform_from_environment
    from mlgate.adapters.github_env import write_step_outputs
    from mlgate.monitor.tracking import track_on

    where = platform_from_environment(inputs.platform, dict(env))
    if where == "local":
        return Result(
            report=report,
            markdown=markdown,
            exit_code=code,
            notes=["local run: no tracking issue (files only)"],
            problems=problems,
        )
    try:
        outcome = track_on(where, report, config=config, env=env)
    except MlgateError as exc:
        raise type(exc)(f"{exc} ({written})") from None
    write_step_outputs({"issue-url": outcome.issue_url or ""})
    messages = []
    if outcome.step.value != "none":
        messages.append(f"mlgate: tracking issue {outcome.step.value}: {outcome.issue_url or ''}")
    if outcome.retrain:
        messages.append(f"mlgate: retraining: {outcome.retrain}")
    return Result(
        report=report,
        markdown=markdown,
        exit_code=code,
        messages=messages,
        problems=[*problems, *outcome.problems],
    )
