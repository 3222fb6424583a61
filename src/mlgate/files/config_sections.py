"""The rule-like sections of mlgate.yml as settings: a metric's rule (under ``metrics:``
and ``monitor.performance:``), ``monitor:``, ``deploy:`` and ``canary:`` (``drift:`` and
``skew:`` are in config_drift.py). The document is already validated against the schema;
these add the checks a schema cannot say, naming the line and the key."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from mlgate.core.canary import CanarySettings
from mlgate.core.deploy import DeploySettings, ManifestSpec
from mlgate.core.rules import MetricRule
from mlgate.core.significance import Mode, Significance
from mlgate.core.tracking import MonitorSettings
from mlgate.errors import ConfigError
from mlgate.files.documents import Document


def monitor_settings(
    document: Document, section: dict[str, Any], significance: Significance
) -> MonitorSettings:
    from mlgate.core.performance import PerformanceSettings

    retrain = section.get("retrain", {})
    # A metric the outcomes cannot give (ROC AUC without scores) is shown as missing, not
    # as degradation.
    rules = tuple(
        replace(
            metric_rule(
                document,
                str(name),
                spec or {},
                where=("monitor", "performance"),
            ),
            required=False,
        )
        for name, spec in (section.get("performance") or {}).items()
    )
    performance = PerformanceSettings(
        rules=rules,
        mode=Mode(section.get("mode", significance.mode.value)),
        confidence=significance.confidence,
        resamples=significance.resamples,
        seed=significance.seed,
        window=section.get("window"),
        timestamp=section.get("timestamp", "timestamp"),
        min_labels=int(section.get("min_labels", 30)),
    )
    return MonitorSettings(
        performance=performance,
        labels=tuple(section.get("labels", MonitorSettings().labels)),
        fail=bool(section.get("fail", False)),
        min_rows=int(section["min_rows"]) if "min_rows" in section else None,
        engine=section.get("engine"),
        retrain_workflow=retrain.get("workflow"),
        retrain_ref=retrain.get("ref"),
        retrain_inputs={
            k: str(v).lower() if isinstance(v, bool) else str(v)
            for k, v in retrain.get("inputs", {}).items()
        },
    )


def metric_rule(
    document: Document,
    name: str,
    spec: dict[str, Any],
    *,
    where: tuple[str, ...] = ("metrics",),
) -> MetricRule:
    """One metric's rule, under ``metrics:`` or ``monitor.performance:`` (``where``). The
    direction is the metric catalogue's for a name it knows; otherwise the one stated, or
    the one the tolerance key implies (``max_rise`` means lower is better), or assumed."""
    for key, value in spec.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise document.error((*where, name, key), "must be a finite number", ConfigError)
    higher, assumed = _direction(document, name, spec, where=where)
    good, bad = ("rise", "drop") if higher else ("drop", "rise")
    for suffix in ("", "_pct"):
        if f"max_{good}{suffix}" in spec:
            direction = "higher" if higher else "lower"
            raise document.error(
                (*where, name, f"max_{good}{suffix}"),
                f"{name} is {direction}-is-better, so only a {bad} can regress it; "
                f"use max_{bad}{suffix}",
                ConfigError,
            )
    low, high = spec.get("min"), spec.get("max")
    if low is not None and high is not None and low > high:
        raise document.error((*where, name, "min"), f"min {low} is above max {high}", ConfigError)
    _check_range(document, name, spec, where=where)
    return MetricRule(
        name=name,
        higher_is_better=higher,
        tolerance=_float(spec.get(f"max_{bad}")),
        tolerance_pct=_float(spec.get(f"max_{bad}_pct")),
        min=_float(low),
        max=_float(high),
        required=spec.get("required", True),
        warn_only=spec.get("warn_only", False),
        direction_assumed=assumed,
    )


def _direction(
    document: Document, name: str, spec: dict[str, Any], *, where: tuple[str, ...]
) -> tuple[bool, bool]:
    """(higher is better, assumed)."""
    from mlgate.core.metric_catalogue import lookup

    info = lookup(name)
    stated = spec.get("higher_is_better")
    if info is not None:
        if (
            stated is not None
            and stated != info.higher_is_better
            and not spec.get("direction_override")
        ):
            raise document.error(
                (*where, name, "higher_is_better"),
                f"{name} is {info.describe()}; remove higher_is_better, or add "
                "direction_override: true if your metric of that name means the opposite",
                ConfigError,
            )
        return (info.higher_is_better if stated is None else bool(stated)), False
    if stated is not None:
        return bool(stated), False
    drops = [key for key in ("max_drop", "max_drop_pct") if key in spec]
    rises = [key for key in ("max_rise", "max_rise_pct") if key in spec]
    if drops and rises:
        raise document.error(
            (*where, name, rises[0]),
            f"{name} has both {drops[0]} and {rises[0]}: say which direction is better with "
            "higher_is_better and keep the tolerance of the bad direction",
            ConfigError,
        )
    if drops or rises:
        return bool(drops), False
    return True, True


def _check_range(
    document: Document, name: str, spec: dict[str, Any], *, where: tuple[str, ...]
) -> None:
    """A floor or ceiling the metric can never reach is a unit mistake (``min: 80`` for a
    proportion)."""
    from mlgate.core.metric_catalogue import lookup

    info = lookup(name)
    if info is None or spec.get("direction_override"):
        return
    for key in ("min", "max"):
        value = spec.get(key)
        if value is not None and info.outside(float(value)):
            hint = (
                f"; did you mean {float(value) / 100:g}?"
                if info.high == 1 and 1 < float(value) <= 100
                else ""
            )
            raise document.error(
                (*where, name, key),
                f"{key} {value:g} is outside what {name} can be ({info.describe()}){hint}",
                ConfigError,
            )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def deploy_settings(
    document: Document, section: dict[str, Any] | None, *, base_dir: Path
) -> DeploySettings | None:
    """``deploy:``; templates and key paths are checked here, so a typo fails at load."""
    if section is None:
        return None
    from mlgate.core.deploy import SET_FIELDS, URI_FIELDS, DispatchSpec

    where = ("deploy",)
    if section.get("uri", "artifact") not in ("artifact", "models"):
        _template(document, (*where, "uri"), section["uri"], URI_FIELDS)
    files = []
    seen: set[str] = set()
    for index, entry in enumerate(section.get("files", ())):
        at = (*where, "files", index)
        path = str(entry["path"])
        if path.startswith("/") or ".." in Path(path).parts:
            raise document.error(
                (*at, "path"), "must be a path inside the deployment repository", ConfigError
            )
        if path in seen:
            raise document.error((*at, "path"), f"{path} is listed twice", ConfigError)
        seen.add(path)
        if entry["kind"] == "set" and not entry.get("set"):
            raise document.error(at, "kind: set needs set: {key.path: template}", ConfigError)
        if "canary" in entry and entry["kind"] != "kserve":
            raise document.error((*at, "canary"), "only kind: kserve has a canary", ConfigError)
        pairs = []
        for key, template in entry.get("set", {}).items():
            _key_path(document, (*at, "set", key), key)
            _template(document, (*at, "set", key), template, SET_FIELDS)
            pairs.append((key, template))
        files.append(
            ManifestSpec(
                path=path, kind=entry["kind"], set=tuple(pairs), canary=entry.get("canary")
            )
        )
    dispatch = section.get("dispatch", False)
    if not files and not dispatch:
        raise document.error(
            where, "list the manifests to edit under files:, or set dispatch:", ConfigError
        )
    branch = section.get("branch", "main")
    if not _valid_ref(branch):
        raise document.error((*where, "branch"), f"{branch!r} is not a branch name", ConfigError)
    return DeploySettings(
        repository=section.get("repository"),
        # Without a repository named, the deployment repository is this one: its checkout
        # is the folder of mlgate.yml (for --dry-run).
        path=str(base_dir / section.get("path", "."))
        if "path" in section or "repository" not in section
        else None,
        branch=branch,
        environment=section.get("environment"),
        uri=section.get("uri", "artifact"),
        files=tuple(files),
        auto_merge=bool(section.get("auto_merge", False)),
        dispatch=DispatchSpec(**dispatch)
        if isinstance(dispatch, dict)
        else (DispatchSpec() if dispatch else None),
    )


def _template(document: Document, at: tuple[str | int, ...], text: str, allowed: Any) -> None:
    from mlgate.core.deploy import TemplateError, check_template

    try:
        check_template(text, allowed)
    except TemplateError as exc:
        raise document.error(at, str(exc), ConfigError) from None


def _key_path(document: Document, at: tuple[str | int, ...], text: str) -> None:
    from mlgate.core.deploy import parse_key_path

    try:
        parse_key_path(text)
    except ValueError as exc:
        raise document.error(at, str(exc), ConfigError) from None


def _valid_ref(name: str) -> bool:
    import re

    bad = re.search(r"[\x00-\x20~^:?*\[\\\x7f]|\.\.|@\{|//", name)
    return (
        not bad and not name.startswith(("/", "-", ".")) and not name.endswith(("/", ".lock", "."))
    )


def canary_settings(
    document: Document, section: dict[str, Any] | None, significance: Significance
) -> CanarySettings | None:
    """The ``canary:`` section; None when mlgate.yml has none."""
    from mlgate.core.canary import LATENCY, OUTPUT_DRIFT, TRAFFIC, PrometheusQueries
    from mlgate.core.metric_catalogue import computed_name

    if section is None:
        return None
    variants = section.get("variants", {})
    stable, canary = variants.get("stable", "stable"), variants.get("canary", "canary")
    if stable == canary:
        raise document.error(
            ("canary", "variants", "canary"), f"stable and canary are both {stable!r}", ConfigError
        )
    rules = []
    for name, spec in section["rules"].items():
        where = ("canary", "rules", str(name))
        known = name in TRAFFIC or name == OUTPUT_DRIFT or computed_name(name) is not None
        if not known:
            raise document.error(
                where,
                f"unknown canary rule {name!r}: error_rate, {', '.join(LATENCY)}, "
                f"{OUTPUT_DRIFT}, or with labels a metric the monitor computes (accuracy, "
                "roc_auc, log_loss, mae, …)",
                ConfigError,
            )
        if name == OUTPUT_DRIFT:
            extra = sorted(set(spec) - {"max", "warn_only"})
            if extra:
                raise document.error(
                    (*where, extra[0]),
                    f"{OUTPUT_DRIFT} takes max (the PSI threshold) and warn_only only",
                    ConfigError,
                )
            rules.append(
                MetricRule(
                    name=name,
                    higher_is_better=False,
                    max=_float(spec.get("max")),
                    warn_only=bool(spec.get("warn_only", False)),
                )
            )
            continue
        rule = metric_rule(document, str(name), spec, where=("canary", "rules"))
        if not (rule.checks_change or rule.checks_bounds):
            raise document.error(
                where,
                f"{name}: give a tolerance (max_{rule.worse_word}, max_{rule.worse_word}_pct) "
                "or a bound (min, max): the canary is judged against it",
                ConfigError,
            )
        rules.append(rule)
    return CanarySettings(
        stable=str(stable),
        canary=str(canary),
        window=section.get("window", "10m"),
        confidence=float(section.get("confidence", significance.confidence)),
        looks=int(section.get("looks", 1)),
        rules=tuple(rules),
        resamples=significance.resamples,
        seed=significance.seed,
        prometheus=_prometheus(document, section.get("prometheus"), PrometheusQueries),
    )


def _prometheus(document: Document, section: dict[str, Any] | None, build: Any) -> Any:
    if section is None:
        return None
    for key in ("requests", "errors", "latency_buckets", "output_buckets"):
        text = section.get(key)
        if text is not None and "{variant}" not in text:
            raise document.error(
                ("canary", "prometheus", key),
                "the template has no {variant}, so both variants would read the same series; "
                'select the variant with a label matcher, e.g. {variant="{variant}"}',
                ConfigError,
            )
    return build(
        url=section["url"],
        requests=section["requests"],
        errors=section.get("errors"),
        latency_buckets=section.get("latency_buckets"),
        output_buckets=section.get("output_buckets"),
        timeout=float(section.get("timeout", 10)),
    )
