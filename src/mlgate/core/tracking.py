"""The monitoring issue: what a scheduled `mlgate monitor` run does to it.

One open issue per model, found again by its hidden marker: opened when drift or
degradation appears, its body replaced with the latest report on every run while either
lasts (with a comment only when the set of drifting features or degraded metrics
changes), and closed with a comment when a run finds neither. Each alarm ends only when
its own check ran and judged it gone: a drift-only run keeps a degradation open, and
outcomes with no labels yet, or too few rows to judge drift, end nothing. How long it has lasted is
kept in a hidden JSON line of the body; a body someone edited into nonsense starts the
count afresh instead of failing the job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from mlgate.core.checks import plural
from mlgate.core.monitoring import OUTPUT_SUFFIX, MonitorReport
from mlgate.core.performance import PerformanceSettings

_STATE = re.compile(r"^<!-- mlgate:drift-state (\{.*\}) -->$", re.MULTILINE)


@dataclass(frozen=True, kw_only=True)
class MonitorSettings:
    labels: tuple[str, ...] = ("mlgate", "data-drift")
    fail: bool = False  # exit 1 while drift or degradation lasts
    min_rows: int | None = None  # the drift floor for monitor runs (None: drift.min_rows)
    engine: str | None = None  # local or spark (None: drift.engine)
    retrain_workflow: str | None = None  # GitHub workflow file or id to dispatch
    retrain_ref: str | None = None
    retrain_inputs: dict[str, str] = field(default_factory=dict)
    performance: PerformanceSettings = field(default_factory=PerformanceSettings)


@dataclass(frozen=True, kw_only=True)
class TrackedIssue:
    """An open issue that carries our marker."""

    number: int
    body: str
    url: str | None = None


class Step(str, Enum):
    OPEN = "opened"
    UPDATE = "updated"
    CLOSE = "closed"
    NONE = "none"


@dataclass(frozen=True, kw_only=True)
class Plan:
    step: Step
    title: str = ""
    body: str = ""  # the new body (open, update)
    comment: str = ""  # posted on update (when the drifting set changed) and on close
    retrain: bool = False  # start retraining (only when an issue is opened)


@dataclass(frozen=True, kw_only=True)
class State:
    since: str
    checks: int
    drifting: tuple[str, ...]
    degraded: tuple[str, ...] = ()

    def line(self) -> str:
        text = json.dumps(
            {
                "since": self.since,
                "checks": self.checks,
                "drifting": list(self.drifting),
                "degraded": list(self.degraded),
            },
            ensure_ascii=True,
        )
        # A feature name must not end the HTML comment: < and > as JSON escapes.
        return (
            "<!-- mlgate:drift-state "
            + text.replace("<", "\\u003c").replace(">", "\\u003e")
            + " -->"
        )


def read_state(body: str) -> State | None:
    found = _STATE.search(body)
    if not found:
        return None
    try:
        data: Any = json.loads(found.group(1))
        return State(
            since=str(data["since"]),
            checks=int(data["checks"]),
            drifting=tuple(str(name) for name in data["drifting"]),
            degraded=tuple(str(name) for name in data.get("degraded", ())),
        )
    except (ValueError, KeyError, TypeError):
        return None


def plan_tracking(
    report: MonitorReport,
    existing: TrackedIssue | None,
    *,
    marker: str,
    section: str,
    now: str,
    where: str,
    retrain: bool,
    escape: Callable[[str], str],
) -> Plan:
    """What to do with the tracking issue after a run that produced ``report``.

    ``section`` is the report's Markdown, ``where`` one escaped line saying which model
    version and which run (``now`` is the run's time, ISO 8601); ``escape`` makes a
    feature or metric name (data, not ours) safe in Markdown."""
    previous = read_state(existing.body) if existing is not None else None
    drifting, degraded = carried(report, previous)
    what = _what(bool(drifting), bool(degraded))
    if not (drifting or degraded):
        if existing is None or not report.judged:
            return Plan(step=Step.NONE)  # a run that judged nothing ends nothing
        lasted = (
            f" after {plural(previous.checks, 'check')} since {previous.since}" if previous else ""
        )
        ended = (
            "Drift"
            if previous is None or not previous.degraded
            else ("Drift and degradation" if previous.drifting else "Degradation")
        )
        checked = (
            "no feature drifts" if report.performance is None else ("no drift and no degradation")
        )
        comment = f"✅ {ended} ended{lasted}: {checked} as of {now}. {where}"
        return Plan(step=Step.CLOSE, comment=comment)
    state = State(
        since=previous.since if previous else now,
        checks=(previous.checks + 1) if previous else 1,
        drifting=drifting,
        degraded=degraded,
    )
    status = (
        f"{what.capitalize()} since {state.since}; seen in {plural(state.checks, 'check')}, "
        f"the last at {now}. {where}" + _not_judged(report, previous, escape)
    )
    body = f"{marker}\n{state.line()}\n{status}\n\n{section}"
    title = _title(bool(drifting), bool(degraded), report.model or "the production model")
    if existing is None:
        return Plan(step=Step.OPEN, title=title, body=body, retrain=retrain)
    comments = []
    if previous is None or set(previous.drifting) != set(drifting):
        names = _names(tuple(escape(name) for name in drifting))
        comments.append(f"The drifting features changed as of {now}: {names or 'none'}.")
    if previous is not None and set(previous.degraded) != set(degraded):
        names = _names(tuple(escape(name) for name in degraded))
        comments.append(f"The degraded metrics changed as of {now}: {names or 'none'}.")
    comment = " ".join(comments) + f" {where}" if comments else ""
    return Plan(step=Step.UPDATE, title=title, body=body, comment=comment)


def carried(report: MonitorReport, previous: State | None) -> tuple[tuple[str, ...], ...]:
    """(drifting, degraded) after this run: a check that ran and judged says what it found;
    one that did not run, or could not judge, keeps what the issue last said — a run that
    did not look never closes an alarm."""
    judged = report.judged
    before_drifting = previous.drifting if previous is not None else ()
    outputs = tuple(n for n in before_drifting if n.endswith(OUTPUT_SUFFIX))
    features = tuple(n for n in before_drifting if not n.endswith(OUTPUT_SUFFIX))
    now_drifting = report.drifting
    drifting = (
        tuple(n for n in now_drifting if not n.endswith(OUTPUT_SUFFIX))
        if "drift" in judged
        else features
    ) + (
        tuple(n for n in now_drifting if n.endswith(OUTPUT_SUFFIX))
        if "performance" in judged
        else outputs
    )
    before_degraded = previous.degraded if previous is not None else ()
    if "performance" not in judged:
        return drifting, before_degraded
    # a metric this run could not compute (one class, no scores) keeps its alarm too
    uncomputed = {r.name for r in report.performance.not_computed} if report.performance else set()
    kept = tuple(n for n in before_degraded if n in uncomputed and n not in report.degraded)
    return drifting, report.degraded + kept


def _not_judged(report: MonitorReport, previous: State | None, escape: Callable[[str], str]) -> str:
    """What this run could not look at, said on the open issue (a failed input's reason
    can quote a file or a registry's answer: escaped; the names and other reasons are
    mlgate's own words)."""
    if previous is None:
        return ""
    missing = dict(report.unknown)
    if previous.degraded and "performance" not in report.judged and "performance" not in missing:
        missing["performance"] = "not checked this run (no outcomes)"
    if "performance" in report.judged and report.performance is not None:
        uncomputed = {r.name for r in report.performance.not_computed}
        for name in (n for n in previous.degraded if n in uncomputed):
            missing[name] = "not computed this run"
    features = [n for n in previous.drifting if not n.endswith(OUTPUT_SUFFIX)]
    if features and "drift" not in report.judged and "drift" not in missing:
        missing["drift"] = "not checked this run (no current data)"
    if not missing:
        return ""
    said = "; ".join(
        f"{name}: {escape(why) if name in report.failed else why}"
        for name, why in sorted(missing.items())
    )
    return f" Kept from the last run that judged it — {said}."


def _what(drifting: bool, degraded: bool) -> str:
    if drifting and degraded:
        return "drifting and degraded"
    return "degraded" if degraded else "drifting"


def _title(drifting: bool, degraded: bool, model: str) -> str:
    if drifting and degraded:
        return f"Data drift and performance drop in {model}"[:255]
    if degraded:
        return f"Performance drop in {model}"[:255]
    return f"Data drift in {model}"[:255]


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
