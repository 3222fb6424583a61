"""Feature tables: CSV and Parquet, with pyarrow and the standard-library fallback, into
numbers and categories; gaps, booleans, dictionaries, chunked columns; bad files; the
sample that promotion stores; and no pandas import on the way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mlgate.errors import InputError
from mlgate.files.tables import as_text, read_table, write_sample

CSV = "age,country,active,score,when\n31,DE,true,0.5,2026-01-01\n,FR,false,,2026-01-02\n40,,true,1.5,2026-01-03\n"


@pytest.fixture(params=["arrow", "plain"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "plain":
        monkeypatch.setitem(sys.modules, "pyarrow", None)
    return str(request.param)


def test_csv_columns(tmp_path: Path, reader: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(CSV)
    table = read_table(path, role="current data")
    assert table.rows == 3
    age = table.columns["age"]
    assert age.type == "integer" and np.isnan(age.numbers()[1]) and age.numbers()[2] == 40
    country = table.columns["country"]
    assert list(as_text(country)) == ["DE", "FR", None]  # an empty cell is missing
    assert table.columns["score"].type == "float"
    if reader == "arrow":
        assert table.columns["active"].type == "boolean"
        assert list(as_text(table.columns["active"])) == ["true", "false", "true"]
        assert table.columns["when"].temporal
    else:  # the standard library sees text
        assert table.columns["active"].type == "string"


def test_parquet_types_gaps_dictionaries_and_chunks(tmp_path: Path) -> None:
    first = pa.table(
        {
            "n": pa.array([1, None, 3], pa.int32()),
            "f": pa.array([1.5, None, 2.5], pa.float32()),
            "u": pa.array([7, 8, 9], pa.uint8()),
            "b": pa.array([True, None, False]),
            "c": pa.array(["x", None, "y"]).dictionary_encode(),
            "s": pa.array(["p", "q", None]),
        }
    )
    second = pa.table(
        {
            "n": pa.array([4], pa.int32()),
            "f": pa.array([None], pa.float32()),
            "u": pa.array([1], pa.uint8()),
            "b": pa.array([True]),
            "c": pa.array(["z"]).dictionary_encode(),  # a different dictionary
            "s": pa.array(["q"]),
        }
    )
    path = tmp_path / "t.parquet"
    with pq.ParquetWriter(path, first.schema) as writer:
        writer.write_table(first)
        writer.write_table(second)
    table = read_table(path, role="reference")
    assert table.rows == 4
    assert table.types() == {
        "n": "integer",
        "f": "float",
        "u": "integer",
        "b": "boolean",
        "c": "string",
        "s": "string",
    }
    assert np.array_equal(table.columns["n"].numbers(), [1, np.nan, 3, 4], equal_nan=True)
    assert np.array_equal(table.columns["f"].numbers(), [1.5, np.nan, 2.5, np.nan], equal_nan=True)
    assert list(table.columns["u"].numbers()) == [7, 8, 9, 1]
    assert list(as_text(table.columns["b"])) == ["true", None, "false", "true"]
    assert list(as_text(table.columns["c"])) == ["x", None, "y", "z"]
    assert list(as_text(table.columns["s"])) == ["p", "q", None, "q"]


def test_parquet_without_pyarrow_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"a": [1]}), path)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(InputError, match=r"t.parquet: reading Parquet needs pyarrow"):
        read_table(path, role="reference")


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("t.txt", "a\n1\n", "must be CSV or Parquet"),
        ("missing.csv", None, "reference not found"),
        ("t.parquet", "not parquet at all", "cannot read parquet"),
        ("t.csv", "a,b\n1,2,3\n", "cannot read csv"),
    ],
)
def test_bad_files_name_the_file(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=f"{name}: .*{message}|{name}: {message}"):
        read_table(path, role="reference")


def test_sample_is_capped_seeded_and_keeps_types(tmp_path: Path, reader: str) -> None:
    source = tmp_path / "train.csv"
    source.write_text("id,x,c\n" + "".join(f"{i},{i * 0.5},k{i % 3}\n" for i in range(1000)))
    first = write_sample(source, tmp_path / "a", rows=100, seed=7)
    again = write_sample(source, tmp_path / "b", rows=100, seed=7)
    assert (first.rows, first.source_rows) == (100, 1000)
    assert first.path.read_bytes() == again.path.read_bytes()
    assert first.path.suffix == (".parquet" if reader == "arrow" else ".csv")
    table = read_table(first.path, role="reference")
    ids = table.columns["id"].numbers()
    assert len(ids) == 100 and list(ids) == sorted(ids)  # file order kept
    whole = write_sample(source, tmp_path / "c", rows=5000, seed=7)
    assert whole.rows == 1000


def test_reading_parquet_does_not_import_pandas(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(
        pa.table({"x": pa.array([1.0, None]), "c": pa.array(["a", None]), "b": [True, False]}),
        path,
    )
    code = (
        "import sys; from pathlib import Path; from mlgate.files.tables import read_table; "
        f"read_table(Path({str(path)!r}), role='r'); "
        "print('pandas' in sys.modules, 'pyarrow.compute' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
