"""The gate as a JUnit XML report: one test case per gated metric and per check, for
GitLab's test widget (`artifacts:reports:junit`) and any CI that reads JUnit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mlgate.core.verdict import MetricRow, Status, Verdict
from mlgate.report.text import clean, number


def junit_report(verdict: Verdict) -> str:
    model = clean(verdict.model or "model", limit=200)
    suite = ET.Element("testsuite", name=f"mlgate/{model}")
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for row in verdict.metrics:
        if row.gated:
            _case(suite, counts, model, name=row.name, status=row.status, message=_row_message(row))
    for check in verdict.checks:
        _case(suite, counts, model, name=check.name, status=check.status, message=check.summary)
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("errors", "0")
    suites = ET.Element("testsuites", name="mlgate")
    suites.append(suite)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _case(
    suite: ET.Element,
    counts: dict[str, int],
    model: str,
    *,
    name: str,
    status: Status,
    message: str,
) -> None:
    counts["tests"] += 1
    case = ET.SubElement(
        suite, "testcase", classname=f"mlgate.{model}", name=clean(name, limit=200)
    )
    text = clean(message, limit=2000)
    if status is Status.FAIL:
        counts["failures"] += 1
        ET.SubElement(case, "failure", message=text, type="regression").text = text
    elif status is Status.MISSING:
        counts["skipped"] += 1
        ET.SubElement(case, "skipped", message=text)
    elif status is Status.WARN:
        ET.SubElement(case, "system-out").text = f"warning: {text}"


def _row_message(row: MetricRow) -> str:
    values = f"candidate {number(row.candidate)}"
    if row.baseline is not None:
        values += f", production {number(row.baseline)}"
    reasons = "; ".join(row.reasons)
    return values + (f" — {reasons}" if reasons else "")
