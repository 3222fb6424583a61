"""Feature tables (CSV, Parquet) for drift: each column as numbers or as categories, with
its type for the schema comparison; and the size-capped sample promotion stores.

pyarrow reads both formats fast (the ``drift`` extra); without it CSV is read with
the standard library and Parquet asks for pyarrow. Every problem is an InputError naming
the file.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.core.refs import first_line
from mlgate.errors import InputError
from mlgate.files.headers import check_header
from mlgate.files.predictions import read_plain_rows

TABLE_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
TIME_TYPES = ("timestamp", "date", "time", "duration")


@dataclass(frozen=True, kw_only=True)
class TableColumn:
    """Numeric columns keep their values as ``chunks`` (float64, NaN where missing; joined
    only when measured, in the worker threads); other columns have ``categories`` (text)
    and ``codes`` into them (-1 where missing)."""

    name: str
    type: str  # integer, float, boolean, string, timestamp, date, time, duration, or arrow's
    chunks: tuple[Any, ...] | None = None
    categories: Any = None
    codes: Any = None

    @property
    def numeric(self) -> bool:
        return self.chunks is not None

    def numbers(self) -> Any:
        """The values as one new float64 array the caller owns (and may sort in place)."""
        import numpy as np

        chunks = self.chunks or ()
        return np.concatenate(chunks) if chunks else np.empty(0)

    @property
    def temporal(self) -> bool:
        return self.type in TIME_TYPES


@dataclass(frozen=True, kw_only=True)
class Table:
    path: Path
    rows: int
    columns: dict[str, TableColumn]

    def types(self) -> dict[str, str]:
        return {name: column.type for name, column in self.columns.items()}


def table_format(path: Path, *, role: str) -> str:
    kind = TABLE_FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"{path}: the {role} must be CSV or Parquet (.csv, .parquet, .pq)")
    if not path.is_file():
        raise InputError(f"{path}: {role} not found")
    return kind


def read_table(path: Path, *, role: str) -> Table:
    kind = table_format(path, role=role)
    if has_arrow():
        return _from_arrow(path, _read_arrow(path, kind))
    if kind == "parquet":
        raise InputError(f"{path}: reading Parquet needs pyarrow: pip install 'mlgate[drift]'")
    rows = read_plain_rows(path, "csv")
    check_header(path, list(rows[0]) if rows else [])
    return _from_rows(path, rows)


def has_arrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _read_arrow(path: Path, kind: str) -> Any:
    """Text columns come back dictionary-encoded (categories and codes) straight from the
    reader; pyarrow.compute is never needed for the common types (its import costs 0.5 s)."""
    import pyarrow as pa

    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            # ParquetFile, not read_table: the dataset layer imports pandas (2 s).
            schema = pq.read_schema(path, memory_map=True)
            text = [f.name for f in schema if pa.types.is_string(f.type)]
            return pq.ParquetFile(path, memory_map=True, read_dictionary=text).read()
        import pyarrow.csv as pa_csv

        options = pa_csv.ConvertOptions(
            auto_dict_encode=True, auto_dict_max_cardinality=2**31 - 1, strings_can_be_null=True
        )
        return pa_csv.read_csv(path, convert_options=options)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise InputError(f"{path}: cannot read {kind}: {first_line(exc, limit=200)}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot read {kind}: it is not UTF-8 text") from None


def _from_arrow(path: Path, table: Any) -> Table:
    import pyarrow as pa

    try:
        names = table.column_names
        check_header(path, names)
        columns = {name: arrow_column(name, table.column(name)) for name in names}
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError) as exc:
        detail = first_line(exc, limit=200)
        if isinstance(exc, UnicodeDecodeError) or "utf8" in detail.lower():
            detail = "a value or column name is not UTF-8 text"
        raise InputError(f"{path}: cannot read it: {detail}") from None
    return Table(path=path, rows=table.num_rows, columns=columns)


def arrow_column(name: str, column: Any) -> TableColumn:
    import pyarrow as pa

    kind = column.type
    value_type = kind.value_type if pa.types.is_dictionary(kind) else kind
    type_name = arrow_type(value_type, pa)
    if type_name in TIME_TYPES:
        return TableColumn(name=name, type=type_name)
    if pa.types.is_dictionary(kind) and type_name in ("string", "boolean"):
        return _categorical(name, type_name, column.chunks)
    if pa.types.is_boolean(kind):
        return _booleans(name, column.chunks)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return TableColumn(name=name, type=type_name, chunks=float_chunks(column))
    # Rarer types (decimals, dictionaries of numbers, binary …) through pyarrow.compute.
    import pyarrow.compute as pc

    if type_name in ("integer", "float"):
        return TableColumn(
            name=name, type=type_name, chunks=float_chunks(pc.cast(column, pa.float64()))
        )
    encoded = pc.cast(column, pa.string()).combine_chunks().dictionary_encode()
    return _categorical(name, type_name, [encoded])


# Arrow → numpy through the buffers: pyarrow's own to_numpy() imports pandas for arrays
# with gaps, which costs two seconds of start-up.


def float_chunks(column: Any) -> tuple[Any, ...]:
    """A numeric ChunkedArray as float64 numpy arrays (views where possible), NaN where
    a value is missing."""
    import numpy as np

    return tuple(
        _chunk_values(chunk, _numpy_type(chunk.type), np.nan).astype(np.float64, copy=False)
        for chunk in column.chunks
    )


def _numpy_type(kind: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    if pa.types.is_floating(kind):
        return np.dtype(f"f{kind.bit_width // 8}")
    signed = pa.types.is_signed_integer(kind)
    return np.dtype(f"{'i' if signed else 'u'}{kind.bit_width // 8}")


def _categorical(name: str, type_name: str, chunks: Any) -> TableColumn:
    """Dictionary chunks (each with its own dictionary) → one set of categories."""
    import numpy as np

    position: dict[str, int] = {}
    parts = []
    for chunk in chunks:
        labels = [_label(v) for v in chunk.dictionary.to_pylist()]
        remap = np.asarray([position.setdefault(v, len(position)) for v in labels] + [-1])
        codes = _chunk_values(chunk.indices, _numpy_type(chunk.indices.type), -1)
        parts.append(remap[codes])  # -1 (missing) picks the appended -1
    codes = np.concatenate(parts).astype(np.int64) if parts else np.empty(0, dtype=np.int64)
    categories = np.asarray(list(position), dtype=object)
    return TableColumn(name=name, type=type_name, categories=categories, codes=codes)


def _label(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _booleans(name: str, chunks: Any) -> TableColumn:
    import numpy as np

    parts = []
    for chunk in chunks:
        validity, data = chunk.buffers()[:2]
        start, length = chunk.offset, len(chunk)
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
        codes = bits[start : start + length].astype(np.int64)
        if chunk.null_count:
            valid = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
            codes[~valid[start : start + length].astype(bool)] = -1
        parts.append(codes)
    codes = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    categories = np.asarray(["false", "true"], dtype=object)
    return TableColumn(name=name, type="boolean", categories=categories, codes=codes)


def _chunk_values(chunk: Any, dtype: Any, missing: Any) -> Any:
    import numpy as np

    validity, data = chunk.buffers()[:2]
    start, length = chunk.offset, len(chunk)
    wide = np.result_type(dtype, type(missing))
    if data is None:  # an all-null chunk
        return np.full(length, missing, dtype=wide)
    values = np.frombuffer(data, dtype=dtype)[start : start + length]
    if not chunk.null_count:
        return values
    bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
    present = bits[start : start + length].astype(bool)
    filled = values.astype(wide)
    filled[~present] = missing
    return filled


def arrow_type(kind: Any, pa: Any) -> str:
    if pa.types.is_integer(kind):
        return "integer"
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "float"
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
        return "string"
    for name in TIME_TYPES:
        if getattr(pa.types, f"is_{name}")(kind) or (
            name == "date" and (pa.types.is_date32(kind) or pa.types.is_date64(kind))
        ):
            return name
    return str(kind)


def _from_rows(path: Path, rows: list[dict[str, Any]]) -> Table:
    import numpy as np

    from mlgate.files.predictions import plain_column

    columns = {}
    for name in rows[0]:
        cells = [row.get(name) for row in rows]
        values = plain_column(cells)
        if values.dtype == np.int64 or (values.dtype == float and _whole_numbers(cells)):
            numbers = values.astype(float)
            columns[name] = TableColumn(name=name, type="integer", chunks=(numbers,))
        elif values.dtype == float:
            columns[name] = TableColumn(name=name, type="float", chunks=(values,))
        else:
            present = values != ""
            categories, found = np.unique(values[present], return_inverse=True)
            codes = np.full(len(values), -1, dtype=np.int64)
            codes[present] = found
            columns[name] = TableColumn(
                name=name, type="string", categories=categories, codes=codes
            )
    return Table(path=path, rows=len(rows), columns=columns)


def _whole_numbers(cells: list[Any]) -> bool:
    """Whole numbers with gaps (``31,,40``): integers, as pyarrow reads them."""
    written = [str(c).strip() for c in cells if c not in (None, "")]
    return bool(written) and all(c.lstrip("-").isdigit() for c in written)


def as_categories(column: TableColumn) -> TableColumn:
    """A numeric column seen as categories (``drift.features.X.categorical: true``)."""
    import numpy as np

    values = column.numbers()
    present = ~np.isnan(values)
    distinct, codes = np.unique(values[present], return_inverse=True)
    all_codes = np.full(len(values), -1, dtype=np.int64)
    all_codes[present] = codes
    labels = np.asarray([_number_text(v) for v in distinct], dtype=object)
    return TableColumn(name=column.name, type=column.type, categories=labels, codes=all_codes)


def as_text(column: TableColumn) -> Any:
    """Each row's value as text (an object array; None where missing)."""
    import numpy as np

    if column.numeric:
        values = column.numbers()
        return np.asarray(
            [None if math.isnan(v) else _number_text(v) for v in values.tolist()], dtype=object
        )
    labels = np.asarray([*column.categories, None], dtype=object)
    return labels[column.codes]  # code -1 picks the appended None


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass(frozen=True, kw_only=True)
class Sample:
    path: Path
    rows: int
    source_rows: int


def write_sample(source: Path, folder: Path, *, rows: int, seed: int) -> Sample:
    """At most ``rows`` rows of ``source`` drawn without replacement (seeded, in file
    order), as Parquet when pyarrow is installed, else CSV; the types survive in Parquet."""
    import numpy as np

    kind = table_format(source, role="drift reference")
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    if has_arrow():
        import pyarrow.parquet as pq

        table = _read_arrow(source, kind)
        total = table.num_rows
        if total > rows:
            table = table.take(np.sort(rng.choice(total, size=rows, replace=False)))
        target = folder / "reference.parquet"
        pq.write_table(table, target, compression="zstd")
        return Sample(path=target, rows=table.num_rows, source_rows=total)
    if kind == "parquet":
        raise InputError(f"{source}: reading Parquet needs pyarrow: pip install 'mlgate[drift]'")
    records = read_plain_rows(source, "csv")
    total = len(records)
    if total > rows:
        records = [records[i] for i in np.sort(rng.choice(total, size=rows, replace=False))]
    target = folder / "reference.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    return Sample(path=target, rows=len(records), source_rows=total)
