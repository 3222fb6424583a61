"""Feature tables a batch at a time: CSV blocks with types fixed by the first block (a
whole-number column that later has decimals still streams), Parquet row groups, the size
estimate that decides, and bad cells named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlgate.errors import InputError
from mlgate.files.streaming import batches, layout


def test_csv_streams_in_blocks_and_a_whole_number_column_may_turn_decimal(tmp_path: Path) -> None:
    rows = [f"{i},{'a' if i % 3 else 'b'}\n" for i in range(60_000)]
    rows[-1] = "2.5,b\n"  # far past the first block
    path = tmp_path / "t.csv"
    path.write_text("count,plan\n" + "".join(rows))
    where = layout(path, role="current data")
    assert where.types == {"count": "integer", "plan": "string"} and where.rows is None
    tables = list(batches(where, columns=["count", "plan"], batch_rows=5_000))
    assert len(tables) > 3 and sum(t.rows for t in tables) == 60_000
    values = np.concatenate([t.columns["count"].numbers() for t in tables])
    assert values[-1] == 2.5 and values[:3].tolist() == [0.0, 1.0, 2.0]
    assert {t.columns["count"].type for t in tables} == {"integer"}
    plans = {c for t in tables for c in t.columns["plan"].categories}
    assert plans == {"a", "b"}


def test_a_text_cell_in_a_number_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("x\n" + "".join(f"{i}\n" for i in range(50_000)) + "oops\n")
    where = layout(path, role="current data")
    with pytest.raises(InputError, match=r"t\.csv: cannot read csv: .*oops"):
        list(batches(where, columns=["x"], batch_rows=5_000))


def test_parquet_streams_by_row_group_and_knows_its_size(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    table = pa.table({"x": np.arange(30_000, dtype=float), "c": ["p", "q"] * 15_000})
    pq.write_table(table, path, row_group_size=10_000)
    where = layout(path, role="drift reference")
    assert where.rows == 30_000 and where.estimated_bytes() == 30_000 * 2 * 8
    tables = list(batches(where, columns=["x", "c"], batch_rows=10_000))
    assert [t.rows for t in tables] == [10_000] * 3
    assert tables[2].columns["x"].numbers()[0] == 20_000


def test_a_column_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("x,x\n1,2\n")
    with pytest.raises(InputError, match="column 'x' appears more than once"):
        layout(path, role="current data")
