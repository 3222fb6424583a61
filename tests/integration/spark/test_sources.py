"""What a table can be on Spark: a partitioned Parquet folder with a --where window, a glob,
a CSV file, a catalog table created in the session — each read with the counts the files
give — through `mlgate drift`, `skew` and `monitor` on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


def report(path: str = "mlgate-drift.json") -> dict[str, Any]:
    return json.loads(Path(path).read_text())


def test_a_partitioned_folder_filtered_to_a_window(spark: Any, tables: Path, run: Any) -> None:
    done = run(
        "drift", "--engine", "spark",
        "--reference", str(tables / "reference.parquet"),
        "--current", str(tables / "served"),
        "--where", "day >= '2026-12-03'",
        "--print", "markdown",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    found = report()
    assert found["current"]["rows"] == 100_000  # two of the four days
    assert found["current"]["label"].endswith("where day >= '2026-12-03'")
    assert found["settings"]["engine"] == "spark"
    assert "Computed on Spark: the current data in" in done.output
    assert "every count, PSI and KS D exact" in done.output


def test_a_glob_and_a_csv_file(spark: Any, tables: Path, run: Any) -> None:
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    pa_csv.write_csv(pq.read_table(tables / "reference.parquet").slice(0, 20_000), "ref.csv")
    done = run(
        "drift", "--engine", "spark",
        "--reference", "ref.csv",
        "--current", str(tables / "served" / "day=2026-12-0[12]" / "*.parquet"),
        "--print", "none",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert report()["current"]["rows"] == 100_000
    assert report()["reference"]["rows"] == 20_000


def test_a_catalog_table_and_skew_between_two_tables(spark: Any, tables: Path, run: Any) -> None:
    spark.read.parquet(str(tables / "current.parquet")).write.mode("overwrite").saveAsTable(
        "served_features"
    )
    spark.read.parquet(str(tables / "reference.parquet")).write.mode("overwrite").saveAsTable(
        "training_features"
    )
    done = run(
        "skew", "--engine", "spark",
        "--training", "table:spark_catalog.default.training_features",
        "--serving", "table:default.served_features",
        "--print", "none",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    found = report("mlgate-skew.json")
    assert found["type"] == "skew"
    assert (found["reference"]["rows"], found["current"]["rows"]) == (200_000, 200_000)
    drifted = {f["name"] for f in found["features"] if f["status"] == "drift"}
    assert {"num3", "int2", "cat1"} <= drifted


def test_monitor_reads_the_current_window_on_spark(spark: Any, tables: Path, run: Any) -> None:
    Path("mlgate.yml").write_text("monitor:\n  engine: spark\n")
    done = run(
        "monitor",
        "--reference", str(tables / "reference.parquet"),
        "--current", str(tables / "served"),
        "--where", "day = '2026-12-04'",
        "--print", "none",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    found = json.loads(Path("mlgate-monitor.json").read_text())
    assert found["drift"]["current"]["rows"] == 50_000
    assert found["drift"]["settings"]["engine"] == "spark"
