"""The Spark engine against the local ones on the same 200,000 × 20 tables: equal counts,
PSI and category tests; KS equal where the reference's sketch is exact and within its
stated bound where it compacted; the current medians within their stated bound; the same
features flagged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from mlgate.core.drift import FeatureStatus
from mlgate.files.config import Config, load_config
from mlgate.monitor.drift import drift_report
from mlgate.monitor.engine import Engine

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]
SPARK = Engine(name="spark")


def config(folder: Path, text: str = "") -> Config:
    path = folder / "mlgate.yml"
    path.write_text(text)
    return load_config(path)


def by_name(report: Any) -> dict[str, Any]:
    return {f.name: f for f in report.features}


def same_counts_and_tests(local: Any, spark: Any) -> None:
    """Everything derived from exact counts is equal to the last bit."""
    for name, ours in by_name(local).items():
        theirs = by_name(spark)[name]
        a, b = ours.measured, theirs.measured
        assert (a.reference_rows, a.current_rows) == (b.reference_rows, b.current_rows), name
        assert (a.reference_missing, a.current_missing) == (b.reference_missing, b.current_missing)
        assert a.psi == b.psi, name
        if ours.kind == "categorical":
            assert (a.distance, a.p_value) == (b.distance, b.p_value), name
            assert a.reference_summary == b.reference_summary, name
            assert a.current_summary == b.current_summary, name
        assert ours.status == theirs.status, name


def test_spark_gives_the_local_report_on_200k_rows(
    spark: Any, tables: Path, tmp_path: Path
) -> None:
    settings = config(tmp_path)
    reference, current = str(tables / "reference.parquet"), tables / "current.parquet"
    local = drift_report(reference=reference, current=current, config=settings)
    on_spark = drift_report(
        reference=reference, current=str(tables / "served"), config=settings, engine=SPARK
    )
    assert on_spark.settings["engine"] == "spark"
    assert on_spark.settings["partitions"] >= 2
    assert "ks_error" not in on_spark.settings  # 200k reference points fit: the sketch is exact
    assert (on_spark.reference.rows, on_spark.current.rows) == (200_000, 200_000)
    same_counts_and_tests(local, on_spark)
    flagged = {f.name for f in local.features if f.status is FeatureStatus.DRIFT}
    assert flagged == {f.name for f in on_spark.features if f.status is FeatureStatus.DRIFT}
    assert {"num3", "int2", "cat1"} <= flagged  # the shifted ones
    served = pq.read_table(current)
    for name, ours in by_name(local).items():
        theirs = by_name(on_spark)[name]
        if ours.kind != "numeric":
            continue
        # KS: exact (the reference's sketch held every point), to the last few bits of the
        # arithmetic (the in-memory D is found by merging, the summarised one by counting).
        assert theirs.measured.distance == pytest.approx(ours.measured.distance, abs=1e-12)
        assert theirs.measured.p_value == pytest.approx(ours.measured.p_value, rel=1e-9)
        assert ours.measured.reference_summary == theirs.measured.reference_summary
        # The current median is estimated at the reference's points: the first one with at
        # least half the current values at or below it — so the (lower) median lies between
        # the reference point before it and it (the bound docs/spark.md states).
        values = served.column(name).to_numpy(zero_copy_only=False)
        values = np.sort(values[~np.isnan(values)])
        points = np.unique(pq.read_table(reference).column(name).to_numpy(zero_copy_only=False))
        points = points[~np.isnan(points)]
        upto = np.searchsorted(values, points, side="right")
        at = int(np.searchsorted(upto, len(values) / 2, side="left"))
        assert theirs.measured.current_summary == f"median ≈ {points[at] + 0.0:.4g}", name
        lower_median = values[(len(values) + 1) // 2 - 1]  # the first with half at or below it
        assert points[at - 1] < lower_median <= points[at], name


def test_a_compacted_sketch_keeps_ks_within_the_stated_bound(
    spark: Any, tables: Path, tmp_path: Path
) -> None:
    """A 64 MB budget gives each reference sketch ~25,000 points for 200,000 values: it
    compacts, and the report states KS's bound — which holds against the exact KS, with
    the reference read on the driver or by Spark."""
    small = config(tmp_path, "drift:\n  memory_mb: 64\n")
    reference = str(tables / "reference.parquet")
    exact = drift_report(
        reference=reference, current=tables / "current.parquet", config=config(tmp_path)
    )
    flagged = {f.name for f in exact.features if f.status is FeatureStatus.DRIFT}
    for engine_reference in (reference, f"parquet:{reference}"):  # on the driver; by Spark
        on_spark = drift_report(
            reference=engine_reference,
            current=str(tables / "current.parquet"),
            config=small,
            engine=SPARK,
        )
        bound = on_spark.settings["ks_error"]
        assert 0 < bound < 0.001
        assert flagged == {f.name for f in on_spark.features if f.status is FeatureStatus.DRIFT}
        for name, ours in by_name(exact).items():
            theirs = by_name(on_spark)[name].measured
            assert (theirs.reference_rows, theirs.current_rows) == (
                ours.measured.reference_rows,
                ours.measured.current_rows,
            )
            if ours.kind == "numeric":
                assert abs(theirs.distance - ours.measured.distance) <= bound, name
            else:
                assert theirs.psi == ours.measured.psi, (
                    name
                )  # categories: exact whatever the budget


def test_categories_past_the_bound_are_the_top_ones_and_other(
    spark: Any, tables: Path, tmp_path: Path
) -> None:
    small = config(tmp_path, "drift:\n  max_categories: 3\n")
    report = drift_report(
        reference=str(tables / "reference.parquet"),
        current=str(tables / "current.parquet"),
        config=small,
        engine=SPARK,
    )
    folded = report.settings["categories"]
    assert folded["kept"] == 3 and "cat0" in folded["features"]
    assert folded["count_error"] == 0  # each partition had 6 values at most: none cut there
    from mlgate.core.stats.distance import psi

    for name in ("cat0", "cat1"):
        # The same comparison by hand: the three most frequent over both sides, the rest
        # as one bin.
        sides = [
            pq.read_table(tables / f"{side}.parquet").column(name).to_pylist()
            for side in ("reference", "current")
        ]
        counts = [{v: side.count(v) for v in set(side)} for side in sides]
        total = {
            v: counts[0].get(v, 0) + counts[1].get(v, 0) for v in set(counts[0]) | set(counts[1])
        }
        top = sorted(total, key=lambda v: (-total[v], v))[:3]
        folded_counts = [
            np.array([c.get(v, 0) for v in top] + [sum(n for v, n in c.items() if v not in top)])
            for c in counts
        ]
        measured = by_name(report)[name].measured
        assert measured.cells == 4, name
        assert measured.psi == pytest.approx(psi(*folded_counts), rel=1e-12), name
