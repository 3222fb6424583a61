"""One canary decision: the traffic read (an outcomes file, or Prometheus), each
``canary.rules`` entry judged on it (:mod:`mlgate.core.canary`), and the report written —
``mlgate-canary.json`` first (the contract), then the Markdown and the job summary."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from mlgate.canary.measure import Measured
from mlgate.core.canary import (
    OUTPUT_DRIFT,
    TRAFFIC,
    CanaryReport,
    CanarySettings,
    Measurement,
    judge,
)
from mlgate.core.refs import redact
from mlgate.errors import UsageError
from mlgate.files.config import Config

TOKEN_ENV = "MLGATE_PROMETHEUS_TOKEN"


@dataclass(frozen=True, kw_only=True)
class CanaryInputs:
    outcomes: Path | None = None  # else canary.prometheus
    at: float | None = None  # Prometheus evaluation time (seconds since the epoch); None: now
    token: str | None = field(default=None, repr=False)


def settings_of(config: Config) -> CanarySettings:
    if config.canary is None:
        raise UsageError(
            f"{config.source}: no canary: section; add canary.rules (and canary.prometheus, "
            "or give --outcomes FILE) — docs/canary.md"
        )
    return config.canary


def judge_canary(config: Config, inputs: CanaryInputs) -> CanaryReport:
    settings = settings_of(config)
    at = None
    if inputs.outcomes is None:
        # One evaluation instant for every query of the decision, so that the requests and
        # errors counts describe the same window.
        when = inputs.at if inputs.at is not None else datetime.now(timezone.utc).timestamp()
        inputs = replace(inputs, at=when)
        at = datetime.fromtimestamp(when, timezone.utc).isoformat(timespec="seconds")
    if inputs.outcomes is not None:
        from mlgate.canary.outcomes import measure_outcomes

        measured = measure_outcomes(
            inputs.outcomes, settings=settings, names=config.columns, drift=config.drift
        )
        source, window = str(inputs.outcomes), None
    else:
        measured = _from_prometheus(config, settings, inputs)
        assert settings.prometheus is not None
        source, window = f"Prometheus {redact(settings.prometheus.url)}", settings.window
    judgements = tuple(
        judge(rule, measured.measurements.get(rule.name) or _unmeasured(rule.name))
        for rule in settings.rules
    )
    return CanaryReport(
        model=config.model,
        source=source,
        variants={"stable": settings.stable, "canary": settings.canary},
        window=window,
        at=at,
        confidence=settings.look_confidence,
        looks=settings.looks,
        judgements=judgements,
        traffic=measured.traffic,
        notes=measured.notes,
    )


def _from_prometheus(config: Config, settings: CanarySettings, inputs: CanaryInputs) -> Measured:
    from mlgate.adapters.prometheus_api import PrometheusApi
    from mlgate.canary.prometheus import measure_prometheus

    queries = settings.prometheus
    if queries is None:
        raise UsageError(
            f"{config.source}: give --outcomes FILE, or canary.prometheus (url and the "
            "requests query) to read the variants' traffic from Prometheus"
        )
    needs = {
        "error_rate": ("errors", queries.errors),
        OUTPUT_DRIFT: ("output_buckets", queries.output_buckets),
    }
    for rule in settings.rules:
        if rule.name not in TRAFFIC and rule.name != OUTPUT_DRIFT:
            raise UsageError(
                f"canary.rules.{rule.name} needs labels, which only an outcomes file gives "
                "(--outcomes FILE); Prometheus gives error_rate, latency_p* and output_drift"
            )
        key, query = needs.get(rule.name, ("latency_buckets", queries.latency_buckets))
        if not query:
            raise UsageError(f"canary.rules.{rule.name} needs canary.prometheus.{key}")
    api = PrometheusApi(url=queries.url, timeout=queries.timeout, token=inputs.token)
    return measure_prometheus(settings, api=api, at=inputs.at, drift=config.drift)


def _unmeasured(name: str) -> Measurement:
    return Measurement(name=name, missing=f"{name} was not measured")


def write_outputs(report: CanaryReport, *, out_path: Path, report_path: Path) -> str:
    """``mlgate-canary.json``, then the Markdown (also the GitHub job summary and the
    ``decision`` step output); returns the Markdown."""
    from mlgate.adapters.github_env import append, write_step_outputs
    from mlgate.files.atomic import write_text_atomic
    from mlgate.files.canary import write_canary
    from mlgate.report.canary import canary_markdown

    write_canary(out_path, report)
    markdown = canary_markdown(report)
    write_text_atomic(report_path, markdown)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        append(Path(os.environ["GITHUB_STEP_SUMMARY"]), markdown + "\n")
    write_step_outputs({"decision": report.decision.value})
    return markdown
