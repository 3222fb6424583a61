"""What ``drift``, ``skew`` and ``monitor`` found, as Prometheus metric families: written
for node_exporter's textfile collector (``--metrics-file``) and pushed to a Pushgateway
(``--pushgateway``). The names are a contract (docs/monitoring.md): dashboards and alert
rules query them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from mlgate.core.checks import Status
from mlgate.core.drift import DriftReport, FeatureStatus, Kind
from mlgate.core.monitoring import MonitorReport
from mlgate.core.performance import PerformanceReport
from mlgate.errors import ServiceError

_VERSION = re.compile(r"^models:/.+/(\d+)\b")
_STATUS = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}


@dataclass(frozen=True, kw_only=True)
class Family:
    name: str
    help: str
    labels: tuple[str, ...]
    samples: list[tuple[tuple[str, ...], float]] = field(default_factory=list)


def version_of(label: str) -> str:
    """The version a registry reference names (``models:/NAME/3 …`` → ``3``), else ''."""
    found = _VERSION.match(label)
    return found.group(1) if found else ""


def drift_families(report: DriftReport, *, model: str, version: str) -> list[Family]:
    word = "skew" if report.kind is Kind.SKEW else "drift"
    drifting_word = "skewed" if report.kind is Kind.SKEW else "drifting"
    labels = ("model", "version", "feature")
    psi = Family(
        name=f"mlgate_feature_{word}_psi",
        help=f"Population stability index of each feature ({word}: current against reference).",
        labels=labels,
    )
    flag = Family(
        name=f"mlgate_feature_{drifting_word}",
        help=f"1 when the feature shows {word} (large and significant), else 0.",
        labels=labels,
    )
    for f in report.features:
        if f.status in (FeatureStatus.SKIPPED, FeatureStatus.TOO_FEW):
            continue
        if f.measured is not None and math.isfinite(f.measured.psi):
            psi.samples.append(((model, version, f.name), f.measured.psi))
        flag.samples.append(((model, version, f.name), float(f.status is FeatureStatus.DRIFT)))
    total = Family(
        name=f"mlgate_features_{drifting_word}_total",
        help=f"How many features are {drifting_word}.",
        labels=("model", "version"),
        samples=[((model, version), float(len(report.drifted)))],
    )
    judged = Family(
        name=f"mlgate_features_{'compared' if word == 'skew' else 'judged'}_total",
        help="How many features had enough values on both sides to be judged.",
        labels=("model", "version"),
        samples=[((model, version), float(report.judged))],
    )
    return [psi, flag, total, judged]


def performance_families(report: PerformanceReport, *, model: str, version: str) -> list[Family]:
    live = Family(
        name="mlgate_performance",
        help="Live metric on labelled production outcomes (window: all, or the latest window).",
        labels=("model", "version", "metric", "window"),
    )
    reference = Family(
        name="mlgate_performance_reference",
        help="The metric production scored at evaluation time.",
        labels=("model", "version", "metric"),
    )
    degraded = Family(
        name="mlgate_performance_degraded",
        help="1 when the monitor.performance rule finds the metric degraded, else 0.",
        labels=("model", "version", "metric"),
    )
    bounds = Family(
        name="mlgate_performance_delta_bound",
        help="The interval for live − reference (bound: low, high).",
        labels=("model", "version", "metric", "bound"),
    )
    latest = next((w for w in reversed(report.windows) if w.rows), None)
    for row in report.rows:
        key = (model, version, row.name)
        if row.candidate is not None and math.isfinite(row.candidate):
            live.samples.append(((*key, "all"), row.candidate))
        if row.baseline is not None and math.isfinite(row.baseline):
            reference.samples.append((key, row.baseline))
        degraded.samples.append((key, float(row.status is Status.FAIL)))
        if row.interval is not None:
            bounds.samples.append(((*key, "low"), row.interval.low))
            bounds.samples.append(((*key, "high"), row.interval.high))
    if latest is not None:
        for row in latest.rows:
            if row.candidate is not None and math.isfinite(row.candidate):
                live.samples.append(((model, version, row.name, "latest"), row.candidate))
    outcomes = Family(
        name="mlgate_outcomes_total",
        help="Served predictions in the outcomes file (state: served, labelled).",
        labels=("model", "version", "state"),
        samples=[
            ((model, version, "served"), float(report.served)),
            ((model, version, "labelled"), float(report.labelled)),
        ],
    )
    return [live, reference, degraded, bounds, outcomes]


def monitor_families(
    report: MonitorReport, *, model: str, version: str, now: float
) -> list[Family]:
    families = []
    if report.drift is not None:
        families += drift_families(report.drift, model=model, version=version)
    outputs = {f.name: f for f in report.outputs if f.measured is not None}
    for name, what in (("prediction", ("score", "prediction")), ("label", ("label",))):
        found = next((outputs[w] for w in what if w in outputs), None)
        if found is not None and found.measured is not None and math.isfinite(found.measured.psi):
            families.append(
                Family(
                    name=f"mlgate_{name}_drift_psi",
                    help=f"PSI of the {name}s against the evaluation-time reference.",
                    labels=("model", "version"),
                    samples=[((model, version), found.measured.psi)],
                )
            )
    if report.performance is not None:
        families += performance_families(report.performance, model=model, version=version)
    families.append(
        Family(
            name="mlgate_monitor_status",
            help="The monitor's finding: 0 pass, 1 warn (drift or degradation), 2 fail.",
            labels=("model",),
            samples=[((model,), float(_STATUS.get(report.status, 1)))],
        )
    )
    families.append(last_success(model, now))
    return families


def last_success(model: str, now: float) -> Family:
    return Family(
        name="mlgate_monitor_last_success_timestamp_seconds",
        help="When a drift, skew or monitor run last completed its checks (Unix time).",
        labels=("model",),
        samples=[((model,), now)],
    )


def export(
    families: list[Family],
    *,
    model: str,
    metrics_file: Path | None,
    pushgateway: str | None,
    require_push: bool,
) -> list[str]:
    """Write the textfile, then push; a failed push is a warning returned (or, with
    ``require_push``, a ServiceError raised after the file is written)."""
    from mlgate.adapters.prometheus import push, write_textfile

    if metrics_file is not None:
        write_textfile(metrics_file, families)
    if not pushgateway:
        return []
    try:
        push(pushgateway, families, model=model)
    except ServiceError as exc:
        if require_push:
            raise
        return [f"{exc} (the push was skipped; the report files are written)"]
    return []
