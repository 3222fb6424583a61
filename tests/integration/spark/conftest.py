"""One local[2] Spark session per test worker (all the Spark tests are one xdist group, so
one worker starts one JVM), and the generated tables the engines are compared on."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_in_folder import cli_in
from spark_tables import write_tables


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from pyspark.sql import SparkSession

    from mlgate.adapters.spark import DAEMON, QUIET_LOGS

    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # loopback only (and for the CLI's own JVMs)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("mlgate-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.python.daemon.module", DAEMON)
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


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Any]:
    """`mlgate …` in-process (the session above is the active one), in an empty folder."""
    with cli_in(tmp_path) as invoke:
        yield invoke
