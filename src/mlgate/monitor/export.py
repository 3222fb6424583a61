"""What ``drift``, ``skew`` and ``monitor`` found, as Prometheus metric families in groups:
written for node_exporter's textfile collector (``--metrics-file``) and pushed to a
Pushgateway (``--pushgateway``). The names are a contract (docs/monitoring.md): dashboards
and alert rules query them.

One group per command and check — ``job=mlgate, model, command, check`` (and ``metric``
for each performance metric) — so that no command erases another's alarms. A check this
run judged replaces its group; one it could not judge replaces only its status (2,
unknown) and keeps the values it last judged, so an alert stays up; one it did not run is
not touched at all. Every series carries its group's labels, so the rules read the same
series from a textfile as from a Pushgateway."""

from __future__ import annotations

import math
import re
from pathlib import Path

from mlgate.core.checks import Status
from mlgate.core.drift import DriftReport, FeatureStatus, Kind
from mlgate.core.exposition import Family, Group
from mlgate.core.monitoring import MonitorReport
from mlgate.core.performance import PerformanceReport, not_computed
from mlgate.core.verdict import MetricRow
from mlgate.errors import ServiceError

_VERSION = re.compile(r"^models:/.+/(\d+)\b")
_STATUS = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}
OK, ALERT, UNKNOWN = 0.0, 1.0, 2.0


def version_of(label: str) -> str:
    """The version a registry reference names (``models:/NAME/3 …`` → ``3``), else ''."""
    found = _VERSION.match(label)
    return found.group(1) if found else ""


def labelled_group(key: dict[str, str], families: list[Family], *, judged: bool) -> Group:
    """Every series of the group carries the group's labels, first (an unnamed model is
    ``default``, as the Pushgateway path needs a value)."""
    key = {**key, "model": key["model"] or "default"}
    names = tuple(key)
    values = tuple(key.values())
    labelled = []
    for family in families:
        own = tuple(n for n in family.labels if n not in key)
        index = [family.labels.index(n) for n in own]
        labelled.append(
            Family(
                name=family.name,
                help=family.help,
                labels=names + own,
                samples=[(values + tuple(s[i] for i in index), v) for s, v in family.samples],
            )
        )
    return Group(key=tuple(key.items()), families=labelled, judged=judged)


def _check(key: dict[str, str], status: float, now: float, found: list[Family]) -> Group:
    """A check's group: its status, and when judged, its findings and the time."""
    families = [
        Family(
            name="mlgate_check_status",
            help="Each check's state: 0 ok, 1 alert, 2 unknown (could not judge this run).",
            labels=(),
            samples=[((), status)],
        )
    ]
    judged = status != UNKNOWN
    if judged:
        families.append(
            Family(
                name="mlgate_check_last_judged_timestamp_seconds",
                help="When the check last ran and judged (ok or alert), Unix time.",
                labels=(),
                samples=[((), now)],
            )
        )
    return labelled_group(key, [*families, *found], judged=judged)


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
        samples=[((model, version), float(len(_skewed(report))))],
    )
    judged = Family(
        name=f"mlgate_features_{'compared' if word == 'skew' else 'judged'}_total",
        help="How many features had enough values on both sides to be judged.",
        labels=("model", "version"),
        samples=[((model, version), float(report.judged))],
    )
    return [psi, flag, total, judged, *mismatch_families(report, model=model, version=version)]


def _skewed(report: DriftReport) -> set[str]:
    """The features that drift — or, by key, whose mismatch rate is shown above the limit."""
    return {f.name for f in report.drifted} | {m.feature for m in report.skewed_keys}


def mismatch_families(report: DriftReport, *, model: str, version: str) -> list[Family]:
    """Skew by key (two files, or a feature store's online and offline values): each
    feature's unexpected mismatch rate and, from a feature store, how far the online values
    are behind the newest offline ones."""
    if not report.mismatches:
        return []
    ratio = Family(
        name="mlgate_skew_mismatch_ratio",
        help="Share of matched keys whose value of the feature differs unexpectedly.",
        labels=("model", "version", "feature"),
        samples=[((model, version, m.feature), m.share) for m in report.mismatches],
    )
    staleness = Family(
        name="mlgate_skew_staleness_seconds",
        help="How far the online value's event time is behind the newest offline one "
        "(quantiles over the keys checked; 1 is the largest).",
        labels=("model", "version", "feature", "quantile"),
        samples=[
            ((model, version, m.feature, q), seconds)
            for m in report.mismatches
            for q, seconds in m.staleness
        ],
    )
    return [ratio, staleness] if staleness.samples else [ratio]


def drift_group(
    report: DriftReport, *, command: str, model: str, version: str, now: float
) -> Group:
    """The ``drift`` (or ``skew``) check: unknown when no feature could be judged."""
    check = "skew" if report.kind is Kind.SKEW else "drift"
    key = {"model": model, "command": command, "check": check}
    if report.unjudged is not None:
        return _check(key, UNKNOWN, now, [])
    status = ALERT if report.drifted or report.skewed_keys or report.leaking else OK
    return _check(key, status, now, drift_families(report, model=model, version=version))


def performance_groups(
    report: PerformanceReport, *, model: str, version: str, now: float
) -> list[Group]:
    """The ``performance`` check (with the outcome counts, exported even when unknown), and
    one group per metric: a metric not computed this run keeps its last judged values."""
    key = {"model": model, "command": "monitor", "check": "performance"}
    outcomes = Family(
        name="mlgate_outcomes_total",
        help="Served predictions in the outcomes file (state: served, labelled).",
        labels=("model", "version", "state"),
        samples=[
            ((model, version, "served"), float(report.served)),
            ((model, version, "labelled"), float(report.labelled)),
        ],
    )
    status = UNKNOWN if report.unjudged is not None else (ALERT if report.degraded else OK)
    groups = [_check(key, status, now, [outcomes])]
    latest = next((w for w in reversed(report.windows) if w.rows), None)
    latest_values = {r.name: r.candidate for r in latest.rows} if latest is not None else {}
    for row in report.rows:
        metric_key = {**key, "metric": row.name}
        if report.unjudged is not None or not_computed(row):
            groups.append(_check(metric_key, UNKNOWN, now, []))
            continue
        found = _metric_families(row, latest_values.get(row.name), model=model, version=version)
        status = ALERT if row.status is Status.FAIL else OK
        groups.append(_check(metric_key, status, now, found))
    return groups


def _metric_families(
    row: MetricRow, latest: float | None, *, model: str, version: str
) -> list[Family]:
    key = (model, version, row.name)
    live = Family(
        name="mlgate_performance",
        help="Live metric on labelled production outcomes (window: all, or the latest window).",
        labels=("model", "version", "metric", "window"),
    )
    for window, value in (("all", row.candidate), ("latest", latest)):
        if value is not None and math.isfinite(value):
            live.samples.append(((*key, window), value))
    reference = Family(
        name="mlgate_performance_reference",
        help="The metric production scored at evaluation time.",
        labels=("model", "version", "metric"),
    )
    if row.baseline is not None and math.isfinite(row.baseline):
        reference.samples.append((key, row.baseline))
    degraded = Family(
        name="mlgate_performance_degraded",
        help="1 when the monitor.performance rule finds the metric degraded, else 0.",
        labels=("model", "version", "metric"),
        samples=[(key, float(row.status is Status.FAIL))],
    )
    bounds = Family(
        name="mlgate_performance_delta_bound",
        help="The interval for live − reference (bound: low, high).",
        labels=("model", "version", "metric", "bound"),
    )
    if row.interval is not None:
        bounds.samples.append(((*key, "low"), row.interval.low))
        bounds.samples.append(((*key, "high"), row.interval.high))
    return [live, reference, degraded, bounds]


def outputs_group(report: MonitorReport, *, model: str, version: str, now: float) -> Group | None:
    """The ``outputs`` check (prediction and label drift), when the outcomes had them."""
    measured = {f.name: f for f in report.outputs if f.measured is not None}
    if not measured:
        return None
    families = []
    for name, what in (("prediction", ("score", "prediction")), ("label", ("label",))):
        found = next((measured[w] for w in what if w in measured), None)
        if found is not None and found.measured is not None and math.isfinite(found.measured.psi):
            families.append(
                Family(
                    name=f"mlgate_{name}_drift_psi",
                    help=f"PSI of the {name}s against the evaluation-time reference.",
                    labels=("model", "version"),
                    samples=[((model, version), found.measured.psi)],
                )
            )
    key = {"model": model, "command": "monitor", "check": "outputs"}
    return _check(key, ALERT if report.outputs_drifted else OK, now, families)


def run_group(command: str, *, model: str, status: Status | None, now: float) -> Group:
    """The command's own group: that it completed (and, for monitor, its status)."""
    families = []
    if status is not None:
        families.append(
            Family(
                name="mlgate_monitor_status",
                help="The monitor's finding: 0 pass, 1 warn (drift or degradation), 2 fail.",
                labels=(),
                samples=[((), float(_STATUS.get(status, 1)))],
            )
        )
    families.append(
        Family(
            name="mlgate_monitor_last_success_timestamp_seconds",
            help="When a drift, skew or monitor run last completed (Unix time; label command).",
            labels=(),
            samples=[((), now)],
        )
    )
    return labelled_group({"model": model, "command": command}, families, judged=True)


def monitor_groups(
    report: MonitorReport,
    *,
    model: str,
    version: str,
    now: float,
) -> list[Group]:
    """What a monitor run exports: the checks it ran, those whose input could not be read
    (``report.failed``) as unknown, and its own group last."""
    groups: list[Group] = []
    if report.drift is not None:
        groups.append(
            drift_group(report.drift, command="monitor", model=model, version=version, now=now)
        )
    if report.skew is not None:
        groups.append(
            drift_group(report.skew, command="monitor", model=model, version=version, now=now)
        )
    outputs = outputs_group(report, model=model, version=version, now=now)
    if outputs is not None:
        groups.append(outputs)
    if report.performance is not None:
        groups += performance_groups(report.performance, model=model, version=version, now=now)
    for check in report.failed:
        groups.append(
            _check({"model": model, "command": "monitor", "check": check}, UNKNOWN, now, [])
        )
    groups.append(run_group("monitor", model=model, status=report.status, now=now))
    return groups


def export(
    groups: list[Group],
    *,
    metrics_file: Path | None,
    pushgateway: str | None,
    require_push: bool,
) -> list[str]:
    """Write the textfile, then push each group; a failed push is a warning returned (or,
    with ``require_push``, a ServiceError raised after the file is written)."""
    from mlgate.adapters.prometheus import push, write_textfile

    if metrics_file is not None:
        write_textfile(metrics_file, groups)
    if not pushgateway:
        return []
    try:
        push(pushgateway, groups)
    except ServiceError as exc:
        if require_push:
            raise
        return [f"{exc} (the push was skipped; the report files are written)"]
    return []
