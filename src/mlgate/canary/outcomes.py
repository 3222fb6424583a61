"""The canary's traffic from a file (``--outcomes``): the monitor's outcomes format plus a
``variant`` column (``canary.variants`` names its two values) and optional ``error``
(true/false or 0/1) and ``latency`` columns. Labels, where present, give every metric the
monitor knows, with its unpaired intervals (:mod:`mlgate.core.stats.live`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.canary.measure import Measured, output_measurement
from mlgate.core.canary import LATENCY, OUTPUT_DRIFT, CanarySettings, Measurement, Traffic
from mlgate.core.columns import ColumnNames
from mlgate.core.drift_settings import DriftSettings
from mlgate.core.metric_catalogue import computed_name
from mlgate.core.rules import MetricRule
from mlgate.errors import ConfigError, InputError

Columns = dict[str, Any]
TRUE = frozenset({"true", "1", "yes"})
FALSE = frozenset({"false", "0", "no"})


def measure_outcomes(
    path: Path, *, settings: CanarySettings, names: ColumnNames, drift: DriftSettings
) -> Measured:
    import numpy as np

    from mlgate.files.predictions import read_predictions

    columns = read_predictions(path, role="outcomes")
    sides = _sides(path, columns, settings)
    found: dict[str, Measurement] = {}
    traffic = {side: Traffic(requests=int(mask.sum())) for side, mask in sides.items()}
    notes: list[str] = []
    rng = np.random.default_rng(settings.seed)
    errors = None
    for rule in settings.rules:
        if rule.name == "error_rate":
            errors = _flags(path, _column(path, columns, "error", rule.name))
            found[rule.name] = _error_rate(errors, sides, settings)
        elif rule.name in LATENCY:
            values = _latencies(path, _column(path, columns, "latency", rule.name))
            found[rule.name] = _latency(rule.name, values, sides, settings, rng)
        elif rule.name == OUTPUT_DRIFT:
            found[rule.name] = _outputs(
                path, columns, sides=sides, names=names, drift=drift, rule=rule
            )
    labelled = [r for r in settings.rules if computed_name(r.name) is not None]
    if labelled:
        from mlgate.canary.labels import label_metrics

        measured, counts = label_metrics(
            path, columns, sides=sides, names=names, rules=labelled, settings=settings, rng=rng
        )
        found.update(measured)
        traffic = {
            side: Traffic(requests=t.requests, labelled=counts[side]) for side, t in traffic.items()
        }
    if errors is not None:
        traffic = {
            side: Traffic(
                requests=t.requests, errors=int(errors[sides[side]].sum()), labelled=t.labelled
            )
            for side, t in traffic.items()
        }
    if any(r.name in LATENCY for r in settings.rules):
        notes.append(
            "latency intervals: a multinomial bootstrap over each variant's raw latencies "
            "binned at the pooled sample's quantiles, linear inside a bin"
        )
    return Measured(measurements=found, traffic=traffic, notes=tuple(notes))


def _sides(path: Path, columns: Columns, settings: CanarySettings) -> dict[str, Any]:
    import numpy as np

    configured = f"canary.variants: stable {settings.stable!r}, canary {settings.canary!r}"
    if "variant" not in columns:
        have = ", ".join(sorted(columns)[:12])
        raise InputError(
            f"{path}: no column 'variant' (which version served each request; {configured}; "
            f"columns: {have})"
        )
    variant = _text(columns["variant"])
    unknown = sorted(set(np.unique(variant).tolist()) - {settings.stable, settings.canary})
    if unknown:
        shown = ", ".join(repr(v) for v in unknown[:5])
        raise InputError(
            f"{path}: column 'variant': {shown} is not a configured variant ({configured})"
        )
    return {"stable": variant == settings.stable, "canary": variant == settings.canary}


def _text(values: Any) -> Any:
    import numpy as np

    if values.dtype.kind == "f":
        return np.asarray(
            [str(int(v)) if float(v).is_integer() else str(v) for v in values], dtype=object
        )
    return values.astype(str)


def _column(path: Path, columns: Columns, column: str, rule: str) -> Any:
    if column not in columns:
        raise InputError(
            f"{path}: no column {column!r}, which canary.rules.{rule} is computed from"
        )
    return columns[column]


def _flags(path: Path, values: Any) -> Any:
    """The error column as booleans: true/false, yes/no or 1/0 (any case)."""
    import numpy as np

    if values.dtype.kind == "b":
        return values
    if values.dtype.kind in "iuf":
        bad, flags = ~np.isin(values, (0, 1)), values == 1
    else:
        text = np.char.lower(np.char.strip(values.astype(str)))
        bad, flags = ~np.isin(text, sorted(TRUE | FALSE)), np.isin(text, sorted(TRUE))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{path}: column 'error', row {row + 1}: {str(values[row])[:40]!r} is not "
            "true/false or 0/1"
        )
    return np.asarray(flags, dtype=bool)


def _latencies(path: Path, values: Any) -> Any:
    import numpy as np

    if values.dtype.kind not in "iuf":
        raise InputError(f"{path}: column 'latency' must hold numbers (in the unit of the data)")
    values = values.astype(float)
    negative = np.flatnonzero(values < 0)
    if len(negative):
        row = int(negative[0])
        raise InputError(
            f"{path}: column 'latency', row {row + 1}: {values[row]:g} is negative; "
            f"{len(negative)} rows are (a latency is a duration)"
        )
    return values


def _error_rate(errors: Any, sides: dict[str, Any], settings: CanarySettings) -> Measurement:
    from mlgate.core.stats.canary import error_rate

    counts = {side: (int(errors[mask].sum()), int(mask.sum())) for side, mask in sides.items()}
    return error_rate(counts["stable"], counts["canary"], confidence=settings.look_confidence)


def _latency(
    name: str, values: Any, sides: dict[str, Any], settings: CanarySettings, rng: Any
) -> Measurement:
    import numpy as np

    from mlgate.core.stats.canary import latency, raw_histograms

    stable, canary = (values[sides[s] & ~np.isnan(values)] for s in ("stable", "canary"))
    if not len(stable) or not len(canary):
        side = "canary" if not len(canary) else "stable version"
        return Measurement(
            name=name,
            n_stable=len(stable),
            n_canary=len(canary),
            missing=f"no latencies of the {side}",
        )
    q = LATENCY[name]
    hists = raw_histograms(stable, canary)
    return latency(
        name,
        q,
        *hists,
        confidence=settings.look_confidence,
        resamples=settings.resamples,
        rng=rng,
        points=(float(np.quantile(stable, q)), float(np.quantile(canary, q))),
    )


def _outputs(
    path: Path,
    columns: Columns,
    *,
    sides: dict[str, Any],
    names: ColumnNames,
    drift: DriftSettings,
    rule: MetricRule,
) -> Measurement:
    from mlgate.monitor.output_drift import measure_output

    column = next((c for c in (names.score, names.prediction) if c in columns), None)
    if column is None:
        raise ConfigError(
            f"{path}: canary.rules.{OUTPUT_DRIFT} needs the model's outputs: a column "
            f"{names.score!r} or {names.prediction!r} (predictions.score / predictions.prediction)"
        )
    values = columns[column]
    feature = measure_output(
        column, values[sides["canary"]], values[sides["stable"]], drift_for(drift, rule)
    )
    return output_measurement(rule.name, feature)


def drift_for(drift: DriftSettings, rule: MetricRule) -> DriftSettings:
    """The drift settings with the rule's ``max`` as the PSI threshold, when it has one."""
    from dataclasses import replace

    if rule.max is None:
        return drift
    return replace(drift, default=replace(drift.default, psi=rule.max), features={})
