"""Apache Spark, for the tables too large for one machine: the session, the tables a source
names, and Spark's errors as mlgate's one-line ones.

The session is the one the standard Spark configuration gives — an active one (under
``spark-submit``, a notebook), Spark Connect (``--spark-remote`` / ``SPARK_REMOTE``), else
``SparkSession.builder`` with what ``spark-defaults.conf``, ``PYSPARK_SUBMIT_ARGS`` and
``SPARK_CONF_DIR`` say (pyspark's own default is ``local[*]``). Nothing cluster-specific is
set here. pyspark is imported only in this module and the partition functions it runs.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.core.sources import FORMATS
from mlgate.errors import InputError, ServiceError, UsageError

INSTALL = "pip install 'mlgate[spark]'"
_SUFFIXES = {".parquet": "parquet", ".orc": "orc", ".csv": "csv", ".json": "json",
             ".jsonl": "json", ".ndjson": "json"}  # fmt: skip
QUIET_LOGS = Path(__file__).with_name("spark_log4j2.properties")
DAEMON = "mlgate.adapters.spark_daemon"


@dataclass(frozen=True)
class Source:
    """A table as the user named it: ``table:catalog.schema.name``, or a path (globs and
    object-store URLs as Spark reads them) with an optional ``FORMAT:`` prefix
    (``delta:s3a://bucket/events``); ``where`` is a Spark SQL filter."""

    text: str
    where: str | None = None

    @property
    def table(self) -> str | None:
        return self.text[len("table:") :] if self.text.startswith("table:") else None

    @property
    def path_and_format(self) -> tuple[str, str]:
        head, _, rest = self.text.partition(":")
        if head in FORMATS and rest and not rest.startswith("//"):
            return rest, head
        return self.text, _format_of(self.text)

    def label(self, version: str | None = None) -> str:
        name = self.text + (f"@{version}" if version else "")
        return f"{name} where {self.where}" if self.where else name


def _format_of(path: str) -> str:
    stem = path.rstrip("/")
    for suffix, fmt in _SUFFIXES.items():
        if stem.endswith(suffix) or stem.endswith(suffix + "*"):
            return fmt
    local = Path(stem)
    if "://" not in stem and local.is_dir():
        if (local / "_delta_log").is_dir():
            return "delta"
        for child in local.rglob("*"):
            if child.suffix in _SUFFIXES and child.is_file():
                return _SUFFIXES[child.suffix]
    return "parquet"  # a folder on an object store: Spark's own default


def session(remote: str | None = None) -> Any:
    """The SparkSession to run on (see the module's docstring). Exit 2 without pyspark or,
    for a local JVM, without Java."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(f"--engine spark needs pyspark: {INSTALL}") from None
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark\..*")
    if not os.environ.get("MLGATE_DEBUG"):
        _quiet_python_loggers()
    remote = remote or os.environ.get("SPARK_REMOTE")
    with spark_errors("starting the Spark session"):
        if remote:
            return SparkSession.builder.remote(remote).getOrCreate()
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
        if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
            raise UsageError(
                "--engine spark runs Spark on a Java runtime and none was found: install one "
                "(apt-get install openjdk-17-jre-headless) or set JAVA_HOME, or use "
                "--spark-remote for Spark Connect"
            )
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = (
            SparkSession.builder.appName("mlgate")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.python.daemon.module", DAEMON)
        )
        if not os.environ.get("MLGATE_DEBUG"):
            # The JVM's log lines (a Java stack trace for every failed task) off the terminal.
            builder = builder.config(
                "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={QUIET_LOGS}"
            )
        spark = builder.getOrCreate()
    # Stopped before the interpreter exits: a JVM killed under its Python workers leaves
    # each one printing a BrokenPipeError traceback on the terminal.
    atexit.register(_stop_quietly, spark)
    return spark


def _stop_quietly(spark: Any) -> None:
    """At exit: a JVM that already died has nothing left to stop."""
    try:
        spark.stop()
    except Exception:  # the gateway is gone; the error was reported where it happened
        return


def _quiet_python_loggers() -> None:
    """pyspark logs every analysis error with the JVM's stack trace (as JSON, on stderr)
    before raising it; mlgate reports the error itself, in one line."""
    try:
        from pyspark.logger import PySparkLogger
    except ImportError:  # pyspark before 4.0 has no such loggers
        return
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).disabled = True


def read(spark: Any, source: Source, *, role: str) -> Any:
    """The DataFrame a source names, filtered by ``where``."""
    name = source.table
    with spark_errors(f"{role} {source.text}", table=source.text):
        if name is not None:
            frame = spark.read.table(name)
        else:
            path, fmt = source.path_and_format
            if "://" not in path:  # the JVM's working folder is not necessarily ours
                path = str(Path(path).absolute())
            reader = spark.read.format(fmt)
            if fmt == "csv":
                reader = reader.option("header", "true").option("inferSchema", "true")
            frame = reader.load(path)
    if source.where:
        with spark_errors(f"--where {source.where!r} on {source.text}"):
            frame = frame.where(source.where)
            _ = frame.schema  # analysed now: a bad column or a parse error is named here
    return frame


SCHEMA = "key string, part binary"  # what a partition function yields: keyed summaries


def summaries(frame: Any, function: Any, *, doing: str) -> Iterator[tuple[str, bytes]]:
    """``function`` run by ``mapInArrow`` on every partition of ``frame`` (it yields
    (key, part) batches); the rows come back one partition at a time (``toLocalIterator``:
    the driver holds one partition's summaries at once)."""
    with spark_errors(doing):
        for row in frame.mapInArrow(function, SCHEMA).toLocalIterator():
            yield row["key"], row["part"]


def row_hash(frame: Any, columns: list[str] | None = None) -> Any:
    """A column: each row's 64-bit hash (Spark's xxhash64) of ``columns`` (default: all)."""
    from pyspark.sql import functions as f

    return f.xxhash64(*[f.col(c) for c in (columns or frame.columns)])


def repeated(frame: Any, column: str, *, shown: int = 5) -> tuple[list[Any], int]:
    """Values of ``column`` on more than one row: up to ``shown`` of them, and how many."""
    from pyspark.sql import functions as f

    twice = frame.groupBy(column).count().where(f.col("count") > 1)
    some = [row[0] for row in twice.limit(shown).collect()]
    return some, (twice.count() if some else 0)


def spark_schema(arrow_schema: Any) -> Any:
    """An Arrow schema as the Spark schema ``mapInArrow`` is declared with."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(arrow_schema)


def shipped_file(name: str) -> str:
    """On an executor: where a file the driver shipped (``SparkContext.addFile``) is."""
    from pyspark import SparkFiles

    return str(SparkFiles.get(name))


def version_of(spark: Any, source: Source) -> str | None:
    """The table's snapshot where its format keeps one (a Delta version, an Iceberg
    snapshot id); None for plain files and when it cannot be read."""
    name = source.table
    path, fmt = source.path_and_format
    queries = []
    if name is not None:
        queries = [
            (f"DESCRIBE HISTORY {name} LIMIT 1", "version", "v"),
            (f"SELECT snapshot_id FROM {name}.snapshots ORDER BY committed_at DESC LIMIT 1",
             "snapshot_id", "snapshot "),
        ]  # fmt: skip
    elif fmt == "delta":
        queries = [(f"DESCRIBE HISTORY delta.`{path}` LIMIT 1", "version", "v")]
    for query, column, prefix in queries:
        try:
            rows = spark.sql(query).select(column).collect()
        except Exception:  # not that format: no snapshot to name
            continue
        if rows:
            return f"{prefix}{rows[0][0]}"
    return None


# mlgate's own input errors, raised on an executor by the code that reads a partition's
# rows (a probability outside [0, 1], a class the model does not have): still exit 2.
_OUR_INPUT_ERRORS = ("PairingError", "TaskError", "InputError", "ConfigError", "ScoringError")

_USER_CONDITIONS = {
    "TABLE_OR_VIEW_NOT_FOUND": "no such table (check the catalog and schema)",
    "PATH_NOT_FOUND": "no such path",
    "UNABLE_TO_INFER_SCHEMA": "no data files there",
    "REQUIRES_SINGLE_PART_NAMESPACE": "the catalog does not know this name",
    "UNRESOLVED_COLUMN": "a column the table does not have",
    "DATATYPE_MISMATCH": "a type mismatch",
    "CATALOG_NOT_FOUND": "no such catalog",
    "DATA_SOURCE_NOT_FOUND": "this Spark session has no reader for that format (Delta and "
    "Iceberg need their packages in the session: delta-spark, iceberg-spark-runtime)",
    "SCHEMA_NOT_FOUND": "no such schema",
}


@contextmanager
def spark_errors(doing: str, *, table: str | None = None) -> Iterator[None]:
    """Spark's exceptions as one line: a table, path, column or filter that is wrong → exit
    2 naming it; a job that failed (on an executor, or the cluster gone) → exit 3 naming
    what mlgate was running. MLGATE_DEBUG=1 keeps Spark's own message."""
    try:
        yield
    except (UsageError, InputError, ServiceError):
        raise
    except ConnectionError:
        # The JVM is gone (py4j cannot reach it): most often out of memory.
        raise ServiceError(
            f"Spark's JVM stopped answering while {doing}: it most likely ran out of memory "
            "(raise spark.driver.memory, or spark.executor.memory on a cluster); "
            "MLGATE_DEBUG=1 shows its log"
        ) from None
    except Exception as exc:
        module = type(exc).__module__
        if not module.startswith(("pyspark", "py4j", "grpc")):
            raise
        raise _translated(exc, doing, table) from None


def _translated(exc: Exception, doing: str, table: str | None) -> Exception:
    condition = _condition(exc)
    first = _first_line(exc)
    debug = os.environ.get("MLGATE_DEBUG")
    names = type(exc).__name__
    if names in ("ParseException", "AnalysisException") or condition in _USER_CONDITIONS:
        what = _USER_CONDITIONS.get(condition or "", first)
        detail = f"{what}: {first}" if debug or what != first else first
        return InputError(f"{table or doing}: {detail}")
    stage = re.search(r"in stage (\d+(?:\.\d+)?)", str(exc))
    where = f"{doing} (Spark stage {stage.group(1)})" if stage else doing
    if names == "PythonException":
        cause = _python_cause(str(exc))
        ours = re.match(r"^(?:mlgate\.[\w.]+\.)?(\w+Error): (.*)$", cause)
        if ours and ours.group(1) in _OUR_INPUT_ERRORS:
            return InputError(f"{table or doing}: {ours.group(2)}")
        return ServiceError(f"Spark job failed on an executor while {where}: {cause}")
    if names == "Py4JJavaError":
        first = _java_cause(exc)
        if "Failed to find the data source" in first:  # not analysed yet: no error class
            return InputError(f"{table or doing}: {_USER_CONDITIONS['DATA_SOURCE_NOT_FOUND']}")
    return ServiceError(f"Spark job failed while {where}: {first if not debug else str(exc)}")


def _java_cause(exc: Exception) -> str:
    """The JVM exception's own message and its deepest cause's ("… is not a Parquet file")."""
    error = getattr(exc, "java_exception", None)
    if error is None:
        return _first_line(exc)
    try:
        top = _first_line(Exception(str(error.getMessage())))
        deepest = error
        while deepest.getCause() is not None:
            deepest = deepest.getCause()
        root = _first_line(Exception(str(deepest.getMessage())))
    except Exception:  # the gateway is gone: its text is all there is
        return _first_line(exc)
    if root == top or top.startswith("Exception thrown in"):  # a wrapper's own words: none
        return root
    return f"{top}: {root}"


def _condition(exc: Exception) -> str | None:
    getter = getattr(exc, "getCondition", None) or getattr(exc, "getErrorClass", None)
    try:
        value = getter() if getter else None
    except Exception:  # an old pyspark without error classes
        value = None
    return str(value).split(".")[0] if value else None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    for raw in text.splitlines():
        line = re.sub(r"^\[[A-Z_.]+\]\s*", "", raw.strip())
        if line:
            return re.sub(r"\s*SQLSTATE: \w+.*$", "", line)[:300]
    return type(exc).__name__


def _python_cause(text: str) -> str:
    """The last line of the worker's Python traceback ("ValueError: …")."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b", line):
            return line[:300]
    return (lines[-1] if lines else "unknown")[:300]
