"""`mlgate monitor --outcomes` against a real MLflow server: production's evaluation-time
numbers come from the predictions its evaluation logged (a sample: Newcombe intervals, and
prediction drift), else from the metrics recorded on its run (fixed numbers: the live side's
Wilson interval), and the report names which."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from registry_helpers import log_run, register

import mlgate
from mlgate.cli import cli

RULES = "monitor:\n  performance:\n    accuracy: {max_drop: 0.02}\n"


def sample(n: int, *, accuracy: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    right = rng.random(n) < accuracy
    predicted = np.where(right, labels, 1 - labels)
    scores = np.clip(np.where(predicted == 1, 0.7, 0.3) + rng.normal(0, 0.1, n), 0, 1)
    return labels, predicted, scores


def outcomes(path: Path, *, accuracy: float) -> None:
    labels, predicted, scores = sample(3000, accuracy=accuracy, seed=9)
    path.write_text(
        "id,label,prediction,score\n"
        + "".join(
            f"s{i},{y},{p},{s:.4f}\n"
            for i, (y, p, s) in enumerate(zip(labels, predicted, scores, strict=True))
        )
    )


def monitor(tmp_path: Path, server: str, model: str) -> dict[str, object]:
    (tmp_path / "mlgate.yml").write_text(f"model: {model}\n" + RULES)
    result = CliRunner().invoke(
        cli,
        ["monitor", "--outcomes", "outcomes.csv", "--tracking-uri", server, "--platform", "local"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return dict(json.loads((tmp_path / "mlgate-monitor.json").read_text()))


def test_logged_predictions_are_the_reference(
    tmp_path: Path, mlflow_server: str, model_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlflow

    monkeypatch.chdir(tmp_path)
    run = log_run(mlflow_server, metrics={"accuracy": 0.91})
    labels, predicted, scores = sample(2000, accuracy=0.91, seed=1)
    mlflow.set_tracking_uri(mlflow_server)
    mlgate.log_predictions(
        [f"e{i}" for i in range(2000)],
        labels,
        predictions=predicted,
        scores=scores,
        run_id=run.run_id,
    )
    version = register(mlflow_server, run, model_name, alias="champion")
    outcomes(tmp_path / "outcomes.csv", accuracy=0.85)
    data = monitor(tmp_path, mlflow_server, model_name)
    performance = data["performance"]
    assert isinstance(performance, dict)
    assert performance["version"] == version
    assert performance["reference"] == (
        f"models:/{model_name}@champion (version {version}): its evaluation-time predictions"
    )
    accuracy = performance["metrics"][0]
    assert accuracy["ci"]["method"] == "Newcombe (Wilson)"
    assert accuracy["reference"] == pytest.approx(float(np.mean(labels == predicted)))
    assert data["degraded"] == ["accuracy"]
    assert {f["name"] for f in data["outputs"]} == {"score", "label"}  # type: ignore[union-attr]


def test_recorded_metrics_are_the_reference_without_logged_predictions(
    tmp_path: Path, mlflow_server: str, model_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    run = log_run(mlflow_server, metrics={"accuracy": 0.95})
    version = register(mlflow_server, run, model_name, alias="champion")
    outcomes(tmp_path / "outcomes.csv", accuracy=0.94)
    data = monitor(tmp_path, mlflow_server, model_name)
    performance = data["performance"]
    assert isinstance(performance, dict)
    assert performance["reference"].endswith(f"(version {version}): its recorded metrics")
    accuracy = performance["metrics"][0]
    assert accuracy["reference"] == 0.95 and accuracy["ci"]["method"] == "Wilson"
    assert data["outputs"] == []  # no sample to compare the outputs with

    # The drift reference stored with the version (as `mlgate promote` does) has the label:
    # the labels' drift is measured against it.
    from mlgate.adapters.references import References
    from mlgate.adapters.registry import Registry
    from mlgate.files.tables import write_sample

    labels, _, _ = sample(1000, accuracy=0.9, seed=4)
    (tmp_path / "train.csv").write_text(
        "tenure,label\n" + "".join(f"{i % 17},{y}\n" for i, y in enumerate(labels))
    )
    stored = write_sample(tmp_path / "train.csv", tmp_path / "sample", rows=500, seed=0)
    References(Registry(tracking_uri=mlflow_server)).store(
        model=model_name, version=version, sample=stored, source="train.csv"
    )
    again = monitor(tmp_path, mlflow_server, model_name)
    assert [f["name"] for f in again["outputs"]] == ["label"]  # type: ignore[index]
