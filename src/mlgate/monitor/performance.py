"""``mlgate monitor --outcomes``: served predictions joined with the labels that arrived
later → production's live metrics against its evaluation-time numbers (overall and by
window), and the drift of what the model outputs and of the labels.

The reference is production's logged per-example predictions when the evaluation kept
them, else the metrics recorded on the version (numbers, no sample); a predictions file
given with ``--performance-reference`` stands in for both on a laptop.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from mlgate.core.columns import ColumnNames
from mlgate.core.performance import (
    PerformanceSettings,
)
from mlgate.errors import InputError, UsageError
from mlgate.files.config import Config
from mlgate.monitor.engine import Engine
from mlgate.monitor.live_verdict import WindowSide, judge_live_side, local_side
from mlgate.monitor.outcome_data import (
    Outcomes,
    Reference,
    present,
    reference_sample,
    sample_of,
    timestamps,
    unique_ids,
    window_starts,
)

Columns = dict[str, Any]


def production_reference(
    *, config: Config, model: str | None, tracking_uri: str | None, file: Path | None
) -> Reference:
    if file is not None:
        from mlgate.files.predictions import read_predictions

        return Reference(
            label=str(file), columns=read_predictions(file, role="reference"), names=config.columns
        )
    if not model:
        raise UsageError("--outcomes: name the model with --model or model: in mlgate.yml")
    if not tracking_uri:
        raise UsageError(
            "--outcomes needs production's evaluation-time numbers: --tracking-uri (or "
            "MLFLOW_TRACKING_URI), or a predictions file with --performance-reference"
        )
    from mlgate.adapters.registry import Registry

    registry = Registry(tracking_uri=tracking_uri)
    alias = config.production_alias
    found = registry.baseline(model=model, alias=alias, prefix=config.metric_prefix)
    if found is None:
        raise UsageError(f"models:/{model}@{alias}: no version holds the production alias")
    label = f"models:/{model}@{alias} (version {found.version})"
    recorded = {k: float(v) for k, v in found.metric_set.metrics.items()}
    logged = _logged_predictions(registry, found.run_id)
    if logged is not None:
        return Reference(
            label=f"{label}: its evaluation-time predictions",
            version=found.version,
            columns=logged,
            recorded=recorded,
            # mlgate.log_predictions writes the default column names; the task is the
            # project's, as for the gate's own pairing of logged predictions.
            names=ColumnNames(task=config.columns.task, positive=config.columns.positive),
        )
    return Reference(
        label=f"{label}: its recorded metrics",
        version=found.version,
        recorded=recorded,
        names=config.columns,
        sample=_stored_sample(registry, model=model, alias=alias),
    )


def _stored_sample(registry: Any, *, model: str, alias: str) -> Columns | None:
    """The drift reference `mlgate promote` stored with the version, as columns; None
    when there is none (output drift then has nothing to compare with)."""
    from mlgate.adapters.references import References
    from mlgate.core.refs import AliasRef
    from mlgate.files.predictions import read_predictions

    with tempfile.TemporaryDirectory(prefix="mlgate-outcomes-") as folder:
        try:
            fetched = References(registry).fetch(
                AliasRef(name=model, alias=alias), folder=Path(folder)
            )
            return read_predictions(fetched.path, role="stored reference")
        except InputError:
            return None


def _logged_predictions(registry: Any, run_id: str | None) -> Columns | None:
    """The per-example predictions the evaluation logged with the run (``mlgate
    .log_predictions``); None when it kept none."""
    from mlgate.adapters.run_predictions import RunPredictions
    from mlgate.files.predictions import read_predictions

    if not run_id:
        return None
    with tempfile.TemporaryDirectory(prefix="mlgate-outcomes-") as folder:
        found = RunPredictions(registry).find(run_id, folder=Path(folder))
        if found is None:
            return None
        try:
            return read_predictions(found.path, role="logged")
        except InputError as exc:
            raise InputError(f"{found.uri}: {str(exc).split(': ', 1)[-1]}") from None


def monitor_outcomes(
    source: str | Path,
    *,
    reference: Reference,
    config: Config,
    settings: PerformanceSettings,
    engine: Engine | None = None,
) -> Outcomes:
    """``source``: a predictions file, or (the Spark engine) a table Spark reads."""
    from mlgate.files.predictions import read_predictions

    engine = engine or Engine()
    if engine.name == "spark":
        from mlgate.monitor.spark_outcomes import outcomes_on_spark

        return outcomes_on_spark(
            str(source), reference=reference, config=config, settings=settings, engine=engine
        )
    path = engine.local_path(source, option="--outcomes")
    columns = read_predictions(path, role="outcomes")
    return judge_outcomes(columns, path=path, reference=reference, config=config, settings=settings)


def judge_outcomes(
    columns: Columns,
    *,
    path: Path,
    reference: Reference,
    config: Config,
    settings: PerformanceSettings,
) -> Outcomes:
    """The outcomes file's columns (``path`` names it in reports and errors) judged."""

    names = config.columns
    for needed, what in ((names.id, "one id per served prediction"), (names.label, "the labels")):
        if needed not in columns:
            have = ", ".join(sorted(columns)[:12])
            raise InputError(f"{path}: no column {needed!r} ({what}; columns: {have})")
    unique_ids(path, columns[names.id], names.id)
    labelled = present(columns[names.label])
    times = timestamps(path, columns, settings)
    ref = reference_sample(reference)
    live = sample_of(columns, names=names, take=labelled, source=str(path), like=ref)
    overall = local_side(live)
    windows: list[WindowSide] = []
    if times is not None and settings.window:
        windows = _windows(times, labelled, live, settings)
    report = judge_live_side(
        overall,
        windows,
        ref=ref,
        reference=reference,
        config=config,
        settings=settings,
        outcomes=str(path),
        served=len(labelled),
    )
    from mlgate.monitor.output_drift import output_drift

    outputs = output_drift(
        columns, labelled=labelled, names=names, reference=reference, settings=config.drift
    )
    return Outcomes(performance=report, outputs=outputs)


def _windows(
    times: Any, labelled: Any, live: Any, settings: PerformanceSettings
) -> list[WindowSide]:
    import numpy as np

    starts, index = np.unique(window_starts(times, settings.window), return_inverse=True)
    labelled_index = index[labelled]
    out = []
    for i, start in enumerate(starts):
        mask = labelled_index == i
        out.append(
            WindowSide(
                start=str(start),
                served=int((index == i).sum()),
                side=local_side(live.subset(mask)),
            )
        )
    return out
