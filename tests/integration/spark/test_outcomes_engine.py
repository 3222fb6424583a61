"""monitor --outcomes on Spark against the in-memory route on the same 200,000 outcomes:
the same live metrics, the same intervals (Newcombe and the confusion bootstrap to the last
bit; log loss, MAE, RMSE, R² to rounding; ROC AUC within its stated binning bound), the same
decisions, per day as overall, and the same output drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mlgate.files.config import load_config
from mlgate.monitor.engine import Engine
from mlgate.monitor.outcome_data import Reference
from mlgate.monitor.performance import monitor_outcomes

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]
ROWS = 200_000


def write(path: Path, columns: dict[str, Any]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path)


def classified(rows: int, *, seed: int, worse: float) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    label = (rng.random(rows) < 0.3).astype(np.int64)
    score = 1 / (1 + np.exp(-(-1.0 + 2.0 * label + rng.normal(0, 1.2 + 4 * worse, rows))))
    day = np.datetime64("2026-11-30T00:00:00") + rng.integers(0, 4 * 86_400, rows).astype(
        "timedelta64[s]"
    )
    return {
        "id": np.arange(rows),
        "label": label,
        "score": score,
        "prediction": (score >= 0.5).astype(np.int64),
        "timestamp": day,
    }


def regressed(rows: int, *, seed: int, worse: float) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    label = rng.gamma(2.0, 50.0, rows) + 1000.0
    return {
        "id": np.arange(rows),
        "label": label,
        "prediction": label + rng.normal(3.0 * worse, 10.0 + 5 * worse, rows),
    }


def both_routes(folder: Path, settings_text: str, live: dict[str, Any], ref: dict[str, Any]):  # type: ignore[no-untyped-def]
    from mlgate.files.predictions import read_predictions

    (folder / "mlgate.yml").write_text(settings_text)
    config = load_config(folder / "mlgate.yml")
    write(folder / "reference.parquet", ref)
    write(folder / "outcomes.parquet", live)
    reference = Reference(
        label="reference.parquet",
        columns=read_predictions(folder / "reference.parquet", role="reference"),
        names=config.columns,
    )
    settings = config.monitor.performance
    local = monitor_outcomes(
        folder / "outcomes.parquet", reference=reference, config=config, settings=settings
    )
    spark = monitor_outcomes(
        str(folder / "outcomes.parquet"),
        reference=reference,
        config=config,
        settings=settings,
        engine=Engine(name="spark"),
    )
    return local, spark


def assert_same_rows(ours: Any, theirs: Any, *, auc_error: float) -> None:
    assert [r.name for r in ours] == [r.name for r in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert a.status == b.status, a.name
        slack = auc_error + 1e-4 if a.name == "roc_auc" else 0.0
        assert b.candidate == pytest.approx(a.candidate, rel=1e-9, abs=slack), a.name
        assert b.baseline == a.baseline, a.name
        if a.name in ("accuracy", "precision", "recall", "f1"):  # counts: to the last bit
            assert (b.interval.low, b.interval.high) == (a.interval.low, a.interval.high)
        else:
            assert b.interval.low == pytest.approx(a.interval.low, rel=1e-6, abs=slack)
            assert b.interval.high == pytest.approx(a.interval.high, rel=1e-6, abs=slack)


def test_classification_outcomes_on_spark_match_the_local_route(spark: Any, tmp_path: Path) -> None:
    text = (
        "monitor:\n  window: day\n  performance:\n    accuracy: {max_drop: 0.01}\n"
        "    f1: {max_drop: 0.01}\n    roc_auc: {max_drop: 0.01}\n    log_loss: {max_rise: 0.02}\n"
    )
    local, on_spark = both_routes(
        tmp_path, text, classified(ROWS, seed=2, worse=0.08), classified(50_000, seed=1, worse=0)
    )
    a, b = local.performance, on_spark.performance
    bound = b.settings["auc_error"]
    assert b.settings["engine"] == "spark" and 0 < bound < 1e-3
    from mlgate.report.monitor_view import performance_section

    assert f"within ±{bound:.2g} of its exact value" in performance_section(b)
    assert (a.served, a.labelled) == (b.served, b.labelled) == (ROWS, ROWS)
    assert_same_rows(a.rows, b.rows, auc_error=bound)
    assert {r.name: r.status.value for r in a.rows}["accuracy"] == "fail"  # it did degrade
    assert [w.start for w in a.windows] == [w.start for w in b.windows]
    assert len(a.windows) == 4
    for x, y in zip(a.windows, b.windows, strict=True):
        assert (x.served, x.labelled) == (y.served, y.labelled)
        assert_same_rows(x.rows, y.rows, auc_error=bound * 5)
    assert [o.name for o in local.outputs] == [o.name for o in on_spark.outputs]
    for x, y in zip(local.outputs, on_spark.outputs, strict=True):
        assert (x.status, x.measured.psi) == (y.status, pytest.approx(y.measured.psi, rel=1e-12))
        assert y.measured.distance == pytest.approx(x.measured.distance, abs=1e-12)


def test_regression_outcomes_on_spark_match_the_local_route(spark: Any, tmp_path: Path) -> None:
    text = (
        "predictions:\n  task: regression\nmonitor:\n  performance:\n"
        "    mae: {max_rise: 0.5}\n    rmse: {max_rise: 0.5}\n    r2: {max_drop: 0.01}\n"
    )
    local, on_spark = both_routes(
        tmp_path, text, regressed(ROWS, seed=4, worse=1.0), regressed(50_000, seed=3, worse=0)
    )
    assert_same_rows(local.performance.rows, on_spark.performance.rows, auc_error=0.0)
