"""The evaluate job on files, called as a library: metrics files and per-example
predictions → one verdict (what is compared, what is folded in), the model-test results it
expects, and the order outputs are written in — the verdict before anything that can fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.core.checks import Status
from mlgate.core.model_tests import ModelTest, ModelTests, Outcome
from mlgate.core.verdict import Overall
from mlgate.errors import InputError, UsageError
from mlgate.evaluate.compare import compare_files, load_model_tests
from mlgate.evaluate.outputs import ReportOptions, write_outputs
from mlgate.files.config import Config, load_config
from mlgate.files.model_tests import results_document
from mlgate.files.verdict import read_verdict

ROOT = Path(__file__).resolve().parents[3]
QUICKSTART = ROOT / "examples" / "quickstart"
PREDICTIONS = ROOT / "examples" / "predictions"


@pytest.fixture
def config() -> Config:
    return load_config(QUICKSTART / "mlgate.yml")


def test_two_metrics_files_give_a_verdict_with_both_identities(config: Config) -> None:
    verdict = compare_files(
        candidate=QUICKSTART / "candidate.json",
        baseline=QUICKSTART / "production.json",
        config=config,
    )
    assert verdict.status is Overall.PASS
    assert verdict.baseline is not None and verdict.candidate.label
    assert verdict.created_at and verdict.created_at.endswith("Z")
    assert verdict.mlgate_version


def test_no_baseline_means_no_production_model(config: Config) -> None:
    verdict = compare_files(candidate=QUICKSTART / "candidate.json", baseline=None, config=config)
    assert verdict.status is Overall.NO_BASELINE and verdict.baseline is None


def test_the_model_option_names_the_verdict(config: Config) -> None:
    verdict = compare_files(
        candidate=QUICKSTART / "candidate.json", baseline=None, config=config, model="other"
    )
    assert verdict.model == "other"


def test_the_candidate_is_required(config: Config) -> None:
    with pytest.raises(UsageError, match="give the candidate"):
        compare_files(candidate=None, baseline=QUICKSTART / "production.json", config=config)


def test_the_same_file_on_both_sides_is_refused(
    config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(QUICKSTART)
    with pytest.raises(UsageError, match="the candidate and the baseline are the same file"):
        compare_files(
            candidate=Path("candidate.json"), baseline=QUICKSTART / "candidate.json", config=config
        )


def test_predictions_alone_are_compared_with_intervals() -> None:
    config = load_config(PREDICTIONS / "mlgate.yml")
    verdict = compare_files(
        candidate=None,
        baseline=None,
        config=config,
        candidate_predictions=PREDICTIONS / "candidate.csv",
        baseline_predictions=PREDICTIONS / "production.csv",
    )
    gated = [row for row in verdict.metrics if row.gated]
    assert gated and all(row.interval is not None for row in gated)
    assert verdict.candidate.label == str(PREDICTIONS / "candidate.csv")
    assert verdict.baseline is not None and verdict.baseline.label == str(
        PREDICTIONS / "production.csv"
    )


def test_the_same_predictions_file_twice_is_refused() -> None:
    config = load_config(PREDICTIONS / "mlgate.yml")
    with pytest.raises(UsageError, match="same file"):
        compare_files(
            candidate=None,
            baseline=None,
            config=config,
            candidate_predictions=PREDICTIONS / "candidate.csv",
            baseline_predictions=PREDICTIONS / "candidate.csv",
        )


def write_results(path: Path, *outcomes: Outcome) -> Path:
    tests = tuple(
        ModelTest(nodeid=f"t.py::test_{i}", outcome=o, critical=True)
        for i, o in enumerate(outcomes)
    )
    path.write_text(json.dumps(results_document(ModelTests(tests=tests))), encoding="utf-8")
    return path


def test_a_failed_critical_model_test_fails_the_verdict(config: Config, tmp_path: Path) -> None:
    results = write_results(tmp_path / "r.json", Outcome.PASSED, Outcome.FAILED)
    verdict = compare_files(
        candidate=QUICKSTART / "candidate.json",
        baseline=QUICKSTART / "production.json",
        config=config,
        model_tests=results,
    )
    assert verdict.status is Overall.FAIL
    assert verdict.tests is not None and len(verdict.tests.tests) == 2


def configured(tmp_path: Path, tests: str) -> Config:
    path = tmp_path / "mlgate.yml"
    path.write_text(f"model: churn\ntests:\n{tests}", encoding="utf-8")
    return load_config(path)


def test_configured_results_that_are_missing_are_reported_not_ignored(tmp_path: Path) -> None:
    config = configured(tmp_path, "  paths: [tests]\n  results: out/r.json\n")
    missing = load_model_tests(None, config=config)
    assert missing is not None and missing.problem
    assert "run `mlgate test` before evaluating" in missing.problem


def test_configured_results_are_read_from_where_the_config_says(tmp_path: Path) -> None:
    config = configured(tmp_path, "  paths: [tests]\n  results: r.json\n")
    write_results(tmp_path / "r.json", Outcome.PASSED)
    found = load_model_tests(None, config=config)
    assert found is not None and [t.outcome for t in found.tests] == [Outcome.PASSED]


def test_no_tests_section_means_no_results(config: Config) -> None:
    assert load_model_tests(None, config=config) is None


def test_an_explicit_results_file_must_exist(config: Config, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="model test results not found"):
        load_model_tests(tmp_path / "r.json", config=config)


def test_outputs_the_verdict_first_then_the_report(config: Config, tmp_path: Path) -> None:
    verdict = compare_files(
        candidate=QUICKSTART / "candidate-regressed.json",
        baseline=QUICKSTART / "production.json",
        config=config,
    )
    markdown = write_outputs(
        verdict,
        verdict_path=tmp_path / "v.json",
        report_path=tmp_path / "r.md",
        options=ReportOptions(max_chars=65_536),
    )
    assert read_verdict(tmp_path / "v.json").status is Overall.FAIL
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == markdown


def test_a_broken_template_still_leaves_the_verdict(config: Config, tmp_path: Path) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text("{% if %}", encoding="utf-8")
    verdict = compare_files(candidate=QUICKSTART / "candidate.json", baseline=None, config=config)
    with pytest.raises(InputError, match="template error"):
        write_outputs(
            verdict,
            verdict_path=tmp_path / "v.json",
            report_path=tmp_path / "r.md",
            options=ReportOptions(max_chars=65_536, template=template),
        )
    assert (tmp_path / "v.json").exists() and not (tmp_path / "r.md").exists()


def test_a_shortened_report_points_at_the_verdict_file(config: Config, tmp_path: Path) -> None:
    verdict = compare_files(
        candidate=QUICKSTART / "candidate-regressed.json",
        baseline=QUICKSTART / "production.json",
        config=config,
    )
    markdown = write_outputs(
        verdict,
        verdict_path=tmp_path / "v.json",
        report_path=None,
        options=ReportOptions(max_chars=1_000),
    )
    assert len(markdown) <= 1_000
    assert "Full details: every row is in" in markdown and "v.json" in markdown


def test_failing_rows_are_named_in_the_checks(config: Config) -> None:
    verdict = compare_files(
        candidate=QUICKSTART / "candidate-regressed.json",
        baseline=QUICKSTART / "production.json",
        config=config,
    )
    assert any(row.status is Status.FAIL for row in verdict.metrics)


def test_a_logged_metric_is_kept_beside_the_computed_one() -> None:
    from mlgate.core.metricset import MetricSet
    from mlgate.core.verdict import Identity
    from mlgate.evaluate.predictions import with_computed

    logged = MetricSet(
        identity=Identity(label="run"), metrics={"eval_rmse": 3125.0, "latency_ms": 4.0}
    )
    merged = with_computed(logged, {"rmse": 55.94})
    assert merged.metrics == {"eval_rmse": 3125.0, "latency_ms": 4.0, "rmse": 55.94}
    assert merged.recomputed == {"eval_rmse": (3125.0, 55.94)}
    same_name = with_computed(logged, {"eval_rmse": 55.94})
    assert same_name.metrics["eval_rmse"] == 55.94
    assert same_name.recomputed == {"eval_rmse": (3125.0, 55.94)}
