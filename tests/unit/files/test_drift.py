"""Drift reports and model-test results on disk: what mlgate writes reads back the same, and
a file that is not what it claims — another kind, a newer schema, a field of the wrong
type, a verdict where a drift report belongs — is one line naming the file and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlgate.core.drift import DriftReport
from mlgate.core.drift_settings import DriftSettings
from mlgate.core.model_tests import ModelTest, ModelTests, Outcome
from mlgate.errors import InputError
from mlgate.files.drift import read_drift, write_drift
from mlgate.files.model_tests import read_results, results_document
from mlgate.files.tables import read_table
from mlgate.files.verdict import write_verdict
from mlgate.monitor.tables import compare_tables


@pytest.fixture
def report(tmp_path: Path) -> DriftReport:
    reference, current = tmp_path / "reference.csv", tmp_path / "current.csv"
    reference.write_text(
        "tenure,plan\n" + "".join(f"{i % 50},{'basic' if i % 3 else 'pro'}\n" for i in range(600))
    )
    current.write_text(
        "tenure,plan\n"
        + "".join(f"{i % 50 + 20},{'pro' if i % 3 else 'basic'}\n" for i in range(600))
    )
    return compare_tables(
        read_table(reference, role="reference"),
        read_table(current, role="current"),
        settings=DriftSettings(),
        model="churn",
    )


def test_a_drift_report_reads_back_as_written(report: DriftReport, tmp_path: Path) -> None:
    path = tmp_path / "mlgate-drift.json"
    write_drift(path, report)
    again = read_drift(path)
    assert again.to_dict() == report.to_dict()
    assert again.drifted and {f.name for f in again.features} == {"tenure", "plan"}


def _rewrite(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(kind="mlgate-model-tests"), "not a drift report file"),
        (lambda d: d.update(schema_version=99), "written by a newer mlgate (schema 99"),
        (lambda d: d.update(status="fine"), "status: 'fine' is not one of"),
        (lambda d: d["features"][0].update(status=3), "features[0].status"),
        (lambda d: d.pop("features"), "'features' is a required property"),
    ],
)
def test_a_malformed_drift_report_names_the_file_and_field(
    report: DriftReport, tmp_path: Path, change: Any, problem: str
) -> None:
    path = tmp_path / "mlgate-drift.json"
    write_drift(path, report)
    _rewrite(path, change)
    with pytest.raises(InputError) as raised:
        read_drift(path)
    assert str(raised.value).startswith(str(path))
    assert problem in str(raised.value), str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_verdict_is_not_a_drift_report(passing: Any, tmp_path: Path) -> None:
    path = tmp_path / "verdict.json"
    write_verdict(path, passing)
    with pytest.raises(InputError, match=r"not a drift report file .*mlgate drift writes"):
        read_drift(path)


@pytest.mark.parametrize("text", ["[]", '"text"', "null", "{"])
def test_a_drift_report_that_is_not_an_object(tmp_path: Path, text: str) -> None:
    path = tmp_path / "mlgate-drift.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=str(path)):
        read_drift(path)


def results(*tests: ModelTest) -> ModelTests:
    return ModelTests(tests=tests, candidate_uri="runs:/abc/model")


def test_model_test_results_read_back_with_where_they_came_from(tmp_path: Path) -> None:
    written = results(
        ModelTest(nodeid="t.py::test_a", outcome=Outcome.PASSED, critical=True, duration_s=0.5),
        ModelTest(
            nodeid="t.py::test_b",
            outcome=Outcome.FAILED,
            critical=False,
            tags=("budget",),
            message="size: 12 kB over 10 kB",
        ),
    )
    path = tmp_path / "mlgate-tests.json"
    path.write_text(json.dumps(results_document(written, pytest="9.0")), encoding="utf-8")
    read = read_results(path)
    by_id = {t.nodeid: t for t in read.tests}
    assert set(by_id) == {"t.py::test_a", "t.py::test_b"}
    assert read.candidate_uri == "runs:/abc/model"
    assert by_id["t.py::test_b"].tags == ("budget",)
    assert by_id["t.py::test_b"].message.startswith("size")
    assert by_id["t.py::test_a"].duration_s == 0.5
    assert read.source == str(path)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(kind="mlgate-drift"), "not a model test results file"),
        (lambda d: d.update(schema_version=2), "written by a newer mlgate (schema 2"),
        (lambda d: d["tests"][0].update(outcome="exploded"), "tests[0].outcome"),
        (lambda d: d["tests"][0].update(critical="yes"), "tests[0].critical"),
    ],
)
def test_malformed_model_test_results_name_the_file_and_field(
    tmp_path: Path, change: Any, problem: str
) -> None:
    path = tmp_path / "mlgate-tests.json"
    document = results_document(
        results(ModelTest(nodeid="t.py::test_a", outcome=Outcome.PASSED, critical=True))
    )
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_results(path)
    assert str(raised.value).startswith(str(path))
    assert problem in str(raised.value), str(raised.value)


def test_missing_results_say_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="model test results not found"):
        read_results(tmp_path / "mlgate-tests.json")
