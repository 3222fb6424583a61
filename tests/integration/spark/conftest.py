"""One local[2] Spark session per test worker (all the Spark tests are one xdist group, so
one worker starts one JVM), and the generated tables the engines are compared on."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from spark_tables import write_tables


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from pyspark.sql import SparkSession

    from mlgate.adapters.spark import QUIET_LOGS

    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("mlgate-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config(
            "spark.driver.extraJavaOptions",
            f"-Dlog4j2.configurationFile={QUIET_LOGS} -Dderby.system.home={warehouse}",
        )
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """reference.parquet and current.parquet (200,000 rows × 20 features each), and the
    current rows again as a folder of Parquet files partitioned by day."""
    folder = tmp_path_factory.mktemp("spark-tables")
    write_tables(folder)
    return folder
