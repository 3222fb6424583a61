"""Which data names only Apache Spark reads (the ``--engine spark`` tables): a catalog table
``table:CATALOG.SCHEMA.NAME``, an object-store or other URL, a glob, or a path with a
``FORMAT:`` prefix. Anything else is a local file."""

from __future__ import annotations

import re

FORMATS = ("parquet", "orc", "csv", "json", "delta", "iceberg")


def is_spark_source(text: str) -> bool:
    head = text.partition(":")[0]
    return (
        text.startswith("table:")
        or head in FORMATS
        or bool(re.match(r"^[a-z][a-z0-9+.-]*://", text))
        or any(ch in text for ch in "*?[{")
    )


def relative_to(base: str, text: str) -> str:
    """A configured data path resolved against mlgate.yml's folder; a Spark source as written."""
    from pathlib import Path

    return text if is_spark_source(text) else str(Path(base) / text)
