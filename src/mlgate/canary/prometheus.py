"""The canary's traffic from Prometheus (``canary.prometheus``): each PromQL template
filled with ``{variant}`` and ``{window}`` and read through ``/api/v1/query``, one query
set per decision — the requests and errors counts per variant, the latency histogram's
buckets (``sum by (le) (…)``), optionally the output-score histogram's.

What the answers cannot establish is never a pass: an empty result (no series), NaN or no
requests make the metrics that need them inconclusive, with the query named. A count query
with several series, a histogram without a ``+Inf`` bucket or with counts that fall as
``le`` rises are the queries' mistakes (exit 2)."""

from __future__ import annotations

import math
from typing import Any

from mlgate.canary.measure import Measured, output_measurement
from mlgate.core.canary import (
    LATENCY,
    OUTPUT_DRIFT,
    CanarySettings,
    Measurement,
    Traffic,
)
from mlgate.core.drift_settings import DriftSettings
from mlgate.core.stats.canary import Histogram
from mlgate.errors import InputError

SIDES = ("stable", "canary")
Missing = str  # why a query gave nothing to judge


def measure_prometheus(
    settings: CanarySettings, *, api: Any, at: float | None, drift: DriftSettings
) -> Measured:
    import numpy as np

    names = {rule.name for rule in settings.rules}
    reader = _Reader(api=api, settings=settings, at=at)
    requests = {side: reader.count("requests", side) for side in SIDES}
    found: dict[str, Measurement] = {}
    traffic = {side: Traffic(requests=_whole(requests[side])) for side in SIDES}
    if "error_rate" in names:
        errors = {side: reader.count("errors", side) for side in SIDES}
        traffic = {
            side: Traffic(requests=traffic[side].requests, errors=_whole(errors[side]))
            for side in SIDES
        }
        found["error_rate"] = _error_rate(requests, errors, settings)
    rng = np.random.default_rng(settings.seed)
    wanted = [name for name in LATENCY if name in names]
    if wanted:
        hists = {side: reader.histogram("latency_buckets", side) for side in SIDES}
        for name in wanted:
            found[name] = _latency(name, hists, settings, rng)
    if OUTPUT_DRIFT in names:
        hists = {side: reader.histogram("output_buckets", side) for side in SIDES}
        rule = next(r for r in settings.rules if r.name == OUTPUT_DRIFT)
        found[OUTPUT_DRIFT] = _outputs(hists, drift, rule)
    notes: tuple[str, ...] = (
        "counts from Prometheus's increase() are extrapolated to the window's edges and "
        "rounded to whole requests",
    )
    if wanted:
        notes += (
            "latency intervals: a multinomial bootstrap over each variant's histogram "
            "buckets, the quantile interpolated linearly inside its bucket (as "
            "histogram_quantile does)",
        )
    return Measured(measurements=found, traffic=traffic, notes=notes)


class _Reader:
    def __init__(self, *, api: Any, settings: CanarySettings, at: float | None) -> None:
        self.api, self.settings, self.at = api, settings, at
        queries = settings.prometheus
        assert queries is not None
        self.templates = queries.templates()

    def _query(self, name: str, side: str) -> tuple[str, list[tuple[dict[str, str], float]]]:
        variant = getattr(self.settings, side)
        query = self.settings.query(self.templates[name], variant)
        return query, self.api.vector(query, at=self.at, name=name)

    def count(self, name: str, side: str) -> float | Missing:
        query, samples = self._query(name, side)
        if not samples:
            return f"the {name} query for {side!r} returned no series ({query})"
        if len(samples) > 1:
            raise InputError(
                f"canary.prometheus.{name}: {query!r} returns {len(samples)} series where one "
                "is expected; aggregate it with sum(…)"
            )
        value = samples[0][1]
        if not math.isfinite(value):
            shown = "NaN" if math.isnan(value) else f"{value:+}".replace("inf", "Inf")
            return f"the {name} query for {side!r} returned {shown} ({query})"
        if value < 0:
            raise InputError(
                f"canary.prometheus.{name}: {query!r} returns {value:g}, which is not a count"
            )
        return value

    def histogram(self, name: str, side: str) -> Histogram | Missing:
        query, samples = self._query(name, side)
        if not samples:
            return f"the {name} query for {side!r} returned no series ({query})"
        return _histogram(name, query, samples)


def _histogram(
    name: str, query: str, samples: list[tuple[dict[str, str], float]]
) -> Histogram | Missing:
    where = f"canary.prometheus.{name}: {query!r}"
    buckets: dict[float, float] = {}
    for labels, value in samples:
        if "le" not in labels:
            raise InputError(
                f"{where}: a series without an le label; aggregate the _bucket series with "
                "sum by (le) (…)"
            )
        try:
            bound = float(labels["le"])
        except ValueError:
            raise InputError(f"{where}: le={labels['le']!r} is not a number") from None
        if bound in buckets:
            raise InputError(
                f"{where}: several series for le={labels['le']}; aggregate them with "
                "sum by (le) (…)"
            )
        buckets[bound] = value
    if math.inf not in buckets:
        raise InputError(f"{where}: no +Inf bucket, so the histogram's total is unknown")
    bounds = sorted(buckets)
    cumulative = [buckets[b] for b in bounds]
    if not all(math.isfinite(v) for v in cumulative):
        return f"the {name} query returned NaN or infinite buckets ({query})"
    if cumulative[0] < 0:
        raise InputError(f"{where}: a negative bucket count, which is not a count")
    slack = 1e-6 * max(abs(cumulative[-1]), 1.0)
    for before, after, bound in zip(cumulative, cumulative[1:], bounds[1:], strict=False):
        if after < before - slack:
            raise InputError(
                f"{where}: the bucket counts fall at le={bound:g} ({before:g} → {after:g}); "
                "a histogram's buckets are cumulative"
            )
    return Histogram(bounds=tuple(bounds), cumulative=tuple(cumulative))


def _whole(value: float | Missing) -> int | None:
    return None if isinstance(value, str) else round(value)


def _error_rate(
    requests: dict[str, float | Missing],
    errors: dict[str, float | Missing],
    settings: CanarySettings,
) -> Measurement:
    from mlgate.core.stats.canary import error_rate

    for side in SIDES:
        for found in (requests[side], errors[side]):
            if isinstance(found, str):
                hint = (
                    "; if there were no errors, end the query with `or vector(0)`"
                    if found is errors[side] and not isinstance(requests[side], str)
                    else ""
                )
                return Measurement(name="error_rate", missing=found + hint)
    counts = {side: (round(errors[side]), round(requests[side])) for side in SIDES}  # type: ignore[arg-type]
    for side, (bad, total) in counts.items():
        if bad > total:
            return Measurement(
                name="error_rate",
                missing=f"{side}: {bad} errors of {total} requests — the errors and requests "
                "queries do not count the same requests",
            )
    return error_rate(counts["stable"], counts["canary"], confidence=settings.look_confidence)


def _pair(
    name: str, hists: dict[str, Histogram | Missing], what: str
) -> tuple[Histogram, Histogram] | Measurement:
    """Both variants' histograms, or the measurement that says why they cannot be compared
    (a query gave nothing, or the variants' buckets differ)."""
    found = [hists[side] for side in SIDES]
    for one in found:
        if isinstance(one, str):
            return Measurement(name=name, missing=one)
    stable, canary = found
    assert isinstance(stable, Histogram) and isinstance(canary, Histogram)
    if stable.bounds != canary.bounds:
        return Measurement(
            name=name,
            missing=f"the variants' {what} histograms have different buckets; compare them "
            "with the same le bounds",
        )
    return stable, canary


def _latency(
    name: str, hists: dict[str, Histogram | Missing], settings: CanarySettings, rng: Any
) -> Measurement:
    from mlgate.core.stats.canary import latency

    pair = _pair(name, hists, "latency")
    if isinstance(pair, Measurement):
        return pair
    return latency(
        name,
        LATENCY[name],
        *pair,
        confidence=settings.look_confidence,
        resamples=settings.resamples,
        rng=rng,
    )


def _outputs(hists: dict[str, Histogram | Missing], drift: DriftSettings, rule: Any) -> Measurement:
    from mlgate.canary.outcomes import drift_for
    from mlgate.core.drift import judge_feature
    from mlgate.core.stats.feature_drift import measured_categorical

    pair = _pair(OUTPUT_DRIFT, hists, "output")
    if isinstance(pair, Measurement):
        return pair
    stable, canary = pair
    labels = [f"≤{b:g}" for b in stable.bounds]
    measured = measured_categorical(labels, stable.counts(), canary.counts())
    feature = judge_feature("output", "categorical", measured, settings=drift_for(drift, rule))
    return output_measurement(OUTPUT_DRIFT, feature)
