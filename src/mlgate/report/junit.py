"""The gate as a JUnit XML report: one test case per gated metric and per check, and a
second suite with the model tests, for GitLab's test widget (`artifacts:reports:junit`)
and any CI that reads JUnit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mlgate.core.checks import Status
from mlgate.core.model_tests import ModelTest, ModelTests, Outcome
from mlgate.core.verdict import MetricRow, Verdict
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
    if verdict.tests is not None:
        suites.append(_model_tests_suite(verdict.tests, model))
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


def _model_tests_suite(tests: ModelTests, model: str) -> ET.Element:
    suite = ET.Element("testsuite", name=f"mlgate/{model}/model-tests")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for test in tests.tests:
        counts["tests"] += 1
        _model_test_case(suite, counts, test)
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite


def _model_test_case(suite: ET.Element, counts: dict[str, int], test: ModelTest) -> None:
    module, _, name = test.nodeid.rpartition("::")
    case = ET.SubElement(
        suite,
        "testcase",
        classname=clean(module.replace("/", ".").removesuffix(".py") or "tests", limit=200),
        name=clean(name or test.nodeid, limit=200),
        time=f"{test.duration_s:.3f}",
    )
    if test.file:
        case.set("file", clean(test.file, limit=500))
    text = clean(test.message, limit=2000)
    kind = "critical" if test.critical else "non-critical"
    if test.outcome is Outcome.FAILED:
        counts["failures"] += 1
        ET.SubElement(case, "failure", message=f"{kind}: {text}", type=kind).text = text
    elif test.outcome is Outcome.ERROR:
        counts["errors"] += 1
        ET.SubElement(case, "error", message=f"{kind}: {text}", type=kind).text = text
    elif test.outcome in (Outcome.SKIPPED, Outcome.XFAILED):
        counts["skipped"] += 1
        ET.SubElement(case, "skipped", message=text or test.outcome.value)
