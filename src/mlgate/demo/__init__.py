"""``mlgate demo``: the whole job on a laptop — a local MLflow store, two real models,
production marked by an alias, the candidate evaluated against it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from mlgate.core.dataset import Dataset
from mlgate.core.refs import RunRef
from mlgate.errors import UsageError
from mlgate.evaluate.registry import EvaluateRequest, Evaluation, evaluate
from mlgate.files.config import Config
from mlgate.files.documents import parse_yaml

MARKER = ".mlgate-demo-store"


def demo_config_text() -> str:
    return resources.files("mlgate.demo").joinpath("mlgate.yml").read_text("utf-8")


def run_demo(folder: Path, *, progress: Callable[[str], None]) -> Evaluation:
    """Reset the demo store in ``folder``, train, register, evaluate; files land in ``folder``."""
    from mlgate.adapters.demo_models import train_and_log
    from mlgate.adapters.registry import Registry, quiet_mlflow
    from mlgate.evaluate.outputs import ReportOptions
    from mlgate.files.config import parse_config

    quiet_mlflow()

    store = _reset_store(folder)
    config_path = folder / "mlgate.yml"
    config_path.write_text(demo_config_text(), encoding="utf-8")
    config = parse_config(parse_yaml(demo_config_text(), source=str(config_path)), base_dir=folder)
    assert config.model is not None
    tracking_uri = f"sqlite:///{store / 'mlflow.db'}"
    progress(f"local MLflow store: {tracking_uri}")

    production = train_and_log(
        tracking_uri=tracking_uri,
        artifact_root=store / "artifacts",
        regularisation=0.05,
        label="production",
        progress=progress,
    )
    registry = Registry(tracking_uri=tracking_uri)
    _log_predictions(production, registry=registry, progress=progress)
    registered = registry.candidate(
        RunRef(run_id=production.run_id), model=config.model, register=True, prefix=None
    )
    assert registered.version is not None
    registry.set_alias(model=config.model, alias=config.baseline_alias, version=registered.version)
    progress(
        f"registered production as {config.model} version {registered.version} "
        f"@{config.baseline_alias}"
    )
    _store_reference(folder, config=config, registry=registry, version=registered.version)
    progress(f"stored a sample of {config.drift.reference} with version {registered.version}")
    dataset = _record_eval_data(config, registry=registry, run_id=production.run_id)
    progress(f"recorded {dataset.describe()} as production's evaluation data")

    candidate = train_and_log(
        tracking_uri=tracking_uri,
        artifact_root=store / "artifacts",
        regularisation=1.0,
        label="candidate",
        progress=progress,
    )
    _log_predictions(candidate, registry=registry, progress=progress)
    _model_tests(
        folder,
        config=config,
        candidate=candidate.model_uri,
        tracking_uri=tracking_uri,
        progress=progress,
    )
    progress("evaluating the candidate against production…")
    return evaluate(
        EvaluateRequest(
            tracking_uri=tracking_uri,
            model=config.model,
            candidate=candidate.model_uri,
            register=True,
            baseline_alias=config.baseline_alias,
            metric_prefix=config.metric_prefix,
        ),
        config=config,
        verdict_path=folder / "verdict.json",
        report_path=folder / "report.md",
        options=ReportOptions(max_chars=config.report.max_chars, chart=config.report.chart),
    )


def _log_predictions(trained: Any, *, registry: Any, progress: Callable[[str], None]) -> None:
    """The held-out predictions, kept with the run as an evaluation script does with
    ``mlgate.log_predictions``: the ids are the golden set's row positions."""
    from mlgate.evaluate.logged import keep_predictions, prediction_columns

    columns = prediction_columns(
        range(len(trained.labels)),
        trained.labels,
        predictions=trained.predicted,
        scores=trained.scores,
        slices=None,
    )
    uri = keep_predictions(columns, run_id=trained.run_id, registry=registry)
    progress(f"logged {len(trained.labels)} held-out predictions: {uri}")


def _store_reference(folder: Path, *, config: Config, registry: Any, version: str) -> None:
    """The training features' sample, kept with the production version as promotion keeps
    it, so the evaluation checks the held-out data for drift against it."""
    from mlgate.adapters.demo_models import write_training_features
    from mlgate.adapters.references import References
    from mlgate.files.tables import write_sample

    assert config.model is not None and config.drift.reference is not None
    source = Path(config.drift.reference)
    write_training_features(source)
    sample = write_sample(
        source,
        folder / "reference",
        rows=config.drift.reference_rows,
        seed=config.drift.seed,
    )
    References(registry).store(
        model=config.model, version=version, sample=sample, source=source.name
    )


def _record_eval_data(config: Config, *, registry: Any, run_id: str) -> Dataset:
    """The held-out split, logged on production's run as its evaluation dataset — as
    `mlgate evaluate` logged it when production was the candidate — so the comparison can
    show both sides were scored on the same data."""
    from mlgate.adapters.demo_models import write_golden_set
    from mlgate.evaluate.data import locate

    assert config.evaluation.data is not None
    write_golden_set(Path(config.evaluation.data))
    found = locate(
        config.evaluation.data,
        name=config.evaluation.name,
        workdir=Path(config.evaluation.data).parent,
        what="evaluation.data",
    )
    registry.log_dataset(run_id, found.dataset)
    return found.dataset


def _model_tests(
    folder: Path,
    *,
    config: Config,
    candidate: str,
    tracking_uri: str,
    progress: Callable[[str], None],
) -> None:
    """``mlgate test`` on the demo's tests (a copy in ``folder/tests``); evaluate folds the
    results in. pytest runs with a config of its own, so the folder's surroundings (a
    project's pytest settings and conftest files) cannot change what it does."""
    from mlgate.adapters.demo_models import write_golden_set
    from mlgate.testing.run import TestRun, run_model_tests

    tests = folder / "tests"
    tests.mkdir(exist_ok=True)
    source = resources.files("mlgate.demo").joinpath("test_model.py").read_text("utf-8")
    (tests / "test_model.py").write_text(source, encoding="utf-8")
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    assert config.tests.data is not None
    write_golden_set(config.tests.data)
    progress("running the model tests against the candidate (mlgate test)…")
    outcome = run_model_tests(
        TestRun(
            paths=config.tests.paths,
            results=config.tests.results,
            candidate=candidate,
            baseline=config.baseline_alias,
            model=config.model,
            data=config.tests.data,
            tracking_uri=tracking_uri,
            pytest_args=(
                "-q",
                "-p",
                "no:cacheprovider",
                "-c",
                str(folder / "pytest.ini"),
                "--rootdir",
                str(folder),
            ),
            capture=True,
        )
    )
    progress(f"model tests: {outcome.check.summary} → {config.tests.results}")


def _reset_store(folder: Path) -> Path:
    """``folder/store``, emptied and rebuilt on every run; only a store this command made
    is ever removed."""
    store = folder / "store"
    if store.exists():
        if not (store / MARKER).exists():
            raise UsageError(
                f"{store} exists and was not made by mlgate demo; choose another --dir"
            )
        shutil.rmtree(store)
    (store / "artifacts").mkdir(parents=True)
    (store / MARKER).write_text("made by `mlgate demo`; removed and rebuilt on every run\n")
    return store.resolve()
