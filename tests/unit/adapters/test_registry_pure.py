"""The registry adapter's pure parts: tags and prefixes (no server needed)."""

from __future__ import annotations

import pytest

from mlgate.adapters.registry import _with_prefix, verdict_tags
from mlgate.core.checks import Status
from mlgate.core.dataset import Dataset
from mlgate.core.provenance import EvaluationSettings, judge_data
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import Identity, MetricRow, Overall, Verdict


def test_verdict_tags() -> None:
    rows = (
        MetricRow(
            name="acc", baseline=0.9, candidate=0.8, status=Status.FAIL, rule=MetricRule(name="acc")
        ),
        MetricRow(
            name="f1", baseline=0.9, candidate=0.8, status=Status.FAIL, rule=MetricRule(name="f1")
        ),
        MetricRow(name="other", baseline=1, candidate=0, status=Status.INFO),
    )
    verdict = Verdict(
        model="m",
        status=Overall.FAIL,
        candidate=Identity(label="c", commit="abc"),
        baseline=Identity(label="b", model_version="3"),
        metrics=rows,
        config_hash="sha256:x",
        created_at="2026-11-27T00:00:00Z",
        mlgate_version="0.1.0",
    )
    assert verdict_tags(verdict, report_location="runs:/r/mlgate/report.md") == {
        "mlgate.status": "fail",
        "mlgate.commit": "abc",
        "mlgate.config_hash": "sha256:x",
        "mlgate.report": "runs:/r/mlgate/report.md",
        "mlgate.baseline_version": "3",
        "mlgate.evaluated_at": "2026-11-27T00:00:00Z",
        "mlgate.mlgate_version": "0.1.0",
        "mlgate.verdict_schema": "1",
        "mlgate.failed_metrics": "acc,f1",
    }


def test_tags_leave_out_what_is_unknown() -> None:
    verdict = Verdict(
        model="m",
        status=Overall.NO_BASELINE,
        candidate=Identity(label="c"),
        baseline=None,
        metrics=(),
    )
    assert verdict_tags(verdict, report_location=None) == {
        "mlgate.status": "no_baseline",
        "mlgate.verdict_schema": "1",
    }


def test_tags_name_the_evaluation_data_and_what_was_done() -> None:
    dataset = Dataset(name="eval-2026-11", digest="3f" * 16, source="dvc://e.csv@abc")
    data = judge_data(candidate=dataset, baseline=dataset, settings=EvaluationSettings())
    verdict = Verdict(
        model="m",
        status=Overall.PASS,
        candidate=Identity(label="c", dataset=dataset),
        baseline=Identity(label="b", dataset=dataset),
        metrics=(),
        data=data,
    )
    tags = verdict_tags(verdict, report_location=None)
    assert {k: v for k, v in tags.items() if "eval_dataset" in k} == {
        "mlgate.eval_dataset": "eval-2026-11",
        "mlgate.eval_dataset.digest": "3f" * 16,
        "mlgate.eval_dataset.source": "dvc://e.csv@abc",
        "mlgate.eval_dataset.comparison": "same",
    }


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (None, {"eval_acc": 1.0, "train_acc": 2.0, "eval_": 3.0}),
        ("eval_", {"acc": 1.0}),
        ("val_", {}),
    ],
)
def test_prefix(prefix: str | None, expected: dict[str, float]) -> None:
    assert _with_prefix({"eval_acc": 1.0, "train_acc": 2.0, "eval_": 3.0}, prefix) == expected


def test_the_ci_run_is_recorded_with_the_verdict_when_there_is_one() -> None:
    from mlgate.adapters.ci import ci_run_from_environment

    verdict = Verdict(
        model="m", status=Overall.PASS, candidate=Identity(label="c"), baseline=None, metrics=()
    )
    github = {"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "6007"}
    run = ci_run_from_environment(github)
    assert run == "github/6007"
    assert verdict_tags(verdict, report_location=None, ci_run=run)["mlgate.ci_run"] == run
    assert ci_run_from_environment({"GITLAB_CI": "true", "CI_PIPELINE_ID": "88"}) == "gitlab/88"
    assert ci_run_from_environment({"GITHUB_ACTIONS": "true", "GITHUB_RUN_ID": "x; y"}) is None
    assert ci_run_from_environment({}) is None  # a laptop
    assert "mlgate.ci_run" not in verdict_tags(verdict, report_location=None)
