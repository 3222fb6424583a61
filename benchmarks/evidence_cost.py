"""What deciding on evidence adds to `mlgate evaluate`.

Logged route: two runs, each with 1,000,000 logged binary predictions and scores on the same
(simulated) evaluation set, in a local sqlite MLflow store with its artifacts on disk (the
embedded default). `evaluate` with `evaluation.predictions: auto` (download both artifacts,
pair them, every metric's interval) against `off` (the logged metrics only) on the same
runs, interleaved, medians of RUNS; target: at most 3 s added. The split of the added time
is measured by calling the same steps directly.

Scoring route: two scikit-learn models logged to the same store and a 100,000-row CSV of
evaluation data; the split — load both models, score both, pair and compute the intervals.

    .venv/bin/python benchmarks/evidence_cost.py [--rows 1000000] [--score-rows 100000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

RUNS = 3


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _logged_runs(folder: Path, rows: int) -> tuple[str, list[str], dict[str, Any], Any]:
    """Production and a candidate, each with ``rows`` logged predictions, and configs."""
    import mlflow

    from mlgate.adapters.registry import Registry, quiet_mlflow
    from mlgate.core.dataset import Dataset
    from mlgate.core.refs import RunRef
    from mlgate.evaluate.logged import keep_predictions, prediction_columns
    from mlgate.files.config import load_config

    quiet_mlflow()
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    registry = Registry(tracking_uri=uri)
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, rows)
    dataset = Dataset(name="eval", digest="e" * 32, origin="file")
    runs = []
    mlflow.set_tracking_uri(uri)
    experiment = mlflow.create_experiment("bench", artifact_location=folder.as_uri())
    for quality in (0.80, 0.81):
        right = rng.random(rows) < quality
        predicted = np.where(right, labels, 1 - labels)
        scores = np.clip(np.where(predicted == 1, 0.7, 0.3) + rng.normal(0, 0.1, rows), 0, 1)
        with mlflow.start_run(experiment_id=experiment) as run:
            mlflow.log_metric("eval_accuracy", float(np.mean(right)))
            # The gate checks a candidate is a logged model before judging it; the numbers
            # here come from the logged predictions, so a model's descriptor is enough.
            mlflow.log_text(
                "artifact_path: model\nflavors:\n  python_function: {loader_module: bench}\n",
                "model/MLmodel",
            )
        registry.log_dataset(run.info.run_id, dataset)
        columns = prediction_columns(
            np.arange(rows), labels, predictions=predicted, scores=scores, slices=None
        )
        keep_predictions(columns, run_id=run.info.run_id, registry=registry, dataset=dataset)
        runs.append(run.info.run_id)
    version = registry.candidate(
        RunRef(run_id=runs[0]), model="bench", register=True, prefix=None
    ).version
    assert version is not None
    registry.set_alias(model="bench", alias="champion", version=version)
    configs = {}
    for route in ("auto", "off"):
        path = folder / f"{route}.yml"
        path.write_text(
            "model: bench\nmetric_prefix: eval_\nmetrics:\n  accuracy: {max_drop: 0.01}\n"
            f"evaluation:\n  predictions: '{route}'\n",
            encoding="utf-8",
        )
        configs[route] = load_config(path)

    return uri, runs, configs, registry


def logged_route(folder: Path, rows: int) -> None:
    from mlgate.adapters.run_predictions import RunPredictions
    from mlgate.evaluate.outputs import ReportOptions
    from mlgate.evaluate.predictions import paired_metrics
    from mlgate.evaluate.registry import EvaluateRequest, evaluate
    from mlgate.files.predictions import read_predictions

    uri, runs, configs, registry = _logged_runs(folder, rows)

    def run_evaluate(route: str) -> None:
        result = evaluate(
            EvaluateRequest(
                tracking_uri=uri,
                model="bench",
                candidate=runs[1],
                baseline_alias="champion",
                metric_prefix="eval_",
                record=False,
            ),
            config=configs[route],
            verdict_path=folder / "verdict.json",
            report_path=folder / "report.md",
            options=ReportOptions(max_chars=65_536),
        )
        expected = "logged_predictions" if route == "auto" else "metric"
        assert result.verdict.evidence is not None
        assert result.verdict.evidence.source.value == expected

    times: dict[str, list[float]] = {"auto": [], "off": []}
    for _ in range(RUNS):
        for route in ("off", "auto"):
            times[route].append(timed(lambda r=route: run_evaluate(r)))  # type: ignore[misc]
    split: dict[str, list[float]] = {"download both": [], "read both": [], "pair + intervals": []}
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as work:
            started = time.perf_counter()
            found = [RunPredictions(registry).find(r, folder=Path(work) / r) for r in runs]
            split["download both"].append(time.perf_counter() - started)
            started = time.perf_counter()
            sides = [read_predictions(f.path, role="logged") for f in found if f is not None]
            split["read both"].append(time.perf_counter() - started)
            started = time.perf_counter()
            paired_metrics(sides[1], sides[0], config=configs["auto"], sources=("c", "b"))
            split["pair + intervals"].append(time.perf_counter() - started)
    auto, off = statistics.median(times["auto"]), statistics.median(times["off"])
    print(f"## Logged route: {rows:,} predictions per side (medians of {RUNS}, interleaved)\n")
    print("| evaluate with | seconds |")
    print("|---|---:|")
    print(f"| `evaluation.predictions: off` (logged metrics) | {off:.2f} |")
    print(f"| `auto` (logged predictions, paired intervals) | {auto:.2f} |")
    print(f"| **added** | **{auto - off:.2f}** |")
    print("\n| step (called directly) | seconds |")
    print("|---|---:|")
    for name, values in split.items():
        print(f"| {name} | {statistics.median(values):.2f} |")
    print(
        f"\n- {'meets' if auto - off <= 3 else 'MISSES'}: at most 3 s added ({auto - off:.2f} s)\n"
    )


def scoring_route(folder: Path, rows: int) -> None:
    import mlflow
    import pandas as pd
    import sklearn
    from sklearn.linear_model import LogisticRegression

    from mlgate.adapters.models import load_model
    from mlgate.adapters.registry import quiet_mlflow
    from mlgate.adapters.scoring import read_frame, score
    from mlgate.core.columns import ColumnNames
    from mlgate.evaluate.predictions import paired_metrics
    from mlgate.files.config import load_config

    quiet_mlflow()
    uri = f"sqlite:///{folder / 'scoring.db'}"
    rng = np.random.default_rng(1)
    features = [f"x{i}" for i in range(10)]
    frame = pd.DataFrame(rng.normal(size=(rows, 10)), columns=features)
    frame["label"] = (frame["x0"] + 0.5 * frame["x1"] + rng.normal(size=rows) > 0).astype(int)
    data = folder / "eval.csv"
    frame.to_csv(data, index=False)
    mlflow.set_tracking_uri(uri)
    experiment = mlflow.create_experiment("bench", artifact_location=folder.as_uri())
    uris = []
    for strength in (1.0, 0.1):
        model = LogisticRegression(C=strength).fit(frame[features][:5000], frame["label"][:5000])
        with mlflow.start_run(experiment_id=experiment) as run:
            mlflow.sklearn.log_model(
                model, name="model", pip_requirements=[f"scikit-learn=={sklearn.__version__}"]
            )
        uris.append(f"runs:/{run.info.run_id}/model")
    config_path = folder / "score.yml"
    config_path.write_text("model: bench\nmetrics:\n  accuracy: {max_drop: 0.01}\n")
    config = load_config(config_path)
    names = ColumnNames()
    split: dict[str, list[float]] = {
        "read the data": [],
        "load both models": [],
        "load and score both (what evaluate runs)": [],
        "pair + intervals": [],
    }
    for attempt in range(RUNS):
        work = folder / f"models-{attempt}"
        started = time.perf_counter()
        loaded = read_frame(data)
        split["read the data"].append(time.perf_counter() - started)
        started = time.perf_counter()
        for i, model_uri in enumerate(uris):
            load_model(model_uri, workdir=work / f"load-{i}")
        split["load both models"].append(time.perf_counter() - started)
        started = time.perf_counter()
        columns = [
            score(u, loaded, label="label", names=names, keep=(), workdir=work / f"score-{i}")
            for i, u in enumerate(uris)
        ]
        split["load and score both (what evaluate runs)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        paired_metrics(columns[0], columns[1], config=config, sources=tuple(uris), names=names)
        split["pair + intervals"].append(time.perf_counter() - started)
    print(f"## Scoring route: {rows:,} rows × 10 features, two logistic regressions\n")
    print(f"| step | seconds (median of {RUNS}) |")
    print("|---|---:|")
    for name, values in split.items():
        print(f"| {name} | {statistics.median(values):.2f} |")
    total = sum(statistics.median(split[k]) for k in split if k != "load both models")
    print(f"| **total** (without the separate load) | **{total:.2f}** |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--score-rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlgate-bench-") as folder:
        logged_route(Path(folder), args.rows)
        scoring_route(Path(folder), args.score_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
