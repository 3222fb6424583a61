"""Reading predictions files: pyarrow and the standard-library fallback agree, and every
problem names the file."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from mlgate.errors import InputError
from mlgate.files.predictions import read_predictions

CSV = "id,label,score,country\n7,1,0.9,DE\n8,0,0.25,FR\n9,1,,US\n"
JSONL = (
    '{"id": 7, "label": true, "score": 0.9, "country": "DE"}\n'
    '{"id": 8, "label": false, "score": 0.25, "country": "FR"}\n'
    '{"id": 9, "label": true, "score": null, "country": "US"}\n'
)


@pytest.fixture(params=["arrow", "plain"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "plain":  # a runtime install without the predictions extra
        monkeypatch.setitem(sys.modules, "pyarrow", None)
    return str(request.param)


@pytest.mark.parametrize(("name", "text"), [("p.csv", CSV), ("p.jsonl", JSONL)])
def test_columns_and_types(tmp_path: Path, reader: str, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    columns = read_predictions(path, role="candidate")
    assert columns["id"].tolist() == [7, 8, 9] and columns["id"].dtype == np.int64
    assert columns["label"].tolist() == [1, 0, 1]
    assert columns["score"][:2].tolist() == [0.9, 0.25] and np.isnan(columns["score"][2])
    assert columns["country"].tolist() == ["DE", "FR", "US"]


def test_parquet_without_pyarrow_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(
        InputError,
        match=r"p.parquet: reading Parquet needs pyarrow: pip install 'mlgate\[predictions\]'",
    ):
        read_predictions(path, role="candidate")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.xlsx", "x", "p.xlsx: candidate predictions must be CSV, Parquet or JSON Lines"),
        ("missing.csv", None, "missing.csv: candidate predictions not found"),
        ("p.parquet", "not parquet", "p.parquet: cannot read parquet: "),
        ("p.jsonl", '{"id": 1}\n{broken\n', "p.jsonl: cannot read jsonl: "),
    ],
)
def test_bad_files_name_the_file(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError) as caught:
        read_predictions(path, role="candidate")
    assert message in str(caught.value)
