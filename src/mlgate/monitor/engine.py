"""Which engine compares the tables of ``drift``, ``skew`` and ``monitor``: this process
(``local``) or Apache Spark (``spark``: monitor/spark_drift.py, monitor/spark_outcomes.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlgate.errors import UsageError


@dataclass(frozen=True)
class Engine:
    """Where the tables are compared: ``local`` (this process) or ``spark`` (adapters/
    spark.py), with the current window's filter and a Spark Connect address."""

    name: str = "local"
    where: str | None = None
    remote: str | None = None

    @classmethod
    def chosen(
        cls, option: str | None, *configured: str | None, where: str | None, remote: str | None
    ) -> Engine:
        """--engine (or MLGATE_ENGINE), else the first configured (monitor.engine,
        drift.engine), else local."""
        name = option or next((c for c in configured if c), None) or "local"
        if name != "spark" and where:
            raise UsageError("--where filters a table Spark reads: add --engine spark")
        return cls(name=name, where=where, remote=remote)

    def local_path(self, text: str | Path, *, option: str) -> Path:
        from mlgate.core.sources import is_spark_source

        if isinstance(text, str) and is_spark_source(text):
            raise UsageError(f"{option} {text}: a table only Spark reads: add --engine spark")
        return Path(text)
