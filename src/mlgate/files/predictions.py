"""Reading per-example predictions (CSV, Parquet, JSON Lines) into columns.

pyarrow reads all three fast (the ``predictions`` extra); without it CSV and JSON Lines
are read with the standard library (slower, fine for tens of thousands of rows) and
Parquet asks for pyarrow. Every problem is an InputError naming the file.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from mlgate.core.refs import first_line
from mlgate.errors import InputError
from mlgate.files.headers import check_header

FORMATS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
Columns = dict[str, Any]  # name → numpy array


def read_predictions(path: Path, *, role: str) -> Columns:
    """The file's columns as numpy arrays: whole numbers (and booleans) without gaps as
    int64, other numbers as float64 (a gap is NaN), everything else as text."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: {role} predictions must be CSV, Parquet or JSON Lines ({known})")
    if not path.is_file():
        raise InputError(f"{path}: {role} predictions not found")
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        if kind == "parquet":
            raise InputError(
                f"{path}: reading Parquet needs pyarrow: pip install 'mlgate[predictions]'"
            ) from None
        return _read_plain(path, kind)
    return _read_arrow(path, kind)


def _read_arrow(path: Path, kind: str) -> Columns:
    import pyarrow as pa

    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
        elif kind == "csv":
            import pyarrow.csv as pa_csv

            table = pa_csv.read_csv(path)
        else:
            import pyarrow.json as pa_json

            table = pa_json.read_json(path)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise InputError(f"{path}: cannot read {kind}: {first_line(exc, limit=200)}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot read {kind}: it is not UTF-8 text") from None
    try:
        names = table.column_names
        check_header(path, names)
        return {name: arrow_values(table.column(name)) for name in names}
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read {kind}: {_not_text(exc)}") from None


def arrow_values(column: Any) -> Any:
    """One Arrow column as read_predictions returns it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if (pa.types.is_integer(kind) or pa.types.is_boolean(kind)) and not column.null_count:
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.int64)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind):
        return np.asarray(pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):  # datetime64, NaT where missing
        return np.asarray(column.to_numpy(zero_copy_only=False))
    return np.asarray(pc.cast(column, pa.string()).to_numpy(zero_copy_only=False), dtype=object)


def _not_text(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError) or "utf8" in str(exc).lower():
        return "a value or column name is not UTF-8 text"
    return first_line(exc, limit=200)


def _read_plain(path: Path, kind: str) -> Columns:
    rows = read_plain_rows(path, kind)
    names = list(rows[0])
    check_header(path, names)
    return {name: plain_column([row.get(name) for row in rows]) for name in names}


def read_plain_rows(path: Path, kind: str) -> list[dict[str, Any]]:
    """CSV or JSON Lines rows with the standard library (no pyarrow)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            if kind == "csv":
                rows = list(csv.DictReader(handle))
            else:
                rows = [json.loads(line) for line in handle if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read {kind}: {exc}") from None
    if not rows:
        raise InputError(f"{path}: no rows")
    return rows


def plain_column(values: list[Any]) -> Any:
    import numpy as np

    try:
        return np.asarray([_whole(v) for v in values], dtype=np.int64)
    except (TypeError, ValueError, OverflowError):
        pass
    try:
        return np.asarray(
            [float("nan") if v in (None, "") else float(v) for v in values], dtype=float
        )
    except (TypeError, ValueError):
        return np.asarray(["" if v is None else str(v) for v in values], dtype=object)


def _whole(value: Any) -> int:
    """A whole number as written (``3``, ``"3"``, true); ``1.5`` or ``"1.0"`` is not one."""
    if isinstance(value, (bool, int)):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ValueError(value)


def write_predictions(folder: Path, columns: Columns, *, name: str = "predictions") -> Path:
    """``columns`` (name → a 1-D array, all the same length) as ``folder/NAME.parquet``
    when pyarrow is installed, else ``NAME.csv``; written whole or not at all."""
    import numpy as np

    from mlgate.files.atomic import write_text_atomic

    folder.mkdir(parents=True, exist_ok=True)
    arrays = {key: np.asarray(value) for key, value in columns.items()}
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        target = folder / f"{name}.csv"
        write_text_atomic(target, _csv_text(arrays))
        return target
    target = folder / f"{name}.parquet"
    table = pa.table({key: _arrow_array(value) for key, value in arrays.items()})
    partial = folder / f".{name}.parquet.tmp"
    try:
        pq.write_table(table, partial, compression="zstd")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    return target


def _arrow_array(values: Any) -> Any:
    import pyarrow as pa

    if values.dtype.kind in "biuf":
        return pa.array(values)
    return pa.array(["" if v is None else str(v) for v in values.tolist()], type=pa.string())


def _csv_text(arrays: dict[str, Any]) -> str:
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(arrays))
    lists = [value.tolist() for value in arrays.values()]
    for row in zip(*lists, strict=True):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _cell(value: Any) -> Any:
    """A float as repr (round-trips exactly), a gap as an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return repr(value) if isinstance(value, float) else value
