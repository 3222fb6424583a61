"""Two feature tables → a DriftReport: the schema compared first, then every shared
feature measured (numbers and categories alike), in threads — numpy's sorts and searches
release the GIL, so a 2-core runner measures two features at once."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from mlgate.core.drift import (
    DataSide,
    DriftReport,
    FeatureDrift,
    FeatureStatus,
    Kind,
    SchemaChange,
    judge_feature,
    schema_drift,
)
from mlgate.core.drift_family import decided
from mlgate.core.drift_settings import DriftSettings
from mlgate.errors import InputError
from mlgate.files.tables import Table, TableColumn, as_categories

_NUMBER_TYPES = ("integer", "float")


def compare_tables(
    reference: Table,
    current: Table,
    *,
    settings: DriftSettings,
    kind: Kind = Kind.DRIFT,
    reference_label: str | None = None,
    current_label: str | None = None,
    model: str | None = None,
    ignore: tuple[str, ...] = (),
) -> DriftReport:
    for table, role in ((reference, "reference"), (current, "current")):
        if table.rows == 0:
            # A header alone has no types to compare and no values to judge: every column
            # would read as drifted, or as "no drift". Neither is true.
            raise InputError(
                f"{table.path}: 0 rows (the {role} table has a header and no data); check the "
                "export that wrote it"
            )
    changes = [
        c
        for c in schema_changes(reference.types(), current.types())
        if c.column not in ignore and not settings.for_feature(c.column).ignore
    ]
    if reference.columns and not set(reference.columns) & set(current.columns):
        raise InputError(no_common_columns(reference.path, current.path))
    broken = {c.column for c in changes if c.breaking}
    shared = [
        name
        for name in reference.columns
        if name in current.columns and name not in broken and name not in ignore
    ]
    if settings.max_features and len(shared) > settings.max_features:
        raise InputError(
            f"{current.path}: {len(shared)} features to compare, more than drift.max_features "
            f"({settings.max_features}); raise it or list columns to ignore"
        )
    with ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, 4)) as pool:
        measured = list(
            pool.map(
                lambda name: _feature(
                    reference.columns[name], current.columns[name], settings=settings
                ),
                shared,
            )
        )
    drifted_schema = [schema_drift(c, settings=settings) for c in changes if c.breaking]
    return DriftReport(
        kind=kind,
        model=model,
        reference=DataSide(label=reference_label or str(reference.path), rows=reference.rows),
        current=DataSide(label=current_label or str(current.path), rows=current.rows),
        features=decided(measured + drifted_schema, settings=settings),
        schema=tuple(changes),
        settings=settings.summary(),
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


def no_common_columns(reference: object, current: object) -> str:
    return (
        f"{reference} and {current}: no column in common between the two tables: do both "
        "have a header row naming the same columns, and commas between values?"
    )


def _feature(
    reference: TableColumn, current: TableColumn, *, settings: DriftSettings
) -> FeatureDrift:
    from mlgate.core.stats.feature_drift import measure_categorical, measure_numeric

    name = reference.name
    limits = settings.for_feature(name)
    if limits.ignore:
        return _skipped(reference, "ignored (drift.ignore in mlgate.yml)")
    if reference.temporal or current.temporal:
        return _skipped(reference, "a time column: it moves by design")
    as_categorical = limits.categorical
    if as_categorical is None:
        as_categorical = not (reference.numeric and current.numeric)
    if as_categorical:
        ref = as_categories(reference) if reference.numeric else reference
        cur = as_categories(current) if current.numeric else current
        measured = measure_categorical((ref.categories, ref.codes), (cur.categories, cur.codes))
        return judge_feature(name, "categorical", measured, settings=settings)
    measured = measure_numeric(
        reference.numbers(), current.numbers(), bins=settings.bins, binning=settings.binning
    )
    return judge_feature(name, "numeric", measured, settings=settings)


def _skipped(column: TableColumn, why: str) -> FeatureDrift:
    kind = "numeric" if column.numeric else "categorical"
    return FeatureDrift(name=column.name, kind=kind, status=FeatureStatus.SKIPPED, reasons=(why,))


def schema_changes(reference: dict[str, str], current: dict[str, str]) -> list[SchemaChange]:
    """Columns removed, added or retyped, in the reference's column order, then the new
    ones. Integer ↔ float is reported, not breaking."""
    changes = []
    for column, before in reference.items():
        after = current.get(column)
        if after is None:
            changes.append(
                SchemaChange(
                    column=column,
                    change="removed",
                    reference_type=before,
                    current_type=None,
                    breaking=True,
                )
            )
        elif after != before:
            changes.append(
                SchemaChange(
                    column=column,
                    change="type",
                    reference_type=before,
                    current_type=after,
                    breaking=not (before in _NUMBER_TYPES and after in _NUMBER_TYPES),
                )
            )
    changes.extend(
        SchemaChange(
            column=column, change="added", reference_type=None, current_type=kind, breaking=False
        )
        for column, kind in current.items()
        if column not in reference
    )
    return changes
