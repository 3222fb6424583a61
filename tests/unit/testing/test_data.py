"""The model tests' building blocks: the ``eval_data`` fixture's reader (every format, and a
one-line error naming the file for each way a file can be wrong) and how predictions are
taken, shaped, compared and shown in failure messages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlgate.testing.data import DataError, check_data_path, read_table
from mlgate.testing.predictions import (
    ModelTestFailure,
    changed_mask,
    outputs,
    percent,
    predict_fn,
    row_labels,
    select_output,
    show,
)

FRAME = pd.DataFrame({"tenure": [1.0, 2.5, 4.0], "plan": ["basic", "pro", "basic"]})


@pytest.mark.parametrize(
    "name", ["d.csv", "d.parquet", "d.pq", "d.jsonl", "d.ndjson", "d.json", "D.CSV"]
)
def test_every_format_reads_to_the_same_frame(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    suffix = path.suffix.lower()
    if suffix == ".csv":
        FRAME.to_csv(path, index=False)
    elif suffix in (".parquet", ".pq"):
        FRAME.to_parquet(path, index=False)
    elif suffix in (".jsonl", ".ndjson"):
        FRAME.to_json(path, orient="records", lines=True)
    else:
        FRAME.to_json(path, orient="records")
    pd.testing.assert_frame_equal(read_table(path), FRAME)


def test_an_unknown_format_is_refused_before_any_test_runs(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"d\.xlsx: unknown data format '\.xlsx'; use \.csv"):
        check_data_path(tmp_path / "d.xlsx")
    with pytest.raises(DataError, match=r"unknown data format '\(none\)'"):
        check_data_path(tmp_path / "data")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"gone\.csv: data file not found"):
        check_data_path(tmp_path / "gone.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(DataError, match="data file not found"):
        check_data_path(tmp_path / "folder.csv")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("bad.parquet", b"not parquet at all", "not valid Parquet"),
        ("bad.json", b"{oops", "not valid JSON records"),
        ("bad.jsonl", b'{"a": 1}\n{broken\n', "not valid JSON Lines"),
        ("bad.csv", b'a,b\n1,"unterminated\n', "not valid CSV"),
        ("empty.csv", b"", "not valid CSV"),
    ],
)
def test_a_malformed_file_is_one_line_naming_it(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError) as raised:
        read_table(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: {problem}")
    assert "\n" not in message and len(message) < len(str(path)) + 240


class Scorer:
    def predict(self, data: pd.DataFrame) -> np.ndarray:
        return np.asarray(data["tenure"]) * 2


def test_the_prediction_function_is_the_given_one_the_models_or_the_model() -> None:
    def given(data: object) -> list[int]:
        return [0]

    assert predict_fn(Scorer(), given) is given
    scorer = Scorer()
    assert predict_fn(scorer, None).__self__ is scorer  # type: ignore[attr-defined]
    assert predict_fn(given, None) is given
    with pytest.raises(TypeError, match="int has no predict"):
        predict_fn(3, None)


def test_outputs_are_one_row_per_example() -> None:
    column = outputs(lambda d: pd.DataFrame({"p": [0.1, 0.9]}), None)
    assert column.shape == (2,)
    assert outputs(lambda d: pd.Series([1, 0]), None).tolist() == [1, 0]
    assert outputs(lambda d: 0.5, None).tolist() == [0.5]
    assert outputs(lambda d: np.ones((3, 2)), None).shape == (3, 2)


def test_a_model_that_drops_examples_fails_the_test() -> None:
    with pytest.raises(ModelTestFailure, match="returned 2 predictions for 3 examples"):
        outputs(lambda d: [1, 0], None, expected_rows=3)


def test_selecting_one_output_of_many() -> None:
    many = np.array([[0.2, 0.8], [0.6, 0.4]])
    assert select_output(many, 1, what="x").tolist() == [0.8, 0.4]
    assert select_output(np.array([1, 2]), None, what="x").tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="returns 2 values per example; say which"):
        select_output(many, None, what="x")
    with pytest.raises(ValueError, match="one value per example; drop output="):
        select_output(np.array([1, 2]), 1, what="x")
    with pytest.raises(ValueError, match="must be a column index"):
        select_output(many, "p", what="x")
    with pytest.raises(ValueError, match="needs numeric predictions"):
        select_output(np.array(["yes", "no"]), None, what="x")


def test_what_changed_under_a_perturbation() -> None:
    before = np.array([0.5, 0.7, np.nan])
    assert changed_mask(before, np.array([0.5 + 1e-9, 0.9, np.nan]), atol=1e-6).tolist() == [
        False,
        True,
        False,
    ]
    labels = np.array(["a", "b"])
    assert changed_mask(labels, np.array(["a", "c"]), atol=0).tolist() == [False, True]
    rows = np.array([[0.1, 0.9], [0.3, 0.7]])
    assert changed_mask(rows, np.array([[0.1, 0.9], [0.7, 0.3]]), atol=1e-6).tolist() == [
        False,
        True,
    ]
    with pytest.raises(ModelTestFailure, match="changed shape"):
        changed_mask(rows, np.array([1, 2]), atol=0)


def test_examples_are_named_by_their_index_label() -> None:
    frame = FRAME.set_index(pd.Index(["u1", "u2", "u3"]))
    assert row_labels(frame, 3) == ["u1", "u2", "u3"]
    assert row_labels(np.zeros(3), 3) == [0, 1, 2]
    assert row_labels(frame, 2) == [0, 1], "a count that does not match: positions"


def test_predictions_are_shown_short() -> None:
    assert show(0.31415926535) == "0.3142"
    assert show(np.float32(2.5)) == "2.5"
    assert show(np.int64(3)) == "3"
    assert show(np.arange(10) / 10) == "[0, 0.1, 0.2, 0.3, 0.4, 0.5]"
    assert show("pro") == "pro"
    assert percent(1, 3) == "33.3%" and percent(0, 0) == "0%"


def test_json_records_with_nested_values_stay_objects(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([{"id": 1, "tags": ["a", "b"]}]), encoding="utf-8")
    assert read_table(path)["tags"][0] == ["a", "b"]
