"""The outcomes ``monitor --outcomes`` judges, as both its routes read them (in memory:
monitor/performance.py; on Spark: monitor/spark_outcomes.py): production's evaluation-time
reference, what is judged, and how rows are read — which are labelled, their ids, their
times and windows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate.core.columns import ColumnNames
from mlgate.core.drift import FeatureDrift
from mlgate.core.performance import PerformanceReport, PerformanceSettings
from mlgate.errors import ConfigError, InputError

Columns = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class Reference:
    """What production scored at evaluation time."""

    label: str
    version: str | None = None
    columns: Columns | None = None  # per-example predictions (default column names)
    recorded: dict[str, float] = field(default_factory=dict)
    names: ColumnNames = field(default_factory=ColumnNames)
    # Without logged predictions: the drift reference stored with the version, whose label
    # (and prediction or score, when it has them) the outputs are compared with.
    sample: Columns | None = None


@dataclass(frozen=True, kw_only=True)
class Outcomes:
    performance: PerformanceReport
    outputs: tuple[FeatureDrift, ...]  # prediction and label drift


def present(values: Any) -> Any:
    import numpy as np

    if values.dtype.kind == "f":
        return ~np.isnan(values)
    if values.dtype.kind in "iub":
        return np.ones(len(values), dtype=bool)
    text = values.astype(str)
    return (text != "") & (text != "None") & (text != "nan")


def unique_ids(path: Path | str, ids: Any, column: str) -> None:
    import numpy as np

    keys = ids if ids.dtype.kind in "iuf" else ids.astype(str)
    distinct, counts = np.unique(keys, return_counts=True)
    if len(distinct) < len(keys):
        twice = distinct[counts > 1]
        shown = ", ".join(repr(str(v)) for v in twice[:5])
        raise InputError(
            f"{path}: column {column!r}: {len(twice)} ids appear more than once ({shown}); "
            "give one row per served prediction"
        )


def timestamps(path: Path | str, columns: Columns, settings: PerformanceSettings) -> Any:
    """The time column as numpy datetime64 (seconds), or None without one."""
    import numpy as np

    name = settings.timestamp
    if name not in columns:  # no windows: the whole file is one period
        return None
    values = columns[name]
    if values.dtype.kind == "M":
        return values.astype("datetime64[s]")
    if values.dtype.kind in "iuf":  # seconds since the epoch
        return values.astype("int64").astype("datetime64[s]")
    text = np.char.replace(values.astype(str), "Z", "")
    try:
        return text.astype("datetime64[s]")
    except ValueError:
        pass
    for row, cell in enumerate(text.tolist()):
        try:
            np.datetime64(cell[:26].replace(" ", "T"), "s")
        except ValueError:
            raise InputError(
                f"{path}: column {name!r}, row {row + 1}: {cell[:40]!r} is not a date or time "
                "(use ISO 8601, e.g. 2026-11-30T14:05:00Z, or seconds since the epoch)"
            ) from None
    return np.asarray([np.datetime64(c[:26].replace(" ", "T"), "s") for c in text.tolist()])


def window_starts(times: Any, window: str | None) -> Any:
    """Each row's window: its day, or the Monday its week starts on."""
    import numpy as np

    days = times.astype("datetime64[D]")
    if window == "week":  # weeks start on Monday; 1970-01-01 was a Thursday
        days = days - ((days.astype(np.int64) + 3) % 7).astype("timedelta64[D]")
    return days


def sample_of(
    columns: Columns, *, names: ColumnNames, take: Any, source: str, like: Any = None
) -> Any:
    """The rows ``take`` of predictions-file columns as a live Sample — with ``like``'s task
    and classes when given (production's evaluation-time sample) — a task that cannot be
    (predictions.task) exit 2 as a setting, a column that cannot be read exit 2 as input."""
    from mlgate.core.stats.labels import PairingError, TaskError
    from mlgate.core.stats.live import Sample
    from mlgate.core.stats.paired import single

    try:
        return Sample.of(
            single(
                columns,
                names=names,
                take=take,
                source=source,
                classes=like.classes if like is not None else None,
                task=like.task if like is not None else None,
            )
        )
    except TaskError as exc:
        raise ConfigError(str(exc)) from None
    except PairingError as exc:
        raise InputError(str(exc)) from None


def reference_sample(reference: Reference) -> Any:
    """Production's evaluation-time predictions as a Sample (its labelled rows), or None
    when only its recorded metrics are known."""
    if reference.columns is None:
        return None
    labelled = present(reference.columns[reference.names.label])
    return sample_of(
        reference.columns, names=reference.names, take=labelled, source=reference.label
    )
