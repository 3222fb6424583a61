"""``mlgate test`` through click: it runs pytest (a subprocess) on tests.paths with the
plugin, writes the results, and exits like the gate; compare then folds them in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]

TESTS = """
import pytest

@pytest.mark.model_test(critical=True, tags=["core"])
def test_critical():
    assert {critical_ok}, "the loyal customers churn"

@pytest.mark.model_test(critical=False, tags=["budget"])
def test_minor():
    assert {minor_ok}, "p95 12 ms is over the budget of 10 ms"

def test_plain():
    pass
"""


def project(
    root: Path, *, critical_ok: bool = True, minor_ok: bool = True, config: str = ""
) -> None:
    (root / "model_tests").mkdir()
    (root / "model_tests" / "test_model.py").write_text(
        TESTS.format(critical_ok=critical_ok, minor_ok=minor_ok)
    )
    (root / "mlgate.yml").write_text(
        "model: churn\ntests:\n  paths: [model_tests]\n  results: out/tests.json\n" + config
    )


def compare(run: Run, quickstart: Path, *extra: str) -> Result:
    return run(
        "compare",
        "--candidate",
        str(quickstart / "candidate.json"),
        "--baseline",
        str(quickstart / "production.json"),
        *extra,
    )


def test_passing_tests_exit_0_and_write_the_results(run: Run, workdir: Path) -> None:
    project(workdir)
    result = run("test", "--junit", "out/junit.xml")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(
        "mlgate: model tests passed: 3 passed → " + str(Path("out/tests.json"))
    )
    document = json.loads((workdir / "out" / "tests.json").read_text())
    assert document["summary"]["passed"] == 3
    assert "<testsuite" in (workdir / "out" / "junit.xml").read_text()


def test_a_failing_non_critical_test_warns_and_exits_0(run: Run, workdir: Path) -> None:
    project(workdir, minor_ok=False)
    result = run("test")
    assert result.exit_code == 0
    assert (
        "mlgate: model tests passed with warnings: 1 non-critical model test failed: test_minor"
        in result.output
    )


def test_a_failing_critical_test_exits_1(run: Run, workdir: Path) -> None:
    project(workdir, critical_ok=False)
    result = run("test")
    assert result.exit_code == 1
    assert (
        "mlgate: model tests FAILED: 1 critical model test failed: test_critical (1 failed, 2 passed)"
        in result.output
    )


def test_tags_and_pytest_arguments_pass_through(run: Run, workdir: Path) -> None:
    project(workdir, critical_ok=False)
    assert run("test", "--tag", "budget").exit_code == 0
    results = json.loads((workdir / "out" / "tests.json").read_text())
    assert [t["nodeid"] for t in results["tests"]] == ["model_tests/test_model.py::test_minor"]
    assert results["deselected"] == 2
    assert run("test", "--", "-k", "plain").exit_code == 0


def test_no_tests_collected_is_a_usage_error(run: Run, workdir: Path) -> None:
    project(workdir)
    result = run("test", "--tag", "nothing-has-this")
    assert result.exit_code == 2
    assert (
        "mlgate: error: no model tests were collected in model_tests with tags nothing-has-this "
        "(check tests.paths in mlgate.yml)"
    ) in result.output


def test_a_refusal_to_start_exits_2_and_leaves_the_results_as_they_were(
    run: Run, workdir: Path
) -> None:
    project(workdir)
    assert run("test").exit_code == 0
    good = (workdir / "out" / "tests.json").read_text()
    (workdir / "model_tests" / "test_uses_model.py").write_text(
        "def test_x(candidate_model):\n    pass\n"
    )
    result = run("test")  # no --candidate: the plugin refuses at collection
    assert result.exit_code == 2
    assert (
        "mlgate: error: pytest could not start the model tests (its error is above); "
        "out/tests.json was left as it was"
    ) in result.output
    assert "the gate passes" not in result.output
    assert (workdir / "out" / "tests.json").read_text() == good
    assert not (workdir / "out" / "tests.json.partial").exists()


def test_options_are_checked_before_pytest_runs(run: Run, workdir: Path) -> None:
    project(workdir)
    result = run("test", "--data", "missing.csv")
    assert result.exit_code == 2
    assert "--data:" in result.output and "nothing was run" in result.output
    assert "test session starts" not in result.output
    assert not (workdir / "out").exists()


def test_compare_folds_the_results_into_the_verdict(
    run: Run, workdir: Path, quickstart: Path
) -> None:
    project(workdir, critical_ok=False, minor_ok=False)
    assert run("test").exit_code == 1
    result = compare(run, quickstart)
    assert result.exit_code == 1
    verdict = json.loads((workdir / "verdict.json").read_text())
    assert verdict["status"] == "fail"
    assert [c for c in verdict["checks"] if c["name"] != "evaluation data"] == [
        {
            "name": "model tests",
            "status": "fail",
            "summary": "1 critical model test failed: test_critical (2 failed, 1 passed)",
        }
    ]
    assert verdict["tests"]["summary"]["failed"] == 2
    report = (workdir / "report.md").read_text()
    assert "### Model tests" in report
    assert "- ❌ **critical** `test_critical` (core) — the loyal customers churn" in report
    assert (
        "- ⚠️ **non-critical** `test_minor` (budget) — p95 12 ms is over the budget of 10 ms"
        in report
    )
    assert report.index("`test_critical`") < report.index("`test_minor`")


def test_expected_results_that_are_missing_fail_the_gate(
    run: Run, workdir: Path, quickstart: Path
) -> None:
    project(workdir)
    result = compare(run, quickstart)
    assert result.exit_code == 1
    summary = json.loads((workdir / "verdict.json").read_text())["checks"][0]["summary"]
    assert summary == (
        f"no results at {Path('out/tests.json')}: run `mlgate test` before evaluating "
        "(or set tests.required: false in mlgate.yml)"
    )


def test_optional_results_only_warn_when_missing(run: Run, workdir: Path, quickstart: Path) -> None:
    project(workdir, config="  required: false\n")
    result = compare(run, quickstart)
    assert result.exit_code == 0
    assert json.loads((workdir / "verdict.json").read_text())["checks"][0]["status"] == "warn"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{}", "not a model test results file (expected the JSON that mlgate test writes)"),
        (
            '{"kind": "mlgate-model-tests", "schema_version": 1, "tests": [{"nodeid": "t"}]}',
            "tests[0]: 'outcome' is a required property",
        ),
        (
            '{"kind": "mlgate-model-tests", "schema_version": 9, "tests": []}',
            "schema_version: written by a newer mlgate (schema 9; this one reads 1); upgrade mlgate",
        ),
        ("[1, 2", "results.json:1: invalid JSON: Expecting ',' delimiter (column 6)"),
    ],
)
def test_a_malformed_results_file_is_an_input_error(
    run: Run, workdir: Path, quickstart: Path, content: str, message: str
) -> None:
    (workdir / "results.json").write_text(content)
    result = run(
        "compare",
        "--candidate",
        str(quickstart / "candidate.json"),
        "--model-tests",
        "results.json",
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_in_github_actions_the_tests_cannot_issue_workflow_commands(
    run: Run, workdir: Path
) -> None:
    project(workdir, minor_ok=False)
    (workdir / "model_tests" / "test_noisy.py").write_text(
        "def test_prints():\n    print('::error::forged by a test')\n"
    )
    # A real process: pytest's output and mlgate's must interleave as in a job log.
    done = subprocess.run(
        [str(Path(sys.executable).parent / "mlgate"), "test", "--", "-s"],
        env={**os.environ, "GITHUB_ACTIONS": "true"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    stop = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    token = lines[stop].removeprefix("::stop-commands::")
    resume = lines.index(f"::{token}::")
    forged = next(i for i, line in enumerate(lines) if "::error::forged by a test" in line)
    assert stop < forged < resume, "the test's output is inside the stopped region"
    after = lines[resume + 1 :]
    assert after[0].startswith("::warning file=model_tests/test_model.py,line=")
    assert "title=mlgate model test (non-critical)%3A test_minor::" in after[0]
