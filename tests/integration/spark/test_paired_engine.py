"""Paired evaluation on Spark against the in-memory route on the same 200,000 examples:
confusion metrics' intervals equal to the last bit (the k³ joint counts are what the local
multinomial bootstrap resamples), so every decision-quality case decides the same; log
loss, ROC AUC, MAE, RMSE and R² by the Poisson bootstrap within Monte Carlo error of the
local intervals — tolerance: a fifth of the local half-width (≈ 5 Monte Carlo standard
errors of a 2.5% percentile at 2,000 resamples), plus ROC AUC's stated binning bound."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mlgate.core.columns import ColumnNames
from mlgate.files.config import load_config

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]
ROWS = 200_000
SIDES = (
    ColumnNames(prediction="prediction_c", score="score_c"),
    ColumnNames(prediction="prediction_b", score="score_b"),
)


def both_routes(spark: Any, folder: Path, table: dict[str, Any], config_text: str = ""):  # type: ignore[no-untyped-def]
    import pyarrow as pa
    import pyarrow.parquet as pq

    from mlgate.evaluate.predictions import paired_metrics
    from mlgate.evaluate.spark_evaluation import paired_on_spark

    (folder / "mlgate.yml").write_text(config_text)
    config = load_config(folder / "mlgate.yml")
    pq.write_table(pa.table(table), folder / "pairs.parquet")
    sides = []
    for names in SIDES:
        sides.append(
            {
                "id": table["id"],
                "label": table["label"],
                **{
                    k: table[getattr(names, k)]
                    for k in ("prediction", "score")
                    if getattr(names, k) in table
                },
            }
        )
    local = paired_metrics(sides[0], sides[1], config=config, sources=("c", "b"))
    frame = spark.read.parquet(str(folder / "pairs.parquet")).repartition(3)
    ours, notes = paired_on_spark(
        frame, sides=SIDES, id_column="id", significance=config.significance, source="pairs"
    )
    return local, ours, notes


def close(local: Any, ours: Any, name: str, slack: float = 0.0) -> None:
    a, b = local.estimates[name], ours.estimates[name]
    assert b.candidate == pytest.approx(a.candidate, rel=1e-9, abs=slack), name
    assert b.baseline == pytest.approx(a.baseline, rel=1e-9, abs=slack), name
    half = (a.interval.high - a.interval.low) / 2
    assert abs(b.interval.low - a.interval.low) <= half / 5 + slack, (name, a.interval, b.interval)
    assert abs(b.interval.high - a.interval.high) <= half / 5 + slack, (
        name,
        a.interval,
        b.interval,
    )


def classified(rows: int, seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    label = (rng.random(rows) < 0.35).astype(np.int64)
    signal = -0.8 + 2.2 * label
    score_b = 1 / (1 + np.exp(-(signal + rng.normal(0, 1.3, rows))))
    score_c = 1 / (1 + np.exp(-(signal * 1.05 + rng.normal(0, 1.25, rows))))
    return {
        "id": np.arange(rows) * 7 + 3,
        "label": label,
        "prediction_c": (score_c >= 0.5).astype(np.int64),
        "score_c": score_c,
        "prediction_b": (score_b >= 0.5).astype(np.int64),
        "score_b": score_b,
    }


def test_classification_on_spark_matches_the_local_route(spark: Any, tmp_path: Path) -> None:
    local, ours, notes = both_routes(spark, tmp_path, classified(ROWS, seed=5))
    assert notes["partitions"] == 3 and ours.examples == ROWS
    for name in ("accuracy", "precision", "recall", "f1"):
        a, b = local.estimates[name], ours.estimates[name]
        assert (b.candidate, b.baseline) == (a.candidate, a.baseline)
        assert b.interval == a.interval, name  # the same counts, the same bootstrap
    close(local, ours, "log_loss")
    bound = notes["bounds"]["roc_auc"]
    assert 0 < bound < 1e-3
    close(local, ours, "roc_auc", slack=bound)
    assert ours.estimates["log_loss"].interval.method == "Poisson bootstrap"


def test_regression_on_spark_matches_the_local_route(spark: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    label = rng.gamma(2.0, 40.0, ROWS) + 500.0
    table = {
        "id": np.arange(ROWS),
        "label": label,
        "prediction_c": label + rng.normal(0.5, 9.0, ROWS),
        "prediction_b": label + rng.normal(0.0, 9.3, ROWS),
    }
    local, ours, _ = both_routes(spark, tmp_path, table, "predictions:\n  task: regression\n")
    for name in ("mae", "rmse", "r2"):
        close(local, ours, name)


def test_partitioning_does_not_change_the_poisson_bootstrap(spark: Any, tmp_path: Path) -> None:
    """Weights keyed on (seed, resample, id): 1 or 5 partitions, the same intervals."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from mlgate.evaluate.spark_evaluation import paired_on_spark

    pq.write_table(pa.table(classified(20_000, seed=6)), tmp_path / "pairs.parquet")
    config = load_config(None)
    found = []
    for parts in (1, 5):
        frame = spark.read.parquet(str(tmp_path / "pairs.parquet")).repartition(parts)
        ours, _ = paired_on_spark(
            frame, sides=SIDES, id_column="id", significance=config.significance, source="p"
        )
        found.append(ours.estimates)
    for name in ("log_loss", "roc_auc"):
        one, five = found[0][name].interval, found[1][name].interval
        assert one.low == pytest.approx(five.low, abs=1e-12)
        assert one.high == pytest.approx(five.high, abs=1e-12)


def test_the_decision_quality_cases_decide_the_same(spark: Any, tmp_path: Path) -> None:
    """benchmarks/decision_quality.py's sets (2,000 and 20,000 examples, no change to −4×
    the tolerance): the accuracy intervals — hence the gate's decisions — are identical."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    from decision_quality import CHANGES, SIZES, simulate

    rng = np.random.default_rng(11)
    for n in SIZES:
        for change in CHANGES:
            drawn = simulate(rng, n, change)
            table = {
                "id": np.arange(n),
                "label": drawn["labels"],
                "prediction_c": drawn["candidate"],
                "prediction_b": drawn["baseline"],
            }
            local, ours, _ = both_routes(spark, tmp_path, table)
            assert ours.estimates["accuracy"].interval == local.estimates["accuracy"].interval
