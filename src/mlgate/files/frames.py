"""Entity and training tables (CSV, Parquet) as pandas frames, for the feature-store checks:
Feast takes and gives frames. Every problem is an InputError naming the file and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.core.refs import first_line
from mlgate.errors import InputError
from mlgate.files.headers import check_header
from mlgate.files.tables import table_format


def read_frame(path: Path, *, role: str) -> Any:
    """The whole table, its text columns as Python strings."""
    kind = table_format(path, role=role)
    try:
        import pyarrow as pa
    except ImportError:
        raise InputError(
            f"{path}: reading the {role} needs pyarrow: pip install 'mlgate[feast]'"
        ) from None
    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
        else:
            import pyarrow.csv as pa_csv

            options = pa_csv.ConvertOptions(strings_can_be_null=True)
            table = pa_csv.read_csv(path, convert_options=options)
        check_header(path, table.column_names)
        return table.to_pandas()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise InputError(f"{path}: cannot read {kind}: {first_line(exc, limit=200)}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot read {kind}: it is not UTF-8 text") from None


def times_of(frame: Any, column: str, *, path: Path | str, option: str) -> Any:
    """A time column as UTC timestamps (naive ones are taken as UTC)."""
    import pandas as pd

    if column not in frame.columns:
        raise InputError(
            f"{path}: no time column {column!r} ({option}); the table has "
            f"{', '.join(map(str, frame.columns[:12]))}"
        )
    values = frame[column]
    try:
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            times = pd.to_datetime(values, unit="s", utc=True)
        else:
            times = pd.to_datetime(values, utc=True, format="mixed")
    except (ValueError, TypeError, OverflowError) as exc:
        detail = first_line(exc, limit=120)
        raise InputError(f"{path}: column {column}: not a time: {detail}") from None
    if times.isna().any():
        row = int(times.isna().to_numpy().nonzero()[0][0])
        raise InputError(f"{path}: column {column}: row {row + 2} has no time")
    return times
