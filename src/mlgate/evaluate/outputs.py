"""The embedded default: the verdict and report as files, a summary in the terminal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlgate.core.verdict import Verdict
from mlgate.files.atomic import write_text_atomic
from mlgate.files.verdict import write_verdict
from mlgate.report.markdown import render_markdown


@dataclass(frozen=True, kw_only=True)
class ReportOptions:
    max_chars: int
    template: Path | None = None
    chart: bool = True
    full_report: str | None = None


def write_outputs(
    verdict: Verdict, *, verdict_path: Path | None, report_path: Path | None, options: ReportOptions
) -> str:
    """Write ``verdict.json`` first (it is the contract), then the report; return the report."""
    if verdict_path is not None:
        write_verdict(verdict_path, verdict)
    # A shortened report points at what it left out; locally that is the verdict file.
    full_report = options.full_report
    if full_report is None and verdict_path is not None:
        full_report = f"every row is in {verdict_path}"
    markdown = render_markdown(
        verdict,
        max_chars=options.max_chars,
        template=options.template,
        chart=options.chart,
        full_report=full_report,
    )
    if report_path is not None:
        write_text_atomic(report_path, markdown)
    return markdown
