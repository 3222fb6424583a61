"""The pytest plugin (loaded through its pytest11 entry point) with pytester, on tests
that need no model: options, the marker, the results file, usage errors, annotations.
tests/integration/test_plugin_fixtures.py covers the model fixtures with real models."""

from __future__ import annotations

import json

import pytest

from mlgate.files.model_tests import read_results

MIXED = """
import pytest

@pytest.mark.model_test(critical=True, tags=["fairness", "slices"])
def test_critical_fails():
    assert 1 + 1 == 3, "two is not three"

@pytest.mark.model_test(critical=False, tags="latency")
def test_minor_fails():
    raise AssertionError("p95 12 ms is over the budget of 10 ms")

@pytest.mark.model_test
def test_passes():
    pass

def test_unmarked_passes():
    pass

@pytest.mark.model_test(critical=False)
def test_skipped():
    pytest.skip("no GPU here")

@pytest.mark.xfail(reason="known gap")
def test_expected_failure():
    assert False

@pytest.fixture
def broken():
    raise RuntimeError("cannot set up")

def test_setup_error(broken):
    pass
"""


pytestmark = pytest.mark.usefixtures("plugin_environment")


def test_options_are_listed_in_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["mlgate model tests:", "*--mlgate-candidate=URI*"])
    for option in (
        "--mlgate-baseline=URI|ALIAS",
        "--mlgate-model=NAME",
        "--mlgate-data=PATH",
        "--mlgate-results=PATH",
        "--mlgate-tag=TAG",
    ):
        assert option in result.stdout.str()
    pytester.runpytest("--markers").stdout.fnmatch_lines(
        ["@pytest.mark.model_test(critical=True, tags=()):*"]
    )


def test_results_file_records_every_outcome(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_model=MIXED)
    result = pytester.runpytest("--mlgate-results=out/results.json")
    result.assert_outcomes(passed=2, failed=2, skipped=1, xfailed=1, errors=1)
    path = pytester.path / "out" / "results.json"
    results = read_results(path)
    by_name = {t.nodeid.split("::")[-1]: t for t in results.tests}
    assert {name: (t.outcome.value, t.critical, t.tags) for name, t in by_name.items()} == {
        "test_critical_fails": ("failed", True, ("fairness", "slices")),
        "test_minor_fails": ("failed", False, ("latency",)),
        "test_passes": ("passed", True, ()),
        "test_unmarked_passes": ("passed", True, ()),
        "test_skipped": ("skipped", False, ()),
        "test_expected_failure": ("xfailed", True, ()),
        "test_setup_error": ("error", True, ()),
    }
    assert by_name["test_critical_fails"].message.startswith("two is not three")
    assert by_name["test_minor_fails"].message == "p95 12 ms is over the budget of 10 ms"
    assert by_name["test_skipped"].message == "no GPU here"
    assert by_name["test_expected_failure"].message == "known gap"
    assert by_name["test_setup_error"].message == "error in setup: RuntimeError: cannot set up"
    assert (by_name["test_critical_fails"].file, by_name["test_critical_fails"].line) == (
        "test_model.py",
        3,
    )
    assert results.complete and results.candidate_uri is None
    document = json.loads(path.read_text())
    assert document["kind"] == "mlgate-model-tests" and document["exit_status"] == 1
    assert document["summary"] == {
        "failed": 2,
        "error": 1,
        "passed": 2,
        "skipped": 1,
        "xfailed": 1,
        "xpassed": 0,
    }
    result.stdout.fnmatch_lines(
        [
            "mlgate model tests: 2 failed, 1 error, 2 passed, 1 skipped, 1 xfailed — the gate fails",
            "  critical failure: test_model.py::test_critical_fails",
            "  critical failure: test_model.py::test_setup_error",
            "  non-critical failure (warns): test_model.py::test_minor_fails",
            "  results: out/results.json",
        ]
    )


def test_a_test_file_that_does_not_import_is_a_critical_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_broken="import no_such_module_here\n", test_fine="def test_ok(): pass\n"
    )
    result = pytester.runpytest("--mlgate-results=results.json")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    results = read_results(pytester.path / "results.json")
    [error] = [t for t in results.tests if t.outcome.value == "error"]
    assert error.nodeid == "test_broken.py" and error.critical
    assert (
        error.message
        == "collection error: ModuleNotFoundError: No module named 'no_such_module_here'"
    )
    assert not results.complete


def test_a_session_without_model_tests_prints_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_ok(): pass\n")
    result = pytester.runpytest()
    assert "mlgate model tests" not in result.stdout.str()
    assert not (pytester.path / "mlgate-tests.json").exists()


def test_tags_select_tests_and_the_rest_are_counted_as_deselected(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_model=MIXED)
    result = pytester.runpytest(
        "--mlgate-tag=latency", "--mlgate-tag=fairness", "--mlgate-results=r.json"
    )
    result.assert_outcomes(failed=2)
    results = read_results(pytester.path / "r.json")
    assert results.deselected == 5 and len(results.tests) == 2


@pytest.mark.parametrize(
    ("marker", "problem"),
    [
        ("model_test(True)", "takes keywords only (critical=…, tags=[…])"),
        ("model_test(critical='yes')", "critical must be True or False, not 'yes'"),
        ("model_test(tags=['has space'])", "tags must be a list of words"),
        ("model_test(tags=[1])", "tags must be a list of words"),
        ("model_test(severity=1)", "unknown keyword 'severity'"),
    ],
)
def test_a_malformed_marker_is_a_usage_error(
    pytester: pytest.Pytester, marker: str, problem: str
) -> None:
    pytester.makepyfile(
        test_model=f"import pytest\n\n@pytest.mark.{marker}\ndef test_x():\n    pass\n"
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    expected = f"ERROR: test_model.py::test_x: @pytest.mark.model_test: {problem}"
    assert expected in result.stderr.str()


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (
            "candidate_model",
            "model tests use candidate_model: name the model with --mlgate-candidate URI (mlgate test: --candidate or MLGATE_CANDIDATE), e.g. runs:/<run id>/model",
        ),
        (
            "baseline_model",
            "model tests use baseline_model: name production with --mlgate-baseline URI|ALIAS, or the registered model with --mlgate-model",
        ),
        (
            "eval_data",
            "model tests use eval_data: give the data file with --mlgate-data PATH (or tests.data in mlgate.yml with mlgate test)",
        ),
    ],
)
def test_a_fixture_nobody_configured_is_one_clear_usage_error(
    pytester: pytest.Pytester, fixture: str, message: str
) -> None:
    pytester.makepyfile(
        test_model=f"def test_x({fixture}):\n    pass\n\ndef test_y({fixture}):\n    pass\n"
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert result.stderr.lines.count(f"ERROR: {message}") == 1
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--mlgate-candidate=not a model"],
            "ERROR: --mlgate-candidate: 'not a model' is neither a model folder nor a model reference;*",
        ),
        (
            ["--mlgate-baseline=champion"],
            "ERROR: --mlgate-baseline: 'champion' looks like an alias; name the registered model*",
        ),
        (
            ["--mlgate-data=data.xlsx"],
            "ERROR: --mlgate-data: data.xlsx: unknown data format '.xlsx'; use .csv, .json, .jsonl*",
        ),
        (["--mlgate-data=missing.csv"], "ERROR: --mlgate-data: missing.csv: data file not found"),
    ],
)
def test_bad_options_are_usage_errors_before_any_test(
    pytester: pytest.Pytester, args: list[str], message: str
) -> None:
    pytester.makepyfile(test_plain="def test_ok(): pass\n")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_the_plugin_reads_no_variables(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job's settings for mlgate's commands (here a metrics file as MLGATE_CANDIDATE)
    leave an ordinary pytest run alone: no usage error, no results file."""
    monkeypatch.setenv("MLGATE_CANDIDATE", "candidate.json")
    monkeypatch.setenv("MLGATE_MODEL_TESTS", "from-env.json")
    monkeypatch.setenv("MLGATE_TEST_DATA", "missing.csv")
    pytester.makepyfile(test_plain="def test_ok(): pass\n")
    pytester.runpytest().assert_outcomes(passed=1)
    assert not (pytester.path / "from-env.json").exists()


def test_a_run_id_is_a_candidate(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_ok(): pass\n")
    pytester.runpytest(
        "--mlgate-candidate=0123456789abcdef0123456789abcdef", "--mlgate-results=r.json"
    ).assert_outcomes(passed=1)
    results = read_results(pytester.path / "r.json")
    assert results.candidate_uri == "runs:/0123456789abcdef0123456789abcdef/model"
    assert results.candidate_run_id == "0123456789abcdef0123456789abcdef"


def test_failures_become_escaped_github_annotations(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    pytester.makepyfile(
        test_model="""
import pytest

@pytest.mark.model_test(critical=False)
def test_minor():
    raise AssertionError("50% worse\\n::error::injected")

def test_critical():
    assert False, "broken, badly: yes"
"""
    )
    result = pytester.runpytest()
    # mlgate's own lines (with CI set, pytest's short summary also prints the raw
    # message; `mlgate test` stops workflow commands around the whole pytest run).
    lines = [line for line in result.stdout.lines if line.startswith(("::error ", "::warning "))]
    assert lines == [
        "::error file=test_model.py,line=7,title=mlgate model test (critical)%3A test_critical::broken, badly: yes%0Aassert False",
        "::warning file=test_model.py,line=3,title=mlgate model test (non-critical)%3A test_minor::50%25 worse%0A::error::injected",
    ]


def test_a_results_file_that_cannot_be_written_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_ok(): pass\n")
    (pytester.path / "taken").mkdir()
    result = pytester.runpytest("--mlgate-results=taken")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "mlgate: error: taken: cannot write: Is a directory" in result.stdout.str()


def test_results_are_the_same_under_xdist(pytester: pytest.Pytester) -> None:
    """The controller only sees reports sent back by the workers: critical flags and tags
    travel in user_properties, so the results file says the same as without -n."""
    pytester.makepyfile(test_model=MIXED)
    pytester.runpytest_subprocess("-n", "2", "-p", "xdist", "--mlgate-results=xdist.json")
    pytester.runpytest("--mlgate-results=serial.json")
    parallel = read_results(pytester.path / "xdist.json")
    serial = read_results(pytester.path / "serial.json")

    def outcomes(results: object) -> dict[str, tuple[str, bool, tuple[str, ...], str]]:
        return {
            t.nodeid: (t.outcome.value, t.critical, t.tags, t.message)
            for t in results.tests  # type: ignore[attr-defined]
        }

    assert outcomes(parallel) == outcomes(serial)
    assert len(parallel.tests) == 7


EDGES = """
import pytest

@pytest.fixture
def leaky():
    yield
    raise RuntimeError("cannot clean up")

@pytest.fixture
def gpu():
    pytest.skip("no GPU in setup")

@pytest.mark.model_test(critical=False)
@pytest.mark.xfail(reason="flaky upstream")
def test_xpasses():
    pass

@pytest.mark.model_test(critical=True)
@pytest.mark.xfail(reason="must fail", strict=True)
def test_strict_xpass():
    pass

@pytest.mark.model_test(critical=True)
def test_teardown_breaks(leaky):
    pass

@pytest.mark.model_test(critical=True)
def test_fails_then_teardown_breaks(leaky):
    assert False, "the check itself"

@pytest.mark.model_test(critical=True)
def test_skipped_in_setup(gpu):
    pass
"""


def test_edge_outcomes_xpass_strict_teardown_and_setup_skips(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_edges=EDGES)
    pytester.runpytest("--mlgate-results=r.json")
    by_name = {t.nodeid.split("::")[-1]: t for t in read_results(pytester.path / "r.json").tests}
    assert {name: t.outcome.value for name, t in by_name.items()} == {
        "test_xpasses": "xpassed",
        "test_strict_xpass": "failed",
        "test_teardown_breaks": "error",
        "test_fails_then_teardown_breaks": "failed",
        "test_skipped_in_setup": "skipped",
    }
    assert by_name["test_xpasses"].message == "flaky upstream"
    assert "XPASS(strict)" in by_name["test_strict_xpass"].message
    assert by_name["test_teardown_breaks"].message == (
        "error in teardown: RuntimeError: cannot clean up"
    )
    assert by_name["test_fails_then_teardown_breaks"].message.startswith("the check itself"), (
        "the failure is what the test found; the teardown error does not hide it"
    )
    assert by_name["test_skipped_in_setup"].message == "no GPU in setup"
