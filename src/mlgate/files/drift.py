"""Writing and reading drift reports (``mlgate-drift.json``): the verdict's ``drift``
object (``$defs/drift`` in the verdict schema) with a ``kind`` header."""

from __future__ import annotations

import json
from pathlib import Path

from mlgate.core.drift import KIND, SCHEMA_VERSION, DriftReport
from mlgate.files.atomic import write_text_atomic


def write_drift(path: Path, report: DriftReport) -> None:
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
    write_text_atomic(path, text + "\n")


def read_drift(path: Path) -> DriftReport:
    """The report in ``path``; a missing or malformed file is an InputError naming it."""
    from mlgate.files.verdict import read_part

    data = read_part(
        path,
        kind=KIND,
        schema_version=SCHEMA_VERSION,
        definition="drift",
        what="drift report",
        writer="mlgate drift",
    )
    return DriftReport.from_dict(data)
