"""Re-scoring production on the candidate's data, with real models saved as MLflow
folders (no server): the numbers equal scikit-learn's, names follow the gate's, and
every reason it cannot be done is said."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mlgate.core.dataset import Dataset
from mlgate.core.metricset import MetricSet
from mlgate.core.provenance import Outcome
from mlgate.core.verdict import Identity
from mlgate.errors import InputError
from mlgate.evaluate.data import locate
from mlgate.evaluate.rescoring import Settled, settle
from mlgate.evaluate.scoring import Model
from mlgate.files.config import load_config

FEATURES = ["a", "b"]
NOV = Dataset(name="nov", digest="1" * 32)
OCT = Dataset(name="oct", digest="2" * 32)


def frame(seed: int, rows: int = 300, classes: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(rng.normal(size=(rows, 2)), columns=FEATURES)
    signal = data["a"] + rng.normal(scale=0.7, size=rows)
    edges = np.quantile(signal, np.linspace(0, 1, classes + 1)[1:-1])
    data["target"] = np.searchsorted(edges, signal)
    return data


def saved(tmp_path: Path, name: str, model: object) -> str:
    import mlflow.sklearn
    import sklearn

    folder = tmp_path / name
    # Naming the requirements skips MLflow's inference of them (a subprocess, ~13 s).
    mlflow.sklearn.save_model(
        model, str(folder), pip_requirements=[f"scikit-learn=={sklearn.__version__}"]
    )
    return str(folder)


def config(tmp_path: Path, metrics: str, extra: str = "") -> object:
    path = tmp_path / "mlgate.yml"
    path.write_text(f"model: m\nmetrics:\n{metrics}evaluation:\n  label: target\n{extra}")
    return load_config(path)


def sides(ours: Dataset | None, theirs: Dataset | None) -> tuple[MetricSet, MetricSet]:
    return (
        MetricSet(identity=Identity(label="c", dataset=ours), metrics={"auc": 0.5, "latency": 3}),
        MetricSet(identity=Identity(label="b", dataset=theirs), metrics={"auc": 0.4, "latency": 2}),
    )


def as_models(candidate: str, production: str) -> tuple[Model, Model]:
    return Model(uri=candidate), Model(uri=production)


def rescored(
    tmp_path: Path, models: tuple[str, str], cfg: object, production_data: Dataset | None
) -> Settled:
    """Both models settled on tmp_path/eval.csv, production recorded on ``production_data``."""
    ours, theirs = sides(NOV, production_data)
    return settle(
        candidate=ours,
        baseline=theirs,
        models=as_models(*models),
        data=locate(str(tmp_path / "eval.csv"), name=None, workdir=tmp_path, what="x"),
        config=cfg,  # type: ignore[arg-type]
    )


@pytest.fixture
def models(tmp_path: Path) -> tuple[str, str, object, object]:
    from sklearn.linear_model import LogisticRegression

    train = frame(1)
    weak = LogisticRegression(C=0.001).fit(train[["b"]].assign(a=0.0)[FEATURES], train["target"])
    strong = LogisticRegression().fit(train[FEATURES], train["target"])
    return saved(tmp_path, "candidate", strong), saved(tmp_path, "production", weak), strong, weak


def test_different_data_is_rescored_under_the_gated_names(tmp_path: Path, models: tuple) -> None:
    from sklearn.metrics import accuracy_score, roc_auc_score

    candidate_uri, production_uri, strong, weak = models
    data = frame(2)
    data.to_csv(tmp_path / "eval.csv", index=False)
    cfg = config(tmp_path, "  auc: {max_drop: 0.01}\n  accuracy_score: {}\n  latency: {}\n")
    settled = rescored(tmp_path, (candidate_uri, production_uri), cfg, OCT)
    assert settled.comparison.outcome is Outcome.RESCORED
    assert settled.comparison.rescored == ("auc", "accuracy_score")
    assert settled.comparison.not_rescored == ("latency",)
    for metrics, model in ((settled.candidate.metrics, strong), (settled.baseline.metrics, weak)):
        scores = model.predict_proba(data[FEATURES])[:, 1]
        assert metrics["auc"] == pytest.approx(roc_auc_score(data["target"], scores))
        assert metrics["accuracy_score"] == pytest.approx(
            accuracy_score(data["target"], model.predict(data[FEATURES]))
        )
    assert settled.baseline.metrics["latency"] == 2  # kept: it could not be re-scored
    assert settled.predicted is not None and settled.predicted.examples == len(data)


def test_unrecorded_production_data_is_rescored_too(tmp_path: Path, models: tuple) -> None:
    candidate_uri, production_uri, _, _ = models
    frame(3).to_csv(tmp_path / "eval.csv", index=False)
    settled = rescored(
        tmp_path, (candidate_uri, production_uri), config(tmp_path, "  accuracy: {}\n"), None
    )
    assert settled.comparison.outcome is Outcome.RESCORED
    assert settled.comparison.baseline is None


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("rescore off", "evaluation.rescore is false"),
        ("no models", "the models are not in a registry to load them from"),
        ("no data", "the candidate's evaluation data is not available here (set evaluation.data)"),
        ("unloadable", "cannot load"),
        ("nothing computable", "none of the gated metrics can be computed from predictions"),
        ("unreadable data", "cannot read the evaluation data"),
    ],
)
def test_every_reason_it_cannot_be_done_is_said(
    tmp_path: Path, models: tuple, case: str, reason: str
) -> None:
    candidate_uri, production_uri, _, _ = models
    data = frame(2)
    data.to_csv(tmp_path / "eval.csv", index=False)
    if case == "unreadable data":
        (tmp_path / "eval.csv").write_bytes(b"\x00\xff" * 10)
        (tmp_path / "eval.csv").rename(tmp_path / "eval.parquet")
    metrics = "  latency: {}\n" if case == "nothing computable" else "  accuracy: {}\n"
    extra = "  rescore: false\n" if case == "rescore off" else ""
    path = tmp_path / ("eval.parquet" if case == "unreadable data" else "eval.csv")
    located = locate(str(path), name=None, workdir=tmp_path, what="x")
    model_uris = (candidate_uri, production_uri)
    if case == "unloadable":
        model_uris = (candidate_uri, str(tmp_path))
    ours, theirs = sides(NOV, OCT)
    settled = settle(
        candidate=ours,
        baseline=theirs,
        models=None if case == "no models" else as_models(*model_uris),
        data=None if case == "no data" else located,
        config=config(tmp_path, metrics, extra),  # type: ignore[arg-type]
    )
    assert settled.comparison.outcome is Outcome.REFUSED
    assert settled.comparison.reason is not None and reason in settled.comparison.reason
    assert settled.baseline is theirs  # nothing merged


def test_a_label_column_the_config_names_and_the_data_lacks_is_an_input_error(
    tmp_path: Path, models: tuple
) -> None:
    candidate_uri, production_uri, _, _ = models
    frame(2).drop(columns=["target"]).to_csv(tmp_path / "eval.csv", index=False)
    ours, theirs = sides(NOV, OCT)
    with pytest.raises(InputError, match=r"evaluation\.label: eval\.csv has no column 'target'"):
        settle(
            candidate=ours,
            baseline=theirs,
            models=as_models(candidate_uri, production_uri),
            data=locate(str(tmp_path / "eval.csv"), name=None, workdir=tmp_path, what="x"),
            config=config(tmp_path, "  accuracy: {}\n"),  # type: ignore[arg-type]
        )


def test_a_candidate_that_does_not_load_is_an_input_error(tmp_path: Path, models: tuple) -> None:
    _, production_uri, _, _ = models
    frame(2).to_csv(tmp_path / "eval.csv", index=False)
    (tmp_path / "broken").mkdir()
    ours, theirs = sides(NOV, OCT)
    with pytest.raises(InputError, match="the candidate does not load: cannot load"):
        settle(
            candidate=ours,
            baseline=theirs,
            models=as_models(str(tmp_path / "broken"), production_uri),
            data=locate(str(tmp_path / "eval.csv"), name=None, workdir=tmp_path, what="x"),
            config=config(tmp_path, "  accuracy: {}\n"),  # type: ignore[arg-type]
        )


def test_same_data_is_never_rescored(tmp_path: Path) -> None:
    ours, theirs = sides(NOV, NOV)
    settled = settle(
        candidate=ours,
        baseline=theirs,
        models=as_models("/nonexistent/a", "/nonexistent/b"),
        data=None,
        config=config(tmp_path, "  accuracy: {}\n"),  # type: ignore[arg-type]
    )
    assert settled.comparison.outcome is Outcome.SAME
    assert settled.candidate is ours and settled.predicted is None


def test_regression_models_are_rescored_with_error_metrics(tmp_path: Path) -> None:
    from sklearn.linear_model import LinearRegression
    from sklearn.metrics import mean_absolute_error

    train, data = frame(1), frame(2)
    data["target"] = data["a"] * 2.5 + 0.1
    good = LinearRegression().fit(train[FEATURES], train["a"] * 2.5)
    bad = LinearRegression().fit(train[FEATURES], train["b"])
    data.to_csv(tmp_path / "eval.csv", index=False)
    ours, theirs = sides(NOV, OCT)
    settled = settle(
        candidate=ours,
        baseline=theirs,
        models=as_models(saved(tmp_path, "good", good), saved(tmp_path, "bad", bad)),
        data=locate(str(tmp_path / "eval.csv"), name=None, workdir=tmp_path, what="x"),
        config=config(tmp_path, "  mean_absolute_error: {higher_is_better: false}\n"),  # type: ignore[arg-type]
    )
    assert settled.comparison.rescored == ("mean_absolute_error",)
    expected = mean_absolute_error(data["target"], bad.predict(data[FEATURES]))
    assert settled.baseline.metrics["mean_absolute_error"] == pytest.approx(expected)
