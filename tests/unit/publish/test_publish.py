"""What the publish job writes and says before (and without) any API call: the commit
status's name and text, the files GitLab CI reads, and what happens with no token — the
report is still on disk, and the problem says what to set."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from mlgate.core.comments import CommentMode
from mlgate.core.verdict import Identity, Verdict
from mlgate.publish import status_name, status_text
from mlgate.publish.github import publish_github
from mlgate.publish.gitlab import dotenv_report, metrics_report, publish_gitlab

HOSTILE = "churn\n::error::x <b>`|*[a](javascript:x)"


def test_the_status_is_named_after_the_model(passing: Verdict) -> None:
    assert status_name(replace(passing, model="churn-classifier")) == "mlgate/churn-classifier"
    assert status_name(replace(passing, model=None)) == "mlgate/model"


def test_a_hostile_model_name_stays_one_short_plain_line_in_the_status(passing: Verdict) -> None:
    name = status_name(replace(passing, model=HOSTILE + "x" * 200))
    assert "\n" not in name and len(name) <= len("mlgate/") + 80


def test_the_status_text_names_what_failed(passing: Verdict, failing: Verdict) -> None:
    assert status_text(passing) == "passed"
    text = status_text(failing)
    assert text.startswith("failed: ")
    failed = [row.name for row in failing.metrics if row.gated and row.status.value == "fail"]
    assert failed and all(name in text for name in failed[:3])


def test_a_first_model_says_there_is_no_production_yet(first_model: Verdict) -> None:
    assert status_text(first_model) == "no production model yet; bounds passed"


def test_the_status_text_lists_at_most_three_short_names(failing: Verdict) -> None:
    rows = tuple(replace(failing.metrics[0], name=f"{'m' * 50}{i}") for i in range(6))
    rows = tuple(replace(row, status=failing.metrics[0].status) for row in rows)
    text = status_text(replace(failing, metrics=rows))
    assert text.count(",") <= 2 and len(text) < 140


def test_gitlab_metrics_report_has_one_openmetrics_line_per_finite_metric(
    passing: Verdict,
) -> None:
    lines = metrics_report(passing).splitlines()
    finite = [r for r in passing.metrics if r.candidate is not None]
    assert len(lines) == len(finite)
    for line in lines:
        assert re.fullmatch(r"[A-Za-z_:][A-Za-z0-9_:]* -?[0-9.e+-]+", line), line


def test_gitlab_metric_names_are_made_valid(passing: Verdict) -> None:
    rows = (
        replace(passing.metrics[0], name="latency p95 (ms)", candidate=12.5),
        replace(passing.metrics[0], name="1st-metric", candidate=0.5),
        replace(passing.metrics[0], name="nan", candidate=float("nan")),
        replace(passing.metrics[0], name="none", candidate=None),
    )
    report = metrics_report(replace(passing, metrics=rows))
    assert report == "latency_p95__ms_ 12.5\n_1st_metric 0.5\n"


def test_gitlab_dotenv_carries_the_verdict_for_later_jobs(passing: Verdict) -> None:
    verdict = replace(
        passing,
        candidate=replace(passing.candidate, model_version="4", commit="a" * 40),
        baseline=Identity(label="production", model_version="3"),
    )
    values = dict(line.split("=", 1) for line in dotenv_report(verdict).splitlines())
    assert values == {
        "MLGATE_VERDICT": "pass",
        "MLGATE_MODEL": verdict.model or "",
        "MLGATE_CANDIDATE_VERSION": "4",
        "MLGATE_BASELINE_VERSION": "3",
        "MLGATE_COMMIT": "a" * 40,
    }


def test_a_hostile_model_name_cannot_add_a_dotenv_variable(passing: Verdict) -> None:
    report = dotenv_report(replace(passing, model="m\nMLGATE_VERDICT=pass\nX=$(id)"))
    lines = report.splitlines()
    assert len(lines) == 5
    assert [line.split("=", 1)[0] for line in lines].count("MLGATE_VERDICT") == 1
    assert all(re.fullmatch(r"[A-Z_]+=[A-Za-z0-9._:/@+-]*", line) for line in lines), lines


def test_a_first_model_has_no_baseline_version(first_model: Verdict) -> None:
    assert "MLGATE_BASELINE_VERSION=\n" in dotenv_report(first_model)


@pytest.fixture
def gitlab_job(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("GITLAB_TOKEN", "MLGATE_GITLAB_TOKEN", "CI_MERGE_REQUEST_IID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI_API_V4_URL", "http://127.0.0.1:9/api/v4")
    monkeypatch.setenv("CI_PROJECT_ID", "42")
    monkeypatch.setenv("CI_PIPELINE_URL", "http://127.0.0.1:9/acme/churn/-/pipelines/1")
    return monkeypatch


def test_gitlab_without_a_token_writes_every_report_and_says_what_to_set(
    gitlab_job: pytest.MonkeyPatch, failing: Verdict, tmp_path: Path
) -> None:
    outcome = publish_gitlab(failing, mode=CommentMode.UPDATE, status=True, out_dir=tmp_path)
    assert outcome.comment_url is None
    assert outcome.problems == [
        "no token: set GITLAB_TOKEN (a project access token with the api scope)"
    ]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["metrics.txt", "mlgate-comment.md", "mlgate-junit.xml", "mlgate.env"]
    assert outcome.comment_file == tmp_path / "mlgate-comment.md"
    comment = outcome.comment_file.read_text(encoding="utf-8")
    assert comment.startswith("<!-- mlgate:report model=")
    assert "<testsuite" in (tmp_path / "mlgate-junit.xml").read_text(encoding="utf-8")


def test_gitlab_with_only_the_job_token_explains_why_it_is_not_enough(
    gitlab_job: pytest.MonkeyPatch, passing: Verdict, tmp_path: Path
) -> None:
    gitlab_job.setenv("CI_JOB_TOKEN", "job-secret")
    outcome = publish_gitlab(passing, mode=CommentMode.UPDATE, status=True, out_dir=tmp_path)
    assert len(outcome.problems) == 1
    assert "CI_JOB_TOKEN" in outcome.problems[0]
    assert "job-secret" not in outcome.problems[0]


@pytest.fixture
def github_job(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Path]:
    for name in ("GITHUB_TOKEN", "MLGATE_GITHUB_TOKEN", "GITHUB_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    files = {
        "event": tmp_path / "event.json",
        "summary": tmp_path / "summary.md",
        "output": tmp_path / "output",
    }
    files["event"].write_text(
        json.dumps({"pull_request": {"number": 7, "head": {"sha": "f" * 40}}}), encoding="utf-8"
    )
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/churn")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(files["event"]))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(files["summary"]))
    monkeypatch.setenv("GITHUB_OUTPUT", str(files["output"]))
    return files


def test_github_without_a_token_still_writes_the_comment_summary_and_outputs(
    github_job: dict[str, Path], failing: Verdict, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    outcome = publish_github(failing, mode=CommentMode.UPDATE, status=True, out_dir=out)
    assert outcome.problems == [
        "no token: set GITHUB_TOKEN (permissions: pull-requests: write, statuses: write)"
    ]
    assert (out / "mlgate-comment.md").read_text(encoding="utf-8").startswith("<!-- mlgate")
    assert "failed" in github_job["summary"].read_text(encoding="utf-8")
    output = github_job["output"].read_text(encoding="utf-8")
    assert re.search(r"^verdict<<MLGATE_EOF_\w+\nfail\n", output, flags=re.M)
    assert re.search(r"^comment-url<<MLGATE_EOF_\w+\n\n", output, flags=re.M)
    assert any(line.startswith("::error title=mlgate") for line in outcome.workflow_commands)
    assert not any(line.startswith("::add-mask::") for line in outcome.workflow_commands)
