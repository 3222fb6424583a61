"""Feature tables read a batch at a time, for data larger than the memory budget: Parquet
by row groups (``iter_batches``), CSV by blocks (pyarrow's streaming reader). Each batch
comes back as a :class:`Table` of the rows it holds, so the drift code measures a batch
exactly as it measures a whole table. Needs pyarrow (the ``drift`` extra).

CSV types are inferred from the first block; whole-number columns are then read as
floats, so a later block with a decimal point does not break the stream (the column is
still reported as ``integer``). A cell that is not a number in a number column is an
InputError naming the file and the column.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.core.refs import first_line
from mlgate.errors import InputError
from mlgate.files.headers import check_header
from mlgate.files.tables import Table, arrow_column, arrow_type, table_format

# In-memory bytes per value once read (float64 numbers, int64 category codes), and the
# bytes on disk a CSV cell takes, roughly: how a file's size in memory is estimated.
BYTES_PER_VALUE = 8
CSV_BYTES_PER_CELL = 6


@dataclass(frozen=True, kw_only=True)
class Layout:
    path: Path
    kind: str
    types: dict[str, str]  # column → type name, as Table.types()
    rows: int | None  # known up front for Parquet

    def estimated_bytes(self) -> int:
        if self.rows is not None:
            return self.rows * len(self.types) * BYTES_PER_VALUE
        cells = os.path.getsize(self.path) / CSV_BYTES_PER_CELL
        return int(cells * BYTES_PER_VALUE)


def layout(path: Path, *, role: str) -> Layout:
    kind = table_format(path, role=role)
    import pyarrow as pa

    try:
        if kind == "parquet":
            import pyarrow.parquet as pq

            handle = pq.ParquetFile(path, memory_map=True)
            schema = handle.schema_arrow
            rows: int | None = handle.metadata.num_rows
        else:
            schema = _csv_reader(path, column_types=None, block_rows=1 << 14).schema
            rows = None
        names = schema.names  # decoded here: a header that is not UTF-8 fails now
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise InputError(f"{path}: cannot read {kind}: {first_line(exc, limit=200)}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: cannot read {kind}: it is not UTF-8 text") from None
    check_header(path, names)
    types = {}
    for field in schema:
        kind_ = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        types[field.name] = arrow_type(kind_, pa)
    return Layout(path=path, kind=kind, types=types, rows=rows)


def batches(where: Layout, *, columns: list[str], batch_rows: int) -> Iterator[Table]:
    """``columns`` of the file, ``batch_rows`` rows (about) at a time."""
    import pyarrow as pa

    path = where.path
    try:
        if where.kind == "parquet":
            import pyarrow.parquet as pq

            text = [c for c in columns if where.types.get(c) == "string"]
            handle = pq.ParquetFile(path, memory_map=False, read_dictionary=text, pre_buffer=False)
            stream: Any = handle.iter_batches(batch_size=batch_rows, columns=columns)
        else:
            numbers = {
                c: pa.float64() for c in columns if where.types.get(c) in ("integer", "float")
            }
            stream = _csv_reader(path, column_types=numbers, block_rows=batch_rows, include=columns)
        for batch in stream:
            yield _table(path, batch, where.types)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError) as exc:
        raise InputError(
            f"{path}: cannot read {where.kind}: {first_line(exc, limit=200)}"
        ) from None


def _table(path: Path, batch: Any, types: dict[str, str]) -> Table:
    import pyarrow as pa

    columns = {}
    for name in batch.schema.names:
        column = arrow_column(name, pa.chunked_array([batch.column(name)]))
        columns[name] = _retyped(column, types.get(name, column.type))
    return Table(path=path, rows=batch.num_rows, columns=columns)


def _retyped(column: Any, type_name: str) -> Any:
    from dataclasses import replace

    return column if column.type == type_name else replace(column, type=type_name)


def _csv_reader(
    path: Path,
    *,
    column_types: dict[str, Any] | None,
    block_rows: int,
    include: list[str] | None = None,
) -> Any:
    import pyarrow.csv as pa_csv

    # A block of about block_rows rows, from the file's bytes per row.
    size = os.path.getsize(path)
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    per_row = max(len(head) / max(head.count(b"\n"), 1), 1.0)
    block = int(min(max(per_row * block_rows, 1 << 16), max(size, 1 << 16), 1 << 30))
    options = pa_csv.ConvertOptions(
        auto_dict_encode=True,
        auto_dict_max_cardinality=2**31 - 1,
        strings_can_be_null=True,
        column_types=column_types or {},
        include_columns=include or [],
    )
    return pa_csv.open_csv(
        path, read_options=pa_csv.ReadOptions(block_size=block), convert_options=options
    )
