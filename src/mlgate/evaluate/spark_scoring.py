"""Scoring the candidate and production on the same rows of a table, in one Spark job
(``evaluation.engine: spark``), then the paired metrics (evaluate/spark_evaluation.py).

Each model is fetched once on the driver and shipped to the executors as a file (what
``mlflow.pyfunc.spark_udf`` does), and each partition scores its rows with both through
mlgate's own scorer (adapters/scoring.py) — the function the in-memory route uses, so the
predictions and class probabilities are the ones it would make. ``spark_udf`` itself
returns only what the pyfunc's ``predict`` returns (the classes, for a classifier), and
paired ROC AUC and log loss need the probabilities.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.adapters.spark import Source, read, session, spark_errors
from mlgate.core.columns import ColumnNames
from mlgate.core.dataset import Dataset
from mlgate.errors import InputError

if TYPE_CHECKING:
    from mlgate.evaluate.predictions import PredictedMetrics
    from mlgate.evaluate.scoring import Model
    from mlgate.files.config import Config

ROW = "_mlgate_row"  # each row's hash, the Poisson bootstrap's key
SIDES = ("_c_", "_b_")  # the scored columns' prefixes: candidate, production
HEAD_ROWS = 200


@dataclass(frozen=True)
class SparkScored:
    predicted: PredictedMetrics
    dataset: Dataset
    rows: int
    notes: dict[str, Any]


@dataclass(frozen=True)
class _ScorePlan:
    models: tuple[str, str]  # the local folders (or SparkFiles names) of both models
    label: str
    names: ColumnNames
    features: tuple[str, ...]


def score_on_spark(models: tuple[Model, Model], *, config: Config) -> SparkScored:
    from mlgate.adapters.spark import row_hash, version_of
    from mlgate.evaluate.spark_evaluation import paired_on_spark

    settings = config.evaluation
    assert settings.data is not None
    spark = session()
    table = Source(settings.data, where=settings.where)
    frame = read(spark, table, role="evaluation.data")
    label = settings.label or config.columns.label
    if label not in frame.columns:
        shown = ", ".join(frame.columns[:8])
        raise InputError(
            f"evaluation.label: {table.label()} has no column {label!r} (its columns: {shown})"
        )
    features = tuple(c for c in frame.columns if c != label)
    with spark_errors(f"reading the version of {table.text}", table=table.text):
        version = version_of(spark, table)
    dataset = Dataset(
        name=table.label(version),
        digest=version,
        source=table.text,
        origin="spark" if version else "file",
    )
    names = ColumnNames(task=config.columns.task, positive=config.columns.positive)
    with tempfile.TemporaryDirectory(prefix="mlgate-spark-models-") as folder:
        local = tuple(
            _fetched(model.uri, Path(folder) / side)
            for model, side in zip(models, SIDES, strict=True)
        )
        shipped = _ship(spark, local)
        plan = _ScorePlan(models=shipped, label=label, names=names, features=features)
        keyed = frame.withColumn(ROW, row_hash(frame))
        schema = _output_schema(keyed.limit(HEAD_ROWS), plan, local)
        with spark_errors(f"scoring both models on {table.label()}"):
            # Kept once computed: the classes' digest and the sums read it again.
            scored = keyed.mapInArrow(_score_function(plan), schema).persist()
            rows = scored.count()
        sides = tuple(
            ColumnNames(
                label=label,
                prediction=f"{prefix}prediction",
                score=f"{prefix}score",
                task=names.task,
                positive=names.positive,
            )
            for prefix in SIDES
        )
        predicted, notes = paired_on_spark(
            scored,
            sides=(sides[0], sides[1]),
            id_column=ROW,
            significance=config.significance,
            source=table.label(),
        )
        scored.unpersist()
    return SparkScored(predicted=predicted, dataset=dataset, rows=rows, notes=notes)


def _fetched(uri: str, folder: Path) -> str:
    from mlgate.adapters.models import ModelLoadError, StoreUnavailable, load_model
    from mlgate.errors import ServiceError

    try:
        load_model(uri, workdir=folder)  # downloads it (and refuses one that does not load)
    except StoreUnavailable as exc:
        raise ServiceError(str(exc)) from None
    except ModelLoadError as exc:
        raise InputError(f"cannot load {uri}: {exc}") from None
    found = [p for p in folder.rglob("MLmodel")]
    return str(found[0].parent) if found else uri


def _ship(spark: Any, local: tuple[str, ...]) -> tuple[str, str]:
    """Each model folder on every executor: SparkFiles on a classic session; a local
    session's executors read the driver's folder as it is."""
    master = ""
    try:
        master = spark.sparkContext.master
        for path in local:
            spark.sparkContext.addFile(path, recursive=True)
    except Exception:  # Spark Connect has no SparkContext: the folders must be reachable
        return local[0], local[1]
    if master.startswith("local"):
        return local[0], local[1]
    return Path(local[0]).name, Path(local[1]).name


def _output_schema(head: Any, plan: _ScorePlan, local: tuple[str, ...]) -> Any:
    """The scored columns' schema, from scoring the first rows here (which also shows a
    model that cannot score before the job starts)."""
    from mlgate.adapters.scoring import ScoringError
    from mlgate.adapters.spark import spark_schema

    with spark_errors("reading the first rows of the evaluation data"):
        batch = head.toArrow()
    here = _ScorePlan(models=(local[0], local[1]), label=plan.label, names=plan.names,
                      features=plan.features)  # fmt: skip
    try:
        scored = _score_table(here, batch)
    except ScoringError as exc:
        # Both models must score the table's rows: a gate never passes on numbers it could
        # not compute (the local route's fallback to logged numbers is for other data).
        raise InputError(f"evaluation.data: {exc}") from None
    return spark_schema(scored.schema)


def _score_function(plan: _ScorePlan) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for batch in batches:
            yield from _score_table(plan, pa.Table.from_batches([batch])).to_batches()

    return run


def _score_table(plan: _ScorePlan, table: Any) -> Any:
    """One batch scored by both models: the label, the row key, and per side the
    prediction and the score column(s)."""
    import pyarrow as pa

    from mlgate.adapters.scoring import score

    frame = table.drop_columns([ROW]).to_pandas()
    out: dict[str, Any] = {plan.label: table.column(plan.label), ROW: table.column(ROW)}
    with tempfile.TemporaryDirectory(prefix="mlgate-score-") as folder:
        for model, prefix in zip(plan.models, SIDES, strict=True):
            columns = score(
                _located(model),
                frame,
                label=plan.label,
                names=plan.names,
                keep=(),
                workdir=Path(folder),
            )
            for name, values in columns.items():
                if name in (plan.names.id, plan.names.label):
                    continue
                out[f"{prefix}{name}"] = pa.array(values)
    return pa.table(out)


def _located(model: str) -> str:
    if Path(model).is_dir():
        return model
    from mlgate.adapters.spark import shipped_file

    return shipped_file(model)
