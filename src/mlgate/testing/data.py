"""Reading evaluation data for the ``eval_data`` fixture: CSV, Parquet, JSON Lines, JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SUFFIXES = {
    ".csv": "CSV",
    ".parquet": "Parquet",
    ".pq": "Parquet",
    ".jsonl": "JSON Lines",
    ".ndjson": "JSON Lines",
    ".json": "JSON records",
}


class DataError(Exception):
    """The data file cannot be read; the message names it."""


def check_data_path(path: Path) -> None:
    """Fail early (before any test runs) on a missing file or an unknown format."""
    if path.suffix.lower() not in SUFFIXES:
        known = ", ".join(sorted(SUFFIXES))
        raise DataError(f"{path}: unknown data format {path.suffix or '(none)'!r}; use {known}")
    if not path.is_file():
        raise DataError(f"{path}: data file not found")


def read_table(path: Path) -> Any:
    """The file as a pandas DataFrame."""
    import pandas as pd

    check_data_path(path)
    kind = SUFFIXES[path.suffix.lower()]
    try:
        if kind == "CSV":
            return pd.read_csv(path)
        if kind == "Parquet":
            return pd.read_parquet(path)
        if kind == "JSON Lines":
            return pd.read_json(path, lines=True)
        return pd.read_json(path, orient="records")
    except ImportError as exc:
        needed = exc.name or "pyarrow"
        raise DataError(f"{path}: reading {kind} needs {needed}; install it") from None
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"{path}: not valid {kind}: {first[:200]}") from None
