"""`mlgate.log_predictions`'s arguments as columns (one value per example, everywhere, or a
one-line usage error), the predictions file it writes, and how scoring samples rows and
keeps each model's scores for the job."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mlgate
from mlgate.core.dataset import Dataset
from mlgate.errors import UsageError
from mlgate.evaluate import scoring
from mlgate.evaluate.data import EvalData
from mlgate.evaluate.logged import prediction_columns
from mlgate.evaluate.scoring import Model, _cached, _keep, _key, _sample, cache_folder
from mlgate.files.config import Config, load_config
from mlgate.files.predictions import read_predictions, write_predictions


def columns(**overrides: object) -> dict[str, object]:
    arguments: dict[str, object] = {
        "predictions": [1, 0, 1],
        "scores": None,
        "slices": None,
    }
    arguments.update(overrides)
    return prediction_columns([10, 11, 12], [1, 0, 0], **arguments)  # type: ignore[arg-type]


def test_binary_predictions_and_scores_become_the_predictions_file_columns() -> None:
    found = columns(scores=np.array([0.9, 0.2, 0.6]), slices={"country": ["DE", "FR", "DE"]})
    assert list(found) == ["id", "label", "prediction", "score", "country"]
    assert found["score"].tolist() == [0.9, 0.2, 0.6]


def test_per_class_scores_from_a_mapping_or_a_dataframe() -> None:
    mapping = columns(predictions=None, scores={"a": [0.7, 0.2, 0.1], "b": [0.3, 0.8, 0.9]})
    assert [c for c in mapping if c.startswith("score")] == ["score_a", "score_b"]
    frame = columns(scores=pd.DataFrame({"a": [0.7, 0.2, 0.1], "b": [0.3, 0.8, 0.9]}))
    assert frame["score_b"].tolist() == [0.3, 0.8, 0.9]


def test_pandas_inputs_are_taken_as_values() -> None:
    found = prediction_columns(
        pd.Index([5, 6]), pd.Series([1, 0]), predictions=pd.Series([1, 1]), scores=None, slices=None
    )
    assert found["id"].tolist() == [5, 6] and found["prediction"].tolist() == [1, 1]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"predictions": None}, "give predictions=, scores= or both"),
        ({"predictions": [1, 0]}, "prediction has 2 values for 3 ids"),
        ({"scores": np.ones((3, 2))}, "per-class scores need their classes"),
        ({"scores": [[0.1], [0.2], [0.3]]}, "per-class scores need their classes"),
        ({"slices": {"label": [1, 2, 3]}}, "slice 'label' clashes with a column"),
        ({"slices": {"score_x": [1, 2, 3]}}, "clashes with a column"),
        ({"slices": {"country": ["DE"]}}, "country has 1 values for 3 ids"),
        ({"predictions": [[1], [0], [1]]}, "predictions must be one value per example"),
    ],
)
def test_each_wrong_argument_is_one_usage_error(overrides: dict[str, object], problem: str) -> None:
    with pytest.raises(UsageError) as raised:
        columns(**overrides)
    assert str(raised.value).startswith("mlgate.log_predictions: ")
    assert problem in str(raised.value)


def test_ids_must_be_unique_and_there_must_be_some() -> None:
    with pytest.raises(UsageError, match="ids must be unique"):
        prediction_columns([1, 1], [0, 1], predictions=[0, 1], scores=None, slices=None)
    with pytest.raises(UsageError, match="no examples"):
        prediction_columns([], [], predictions=[], scores=None, slices=None)


def test_outside_a_run_the_helper_says_where_to_call_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import mlflow

    monkeypatch.setenv("MLFLOW_TRACKING_URI", "sqlite:///:memory:")
    assert mlflow.active_run() is None
    with pytest.raises(
        UsageError, match=r"no active MLflow run; call it inside mlflow.start_run\(\)"
    ):
        mlgate.log_predictions([1], [0], predictions=[0])


@pytest.mark.parametrize("arrow", [True, False])
def test_the_written_file_reads_back_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arrow: bool
) -> None:
    if not arrow:
        import builtins

        real = builtins.__import__

        def no_arrow(name: str, *args: object, **kwargs: object) -> object:
            if name.startswith("pyarrow"):
                raise ImportError(name)
            return real(name, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(builtins, "__import__", no_arrow)
    data = columns(scores=np.array([1 / 3, 2 / 3, 0.1]), slices={"country": ["DE", None, "a,b"]})
    path = write_predictions(tmp_path, data)
    monkeypatch.undo()
    assert path.suffix == (".parquet" if arrow else ".csv")
    back = read_predictions(path, role="logged")
    assert back["id"].tolist() == [10, 11, 12]
    assert back["score"].tolist() == [1 / 3, 2 / 3, 0.1], "floats round-trip exactly"
    assert back["country"].tolist()[0] == "DE" and back["country"].tolist()[2] == "a,b"
    assert [p.name for p in tmp_path.iterdir()] == [path.name], "no temporary file left"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "mlgate.yml"
    path.write_text("model: m\nevaluation:\n  max_rows: 100\n  label: y\n", encoding="utf-8")
    return load_config(path)


def data(digest: str = "a" * 32) -> EvalData:
    return EvalData(dataset=Dataset(name="eval.csv", digest=digest), fetch=lambda: Path("eval.csv"))


def test_a_sample_is_deterministic_and_keeps_file_order() -> None:
    frame = pd.DataFrame({"x": range(1000)})
    first, second = _sample(frame, limit=100, seed=0), _sample(frame, limit=100, seed=0)
    assert first["x"].tolist() == second["x"].tolist()
    assert first["x"].tolist() == sorted(first["x"].tolist()) and len(first) == 100
    assert _sample(frame, limit=100, seed=1)["x"].tolist() != first["x"].tolist()
    assert _sample(frame, limit=None, seed=0) is frame
    assert _sample(frame, limit=5000, seed=0) is frame


def test_the_cache_key_changes_with_anything_that_changes_the_scores(config: Config) -> None:
    model = Model(uri="models:/m/3", run_id="r1", tracking_uri="http://registry")
    base = _key(model, data=data(), label="y", rows=100, config=config)
    assert base == _key(model, data=data(), label="y", rows=100, config=config)
    others = {
        _key(
            Model(uri="models:/m/4", run_id="r1"), data=data(), label="y", rows=100, config=config
        ),
        _key(
            Model(uri="models:/m/3", run_id="r2", tracking_uri="http://registry"),
            data=data(),
            label="y",
            rows=100,
            config=config,
        ),
        _key(model, data=data("b" * 32), label="y", rows=100, config=config),
        _key(model, data=data(), label="z", rows=100, config=config),
        _key(model, data=data(), label="y", rows=99, config=config),
    }
    assert base not in others and len(others) == 5


def test_scores_are_kept_for_the_job_and_a_damaged_entry_is_scored_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / "scores"
    kept = {"id": np.arange(3), "label": np.array([0, 1, 0]), "score": np.array([0.1, 0.9, 0.4])}
    _keep("k" * 32, kept)
    again = _cached("k" * 32)
    assert again is not None and again["score"].tolist() == [0.1, 0.9, 0.4]
    assert oct(cache_folder().stat().st_mode & 0o777) == "0o700", "scores are the user's own"
    (entry,) = cache_folder().iterdir()
    entry.write_bytes(b"not parquet")
    assert _cached("k" * 32) is None and not entry.exists()


def test_old_entries_are_pruned_when_new_ones_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_HOME", str(tmp_path / "home"))
    kept = {"id": np.arange(2), "label": np.array([0, 1])}
    _keep("old" + "0" * 29, kept)
    (old,) = cache_folder().iterdir()
    stale = old.stat().st_mtime - (scoring.CACHE_DAYS + 1) * 86_400
    os.utime(old, (stale, stale))
    _keep("new" + "0" * 29, kept)
    assert [p.name.split(".")[0][:3] for p in cache_folder().iterdir()] == ["new"]


def test_without_mlgate_home_the_cache_is_this_users_temporary_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MLGATE_HOME", raising=False)
    folder = cache_folder()
    assert folder.name == "scores" and folder.parent.name == f"mlgate-{os.getuid()}"


def test_a_cache_folder_someone_else_controls_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    (home / "scores").symlink_to(elsewhere)
    monkeypatch.setenv("MLGATE_HOME", str(home))
    _keep("k" * 32, {"id": np.arange(2), "label": np.array([0, 1])})
    assert list(elsewhere.iterdir()) == [], "nothing is written through a link"
    assert _cached("k" * 32) is None
