"""What the plugin does with the recorded tests: the results file for ``mlgate evaluate``,
the summary at the end of the pytest run, and GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from mlgate import __version__
from mlgate.core.model_tests import ModelTest, ModelTests, ordered, short_name, summary_text
from mlgate.core.workflow import escape_data, escape_property
from mlgate.files.atomic import write_text_atomic
from mlgate.files.model_tests import results_document


def write_results(
    path: Path,
    *,
    tests: tuple[ModelTest, ...],
    complete: bool,
    candidate: str | None,
    candidate_run_id: str | None,
    baseline: str | None,
    deselected: int,
    exit_status: int,
    pytest_version: str,
    python_version: str,
) -> None:
    """Write atomically (a reader never sees half a file); an InputError says why not."""
    results = ModelTests(
        tests=tests,
        complete=complete,
        candidate_uri=candidate,
        candidate_run_id=candidate_run_id,
        baseline_uri=baseline,
        deselected=deselected,
        created_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    )
    document = results_document(
        results,
        mlgate_version=__version__,
        pytest_version=pytest_version,
        python_version=python_version,
        exit_status=exit_status,
    )
    write_text_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def summary_lines(tests: Sequence[ModelTest], *, results: Path | None) -> list[str]:
    """The lines pytest prints at the end: counts, what counts against the gate, where."""
    collected = ModelTests(tests=tuple(tests))
    critical = collected.broken(critical=True)
    minor = collected.broken(critical=False)
    verdict = "the gate fails" if critical else ("the gate warns" if minor else "the gate passes")
    lines = [f"mlgate model tests: {summary_text(collected)} — {verdict}"]
    for test in critical:
        lines.append(f"  critical failure: {test.nodeid}")
    for test in minor:
        lines.append(f"  non-critical failure (warns): {test.nodeid}")
    if results is not None:
        lines.append(f"  results: {results}")
    return lines


def annotation_lines(tests: Sequence[ModelTest]) -> list[str]:
    """One ``::error`` per critical failure and one ``::warning`` per non-critical one,
    pointing at the test; every value escaped (test names and messages come from the PR)."""
    lines = []
    for test in ordered(list(tests)):
        if not test.outcome.broken:
            continue
        level = "error" if test.critical else "warning"
        kind = "critical" if test.critical else "non-critical"
        title = escape_property(f"mlgate model test ({kind}): {short_name(test.nodeid)}")
        where = ""
        if test.file:
            where = f"file={escape_property(test.file)},"
            if test.line:
                where += f"line={test.line},"
        lines.append(f"::{level} {where}title={title}::{escape_data(test.message or 'failed')}")
    return lines
