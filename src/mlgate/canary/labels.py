"""Quality metrics of the canary against the stable version once labels arrive: each
variant's labelled outcomes as a sample, the monitor's unpaired intervals for Δ =
canary − stable (:mod:`mlgate.core.stats.live`), and the canary's own value's interval
for ``min``/``max`` rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.core.canary import CanarySettings, Measurement
from mlgate.core.columns import ColumnNames
from mlgate.core.metric_catalogue import computed_name
from mlgate.core.rules import MetricRule
from mlgate.errors import ConfigError, InputError


def label_metrics(
    path: Path,
    columns: dict[str, Any],
    *,
    sides: dict[str, Any],
    names: ColumnNames,
    rules: list[MetricRule],
    settings: CanarySettings,
    rng: Any,
) -> tuple[dict[str, Measurement], dict[str, int]]:
    """The rules' measurements, and the labelled outcomes per variant."""
    from mlgate.core.stats.labels import PairingError, TaskError
    from mlgate.core.stats.live import Sample, compare, summarise
    from mlgate.core.stats.paired import single
    from mlgate.monitor.outcome_data import present

    if names.label not in columns:
        listed = ", ".join(r.name for r in rules)
        raise InputError(
            f"{path}: no column {names.label!r} (the labels {listed} are computed from; "
            "predictions.label names it)"
        )
    labelled = present(columns[names.label])
    try:
        every = single(columns, names=names, take=labelled, source=str(path))
        samples = {
            side: Sample.of(
                single(
                    columns,
                    names=names,
                    take=labelled & mask,
                    source=str(path),
                    classes=every.classes,
                    task=every.task,
                )
            )
            for side, mask in sides.items()
        }
    except TaskError as exc:
        raise ConfigError(str(exc)) from None
    except PairingError as exc:
        raise InputError(str(exc)) from None
    counts = {side: sample.n for side, sample in samples.items()}
    keys = {r.name: computed_name(r.name) or r.name for r in rules}
    wanted = tuple(dict.fromkeys(keys.values()))
    stable, canary = samples["stable"], samples["canary"]
    out: dict[str, Measurement] = {}
    if not stable.n or not canary.n:
        side = "canary" if not canary.n else "stable version"
        for rule in rules:
            out[rule.name] = Measurement(
                name=rule.name,
                n_stable=stable.n,
                n_canary=canary.n,
                unit="labels",
                missing=f"no labelled outcomes of the {side} yet",
            )
        return out, counts
    common = {"confidence": settings.look_confidence, "resamples": settings.resamples, "rng": rng}
    theirs = summarise(stable, names=wanted, resamples=settings.resamples, rng=rng)
    change = compare(canary, reference=theirs, recorded={}, names=wanted, **common)
    own = compare(
        canary, reference=None, recorded=dict.fromkeys(wanted, 0.0), names=wanted, **common
    )
    for rule in rules:
        key = keys[rule.name]
        found, alone = change.get(key), own.get(key)
        if found is None or found.interval is None or found.reference is None:
            why = f"{rule.name} cannot be computed from these outcomes"
            if key in ("roc_auc", "log_loss") and names.score not in columns:
                why += f" (it needs scores, column {names.score!r})"
            out[rule.name] = Measurement(
                name=rule.name,
                n_stable=stable.n,
                n_canary=canary.n,
                unit="labels",
                missing=why,
            )
            continue
        out[rule.name] = Measurement(
            name=rule.name,
            stable=found.reference,
            canary=found.live,
            interval=found.interval,
            value_interval=alone.interval if alone is not None else None,
            n_stable=stable.n,
            n_canary=canary.n,
            unit="labels",
            method=f"{found.interval.method}, unpaired",
        )
    return out, counts
