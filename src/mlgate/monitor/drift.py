"""``mlgate drift`` / ``skew``: feature tables, or the reference data stored with a registered
version, compared by the drift core."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from mlgate.core.drift import DriftReport, Kind
from mlgate.core.drift_settings import DriftSettings
from mlgate.core.refs import AliasRef, RefError, VersionRef, parse_model_ref
from mlgate.errors import InputError, UsageError
from mlgate.files.config import Config
from mlgate.files.tables import read_table
from mlgate.monitor.engine import Engine


def drift_report(
    *,
    reference: str,
    current: str | Path,
    config: Config,
    model: str | None = None,
    tracking_uri: str | None = None,
    engine: Engine | None = None,
) -> DriftReport:
    """``reference`` is a CSV/Parquet file, or a registered version (``@champion``,
    ``models:/NAME@ALIAS``, ``models:/NAME/3``) whose stored reference is downloaded;
    with the Spark engine, either side may also be a table Spark reads."""
    from mlgate.monitor.tables import compare_tables

    engine = engine or Engine(name=config.drift.engine)
    name = model or config.model
    ref = _registry_ref(reference, model=name)
    with tempfile.TemporaryDirectory(prefix="mlgate-reference-") as folder:
        if ref is None:
            reference_path, label = Path(reference), reference
        else:
            fetched = _references(tracking_uri).fetch(ref, folder=Path(folder))
            reference_path, label = fetched.path, fetched.label
        if engine.name == "spark":
            return _on_spark(
                reference if ref is None else reference_path,
                str(current),
                label=label,
                settings=config.drift,
                kind=Kind.DRIFT,
                model=name,
                engine=engine,
            )
        current = engine.local_path(current, option="--current")
        reference_path = engine.local_path(
            reference if ref is None else reference_path, option="--reference"
        )
        streamed = _streamed(
            reference_path,
            current,
            settings=config.drift,
            kind=Kind.DRIFT,
            labels=(label, str(current)),
            model=name,
        )
        if streamed is not None:
            return streamed
        reference_table = read_table(reference_path, role="drift reference")
        current_table = read_table(current, role="current data")
    return compare_tables(
        reference_table,
        current_table,
        settings=config.drift,
        reference_label=label,
        current_label=str(current),
        model=name,
    )


def skew_report(
    *,
    training: str | Path,
    serving: str | Path,
    config: Config,
    key: str | None,
    model: str | None = None,
    engine: Engine | None = None,
) -> DriftReport:
    """Distributions of the features compared as drift is, labelled skew; with a key, the
    rows in both files also compared value by value."""
    from mlgate.monitor.skew import key_mismatches
    from mlgate.monitor.tables import compare_tables

    engine = engine or Engine(name=config.drift.engine)
    join = key or config.skew.key
    if engine.name == "spark":
        if join:
            raise UsageError(
                "--key matches rows one to one in memory; the Spark engine compares the "
                "distributions only: drop --key (and skew.key) or use --engine local"
            )
        return _on_spark(
            str(training),
            str(serving),
            label=str(training),
            settings=config.drift,
            kind=Kind.SKEW,
            model=model or config.model,
            engine=engine,
        )
    training = engine.local_path(training, option="--training")
    serving = engine.local_path(serving, option="--serving")
    if join is None:  # matching rows by key needs both files in memory
        streamed = _streamed(
            training,
            serving,
            settings=config.drift,
            kind=Kind.SKEW,
            labels=(str(training), str(serving)),
            model=model or config.model,
        )
        if streamed is not None:
            return streamed
    training_table = read_table(training, role="training features")
    serving_table = read_table(serving, role="serving log")
    report = compare_tables(
        training_table,
        serving_table,
        settings=config.drift,
        kind=Kind.SKEW,
        model=model or config.model,
        ignore=(join,) if join else (),
    )
    if join is None:
        return report
    features = [
        f.name
        for f in report.features
        if f.measured is not None and f.name in serving_table.columns
    ]
    mismatches = key_mismatches(
        training_table,
        serving_table,
        key=join,
        features=features,
        tolerance=config.skew.tolerance,
    )
    return replace(
        report,
        key=join,
        mismatches=tuple(sorted(mismatches, key=lambda m: (-m.share, m.feature))),
        max_mismatch=config.skew.max_mismatch,
        mismatch_fails=config.skew.fail,
    )


def _on_spark(
    reference: str | Path,
    current: str,
    *,
    label: str,
    settings: DriftSettings,
    kind: Kind,
    model: str | None,
    engine: Engine,
) -> DriftReport:
    """Both sides on Spark: the reference as a file read on the driver (a registered
    version's sample, or a local file), or as a table Spark reads."""
    from mlgate.adapters.spark import Source
    from mlgate.core.sources import is_spark_source
    from mlgate.monitor.spark_drift import compare_on_spark

    side: Path | Source
    if isinstance(reference, Path):
        side = reference
    else:
        side = Source(reference) if is_spark_source(reference) else Path(reference)
    return compare_on_spark(
        side,
        Source(current, where=engine.where),
        settings=settings,
        kind=kind,
        reference_label=label,
        model=model,
        remote=engine.remote,
    )


def _streamed(
    reference: Path,
    current: Path,
    *,
    settings: DriftSettings,
    kind: Kind,
    labels: tuple[str, str],
    model: str | None,
) -> DriftReport | None:
    """The report from streaming both files, or None when they fit ``drift.memory_mb``
    (then they are compared in memory, exactly) or pyarrow is not installed."""
    from mlgate.files.tables import has_arrow

    if not has_arrow():
        return None
    from mlgate.core.drift import schema_drift
    from mlgate.files.streaming import layout
    from mlgate.monitor.streamed import compare_streamed, compared_features, fits
    from mlgate.monitor.tables import no_common_columns

    ref_layout = layout(reference, role="drift reference")
    cur_layout = layout(current, role="current data")
    if fits(ref_layout, cur_layout, settings):
        return None
    if not set(ref_layout.types) & set(cur_layout.types):
        raise InputError(no_common_columns(reference, current))
    changes, features = compared_features(
        ref_layout.types, cur_layout.types, settings, label=str(current)
    )
    return compare_streamed(
        ref_layout,
        cur_layout,
        settings=settings,
        features=features,
        drifted_schema=[schema_drift(c, settings=settings) for c in changes if c.breaking],
        schema=tuple(changes),
        kind=kind,
        labels=labels,
        model=model,
    )


def _registry_ref(text: str, *, model: str | None) -> AliasRef | VersionRef | None:
    if text.startswith("@"):
        if not model:
            raise UsageError(
                f"--reference {text}: name the model with --model or model: in mlgate.yml"
            )
        return AliasRef(name=model, alias=text[1:])
    if not text.startswith("models:/"):
        return None
    try:
        ref = parse_model_ref(text)
    except RefError as exc:
        raise UsageError(f"--reference: {exc}") from None
    assert isinstance(ref, (AliasRef, VersionRef))
    return ref


def _references(tracking_uri: str | None) -> Any:
    from mlgate.adapters.references import References
    from mlgate.adapters.registry import Registry

    if not tracking_uri:
        raise UsageError("a registered reference needs --tracking-uri or MLFLOW_TRACKING_URI")
    return References(Registry(tracking_uri=tracking_uri))
