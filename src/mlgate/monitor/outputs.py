"""A drift, skew or monitoring report on disk: the JSON first (the contract), then the
Markdown — also the job summary and the ``drift`` step output in GitHub Actions."""

from __future__ import annotations

import os
from pathlib import Path

from mlgate.adapters.github_env import append, write_step_outputs
from mlgate.core.drift import DriftReport
from mlgate.core.monitoring import MonitorReport
from mlgate.files.atomic import write_text_atomic
from mlgate.files.drift import write_drift
from mlgate.report.drift_view import drift_document


def write_outputs(report: DriftReport, *, out_path: Path, report_path: Path) -> str:
    """Write both files and the CI's summary; return the Markdown."""
    write_drift(out_path, report)
    return _markdown(drift_document(report), report_path=report_path, status=report.status.value)


def write_monitor_outputs(report: MonitorReport, *, out_path: Path, report_path: Path) -> str:
    """``mlgate monitor``'s files: the JSON, then the Markdown (and the job summary)."""
    from mlgate.files.monitor import write_monitor
    from mlgate.report.monitor_view import monitor_document

    write_monitor(out_path, report)
    return _markdown(monitor_document(report), report_path=report_path, status=report.status.value)


def _markdown(markdown: str, *, report_path: Path, status: str) -> str:
    write_text_atomic(report_path, markdown)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        append(Path(os.environ["GITHUB_STEP_SUMMARY"]), markdown + "\n")
    write_step_outputs({"drift": status})
    return markdown
