"""Bad tables, filters and set-ups on Spark: one line naming the table, the column or the
option, exit 2 for what the user can fix and 3 for a job that failed on an executor — and
no Java stack trace on the terminal."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


def drift(run: Any, tables: Path, current: str, *extra: str) -> Any:
    return run(
        "drift", "--engine", "spark",
        "--reference", str(tables / "reference.parquet"),
        "--current", current, "--print", "none", *extra,
    )  # fmt: skip


def one_line(result: Any) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize(
    ("current", "extra", "expected"),
    [
        ("table:default.no_such_table", (), "table:default.no_such_table: no such table"),
        ("table:spark_catalog.no_schema.t", (), "table:spark_catalog.no_schema.t: no such"),
        ("EMPTY", (), "no data files there"),
        ("MISSING", (), "no such path"),
        ("SERVED", ("--where", "day >>= 3"), "--where 'day >>= 3' on"),
        ("SERVED", ("--where", "no_column > 3"), "a column the table does not have"),
        ("delta:SERVED", (), "no reader for that format (Delta and Iceberg need"),
    ],
)
def test_a_table_or_filter_that_is_wrong_exits_2_naming_it(
    spark: Any, tables: Path, run: Any, tmp_path: Path, current: str, extra: Any, expected: str
) -> None:
    (tmp_path / "empty").mkdir()
    current = {
        "EMPTY": str(tmp_path / "empty"),
        "MISSING": str(tmp_path / "missing" / "*.parquet"),
        "SERVED": str(tables / "served"),
        "delta:SERVED": f"delta:{tables / 'served'}",
    }.get(current, current)
    done = drift(run, tables, current, *extra)
    assert done.exit_code == 2, done.output
    line = one_line(done)
    assert line.startswith("mlgate: error: ") and expected in line, line


def test_options_only_spark_reads_need_the_spark_engine(tables: Path, run: Any) -> None:
    done = run("drift", "--reference", "a.parquet", "--current", "table:db.events")
    assert done.exit_code == 2
    assert "--current table:db.events: a table only Spark reads: add --engine spark" in done.output
    done = run("drift", "--reference", "a.parquet", "--current", "b.parquet", "--where", "x > 1")
    assert done.exit_code == 2 and "--where filters a table Spark reads" in done.output


def test_a_retyped_column_is_reported_as_the_local_engine_reports_it(
    spark: Any, tables: Path, run: Any, tmp_path: Path
) -> None:
    """A column whose type differs between the sides is a schema change — named, and
    breaking — exactly as without Spark."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    served = pq.read_table(tables / "current.parquet").slice(0, 5_000)
    retyped = served.set_column(
        served.schema.get_field_index("int0"), "int0", pa.array(["x"] * 5_000)
    )
    pq.write_table(retyped, tmp_path / "retyped.parquet")
    local = run("drift", "--reference", str(tables / "reference.parquet"),
                "--current", str(tmp_path / "retyped.parquet"), "--out", "local.json",
                "--print", "none")  # fmt: skip
    on_spark = drift(run, tables, str(tmp_path / "retyped.parquet"))
    assert on_spark.exit_code == local.exit_code
    import json

    ours = json.loads((tmp_path / "local.json").read_text())
    theirs = json.loads((tmp_path / "mlgate-drift.json").read_text())
    assert ours["schema"] == theirs["schema"]
    assert {"column": "int0", "change": "type"}.items() <= theirs["schema"][0].items()


def test_bad_values_read_on_an_executor_are_bad_input(spark: Any, run: Any, tmp_path: Path) -> None:
    """A probability outside [0, 1] is found by the code that reads a partition's rows —
    on an executor — and is still exit 2, naming the table and the column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = 1_000
    columns = {
        "id": list(range(rows)),
        "label": [i % 2 for i in range(rows)],
        "score": [0.2 + 0.6 * (i % 2) for i in range(rows - 1)] + [1.7],
    }
    pq.write_table(pa.table(columns), tmp_path / "outcomes.parquet")
    pq.write_table(pa.table(columns).slice(0, 500), tmp_path / "reference.parquet")
    done = run(
        "monitor", "--engine", "spark",
        "--outcomes", str(tmp_path / "outcomes.parquet"),
        "--performance-reference", str(tmp_path / "reference.parquet"),
        "--print", "none",
    )  # fmt: skip
    assert done.exit_code == 2, done.output
    assert "outcomes.parquet" in done.output and "score" in done.output, done.output


def mlgate(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlgate", *args],
        check=False, capture_output=True, text=True, env=env, cwd=cwd, timeout=300,
    )  # fmt: skip


def test_a_job_that_fails_on_an_executor_exits_3_without_a_java_stack_trace(
    tables: Path, tmp_path: Path
) -> None:
    """Its own JVM (`python -m mlgate`, as under spark-submit): a corrupt Parquet file
    fails the executor's read; the terminal shows one line naming what ran and why."""
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(tables / "reference.parquet", served / "part-0.parquet")
    (served / "part-1.parquet").write_bytes((tables / "reference.parquet").read_bytes()[:4096])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLGATE_", "PYSPARK_"))}
    env["PYSPARK_SUBMIT_ARGS"] = "--master local[1] pyspark-shell"
    env["SPARK_LOCAL_IP"] = "127.0.0.1"
    done = mlgate("drift", "--engine", "spark", "--reference", str(tables / "reference.parquet"),
                  "--current", str(served), "--print", "none", env=env, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 3, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("mlgate: error:")]
    assert len(errors) == 1, done.stderr
    assert f"Spark job failed while summarising {served}: " in errors[0]
    assert "Exception thrown in" not in errors[0]
    assert "\tat " not in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "Exception" not in done.stderr.replace(errors[0], ""), done.stderr


def test_no_java_or_no_pyspark_exits_2_saying_what_to_install(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "SPARK_REMOTE")}
    # mlgate looks for Java before it starts anything: a PATH without it is enough.
    (tmp_path / "bin").mkdir()
    env["PATH"] = str(tmp_path / "bin")
    args = ("drift", "--engine", "spark", "--reference", "a.parquet", "--current", "b.parquet")
    done = mlgate(*args, env=env, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "install one (apt-get install openjdk-17-jre-headless)" in done.stderr
    blocked = subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.modules['pyspark'] = None; from mlgate.cli import main; main()",
         *args],
        check=False, capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert blocked.returncode == 2, blocked.stderr
    assert "--engine spark needs pyspark: pip install 'mlgate[spark]'" in blocked.stderr
