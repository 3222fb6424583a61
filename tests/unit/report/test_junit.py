from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from mlgate.core.checks import Check, Status
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import Identity, MetricRow, Overall, Verdict
from mlgate.report.junit import junit_report


def verdict(*rows: MetricRow, checks: tuple[Check, ...] = ()) -> Verdict:
    return Verdict(
        model="churn\x1b[31m<&>",
        status=Overall.FAIL,
        candidate=Identity(label="candidate", model_version="2"),
        baseline=Identity(label="production", model_version="1"),
        metrics=rows,
        checks=checks,
    )


def rule(name: str) -> MetricRule:
    return MetricRule(name=name, higher_is_better=True, tolerance=0.01)


def test_each_gated_metric_and_check_is_a_test_case() -> None:
    document = junit_report(
        verdict(
            MetricRow(
                name="accuracy",
                baseline=0.9,
                candidate=0.8,
                status=Status.FAIL,
                rule=rule("accuracy"),
                reasons=("drop of 0.1",),
            ),
            MetricRow(
                name="f1",
                baseline=0.8,
                candidate=0.79,
                status=Status.WARN,
                rule=rule("f1"),
                reasons=("close",),
            ),
            MetricRow(
                name="auc",
                baseline=None,
                candidate=None,
                status=Status.MISSING,
                rule=rule("auc"),
                reasons=("not reported",),
            ),
            MetricRow(name="latency", baseline=3.0, candidate=2.0, status=Status.INFO),
            checks=(Check(name="signature", status=Status.PASS, summary="no breaking change"),),
        )
    )
    suite = ET.fromstring(document).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "1", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"accuracy", "f1", "auc", "signature"}, "ungated rows are not tests"
    failure = cases["accuracy"].find("failure")
    assert failure is not None
    assert failure.get("message") == "candidate 0.8, production 0.9 — drop of 0.1"
    assert cases["auc"].find("skipped") is not None
    assert "warning: " in (cases["f1"].findtext("system-out") or "")


def test_hostile_names_stay_well_formed_xml() -> None:
    name = 'acc"]]></testcase><x>\x00\x1b'
    document = junit_report(
        verdict(
            MetricRow(
                name=name,
                baseline=1.0,
                candidate=0.0,
                status=Status.FAIL,
                rule=rule(name),
                reasons=("<b>",),
            )
        )
    )
    suite = ET.fromstring(document).find("testsuite")
    assert suite is not None
    assert suite.get("name", "").startswith("mlgate/churn")
    (case,) = suite.iter("testcase")
    assert case.get("name", "").startswith('acc"]]></testcase><x>')
    assert "\x00" not in document and "\x1b" not in document


def test_model_tests_are_a_second_suite(with_tests: Verdict) -> None:
    from mlgate.core.model_tests import ModelTest, Outcome

    results = with_tests.tests
    assert results is not None
    broken = ModelTest(nodeid="tests/test_x.py::test_setup", outcome=Outcome.ERROR, message="boom")
    results = dataclasses.replace(results, tests=(*results.tests, broken))
    document = junit_report(dataclasses.replace(verdict(), tests=results))
    root = ET.fromstring(document.split("\n", 1)[1])
    suite = root.findall("testsuite")[1]
    assert suite.get("name") == "mlgate/churn [31m<&>/model-tests"
    assert (
        suite.get("tests"),
        suite.get("failures"),
        suite.get("errors"),
        suite.get("skipped"),
    ) == ("6", "2", "1", "1")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    golden = cases["test_golden_set[0]"]
    assert golden.get("classname") == "tests.test_model"
    assert golden.find("failure").get("type") == "critical"  # type: ignore[union-attr]
    assert (
        cases["test_latency"].find("failure").get("message", "").startswith("non-critical: latency")
    )  # type: ignore[union-attr]
    assert cases["test_setup"].find("error") is not None
    assert cases["test_gpu"].find("skipped").get("message") == "no GPU <b>here</b>"  # type: ignore[union-attr]
    assert list(cases["test_cases"]) == []
