"""Scoring a saved model on evaluation data (the adapter re-scoring uses): real MLflow model
folders, no server. The columns are a predictions file's — probabilities under the score
column(s) when the model has them, slice columns kept — and a model that cannot be loaded
or misbehaves is a ScoringError saying which and why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlgate.adapters.scoring import ScoringError, read_frame, score
from mlgate.core.columns import ColumnNames
from mlgate.errors import InputError

NAMES = ColumnNames()


def data(rows: int = 200, classes: int = 2, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(rows, 2)), columns=["a", "b"])
    edges = np.quantile(frame["a"], np.linspace(0, 1, classes + 1)[1:-1])
    frame["target"] = np.searchsorted(edges, frame["a"] + rng.normal(scale=0.3, size=rows))
    frame["country"] = rng.choice(["DE", "FR"], size=rows)
    return frame


def save_sklearn(tmp_path: Path, name: str, model: Any) -> str:
    import mlflow.sklearn
    import sklearn

    folder = tmp_path / name
    mlflow.sklearn.save_model(
        model, str(folder), pip_requirements=[f"scikit-learn=={sklearn.__version__}"]
    )
    return str(folder)


def python_model(kind: str) -> Any:
    """A python_model as user code writes one: failing to predict, or with two outputs."""
    from mlflow.pyfunc import PythonModel

    class Broken(PythonModel):
        def predict(self, context, model_input, params=None):  # type: ignore[no-untyped-def]
            raise RuntimeError("feature store timeout\nwith a long second line")

    class TwoColumns(PythonModel):
        def predict(self, context, model_input, params=None):  # type: ignore[no-untyped-def]
            return np.zeros((len(model_input), 2))

    return Broken() if kind == "broken" else TwoColumns()


def save_python(tmp_path: Path, name: str, model: Any) -> str:
    import mlflow.pyfunc

    folder = tmp_path / name
    mlflow.pyfunc.save_model(str(folder), python_model=model, pip_requirements=["numpy"])
    return str(folder)


def scored(
    uri: str, frame: pd.DataFrame, tmp_path: Path, keep: tuple[str, ...] = ()
) -> dict[str, Any]:
    features = frame.drop(columns=["country"])
    return score(
        uri,
        features if not keep else frame,
        label="target",
        names=NAMES,
        keep=keep,
        workdir=tmp_path,
    )


def test_a_binary_classifier_gives_labels_predictions_and_the_positive_score(
    tmp_path: Path,
) -> None:
    from sklearn.linear_model import LogisticRegression

    frame = data()
    model = LogisticRegression().fit(frame[["a", "b"]], frame["target"])
    columns = scored(save_sklearn(tmp_path, "binary", model), frame, tmp_path)
    assert set(columns) == {NAMES.id, NAMES.label, NAMES.prediction, NAMES.score}
    assert columns[NAMES.id].tolist() == list(range(len(frame)))
    np.testing.assert_array_equal(columns[NAMES.prediction], model.predict(frame[["a", "b"]]))
    np.testing.assert_allclose(columns[NAMES.score], model.predict_proba(frame[["a", "b"]])[:, 1])


def test_a_multiclass_classifier_gives_one_score_column_per_class(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    frame = data(classes=3)
    model = LogisticRegression().fit(frame[["a", "b"]], frame["target"])
    columns = scored(save_sklearn(tmp_path, "multi", model), frame, tmp_path)
    assert {f"{NAMES.score}_{c}" for c in (0, 1, 2)} <= set(columns)
    total = sum(columns[f"{NAMES.score}_{c}"] for c in (0, 1, 2))
    np.testing.assert_allclose(total, 1.0)


def test_a_regressor_has_no_score_and_slice_columns_are_kept(tmp_path: Path) -> None:
    from sklearn.linear_model import LinearRegression

    frame = data()
    frame["target"] = frame["a"] * 2.0
    features = frame[["a", "b", "target", "country"]]
    model = LinearRegression().fit(frame[["a", "b"]], frame["target"])
    uri = save_sklearn(tmp_path, "regressor", model)
    columns = score(
        uri,
        features.drop(columns=["country"]),
        label="target",
        names=NAMES,
        keep=("country",),
        workdir=tmp_path,
    )
    assert NAMES.score not in columns and "country" not in columns, "only columns that exist"
    np.testing.assert_allclose(columns[NAMES.prediction], frame["target"], atol=1e-9)


def test_slice_columns_in_the_data_are_copied(tmp_path: Path) -> None:
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    frame = data()
    pipeline = make_pipeline(
        make_column_transformer(("passthrough", ["a", "b"])), LogisticRegression()
    ).fit(frame[["a", "b", "country"]], frame["target"])
    columns = score(
        save_sklearn(tmp_path, "pipeline", pipeline),
        frame,
        label="target",
        names=NAMES,
        keep=("country", "absent"),
        workdir=tmp_path,
    )
    assert columns["country"].tolist() == frame["country"].tolist()
    assert "absent" not in columns


def test_a_model_that_fails_to_predict_is_named_with_the_first_line(tmp_path: Path) -> None:
    uri = save_python(tmp_path, "broken", python_model("broken"))
    with pytest.raises(ScoringError) as raised:
        scored(uri, data(), tmp_path)
    assert str(raised.value) == f"{uri} failed to predict: feature store timeout"


def test_a_model_with_several_outputs_cannot_be_rescored(tmp_path: Path) -> None:
    uri = save_python(tmp_path, "two", python_model("two"))
    with pytest.raises(ScoringError, match="returns 2 values per example; re-scoring needs one"):
        scored(uri, data(), tmp_path)


def test_a_model_that_does_not_load_is_named(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ScoringError, match=r"cannot load .*empty"):
        scored(str(tmp_path / "empty"), data(), tmp_path)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_evaluation_data_in_each_format(tmp_path: Path, suffix: str) -> None:
    frame = data(rows=5)
    path = tmp_path / f"eval{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_json(path, orient="records", lines=True)
    read = read_frame(path)
    assert list(read.columns) == list(frame.columns) and len(read) == 5


def test_unreadable_evaluation_data_is_an_input_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "eval.parquet"
    path.write_bytes(b"PAR1 but not really")
    with pytest.raises(InputError) as raised:
        read_frame(path)
    assert str(raised.value).startswith(f"{path}: cannot read the evaluation data (")
    assert "\n" not in str(raised.value)
    with pytest.raises(InputError, match="cannot read the evaluation data"):
        read_frame(tmp_path / "missing.csv")
