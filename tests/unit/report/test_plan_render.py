from __future__ import annotations

import json

import pytest
import yaml

from mlgate.core.plan import Plan, Planned
from mlgate.report.plan import MatrixTooLarge, github_matrix, gitlab_pipeline


def plan_of(*names: str) -> Plan:
    planned = tuple(
        Planned(
            model=n, config=f"models/{i}/mlgate.yml", working_directory=f"models/{i}", reason=""
        )
        for i, n in enumerate(names)
    )
    return Plan(planned=planned, models=len(planned))


def test_the_github_matrix_is_one_line_of_json() -> None:
    text = github_matrix(plan_of("churn", "fraud"))
    assert "\n" not in text
    assert json.loads(text) == {
        "include": [
            {"model": "churn", "config": "models/0/mlgate.yml", "working-directory": "models/0"},
            {"model": "fraud", "config": "models/1/mlgate.yml", "working-directory": "models/1"},
        ]
    }
    assert json.loads(github_matrix(plan_of())) == {"include": []}


def test_past_256_models_the_matrix_says_how_to_split() -> None:
    with pytest.raises(MatrixTooLarge, match=r"300 models.*--shard 1/2 --shard 2/2"):
        github_matrix(plan_of(*(f"m{i}" for i in range(300))))


def test_the_child_pipeline_quotes_every_name_and_defuses_variables() -> None:
    hostile = 'x": y\n$CI_JOB_TOKEN `rm -rf /` #'
    text = gitlab_pipeline(
        plan_of("churn", hostile),
        include={"local": "/ci_templates/mlgate.yml"},
        inputs={"register": True, "image": "python:3.12"},
        candidate="models:/{model}@challenger",
    )
    pipeline = yaml.safe_load(text)
    assert pipeline["include"] == [
        {"local": "/ci_templates/mlgate.yml", "inputs": {"register": True, "image": "python:3.12"}}
    ]
    assert pipeline["stages"] == [
        "test",
        "mlgate-evaluate",
        "mlgate-summary",
        "mlgate-promote",
        "deploy",
    ]
    promote = pipeline[f"mlgate-promote {hostile}"]
    assert promote["extends"] == ".mlgate-promote" and promote["when"] == "manual"
    assert promote["needs"] == [{"job": f"mlgate-evaluate {hostile}", "artifacts": True}]
    job = pipeline[f"mlgate-evaluate {hostile}"]
    assert job["extends"] == ".mlgate-evaluate"
    assert job["variables"]["MLGATE_MODEL"] == hostile.replace("$", "$$")
    assert (
        job["variables"]["MLGATE_CANDIDATE"] == f"models:/{hostile.replace('$', '$$')}@challenger"
    )
    assert job["variables"]["MLGATE_WORKING_DIRECTORY"] == "models/1"
    assert job["variables"]["MLGATE_CONFIG"] == "mlgate.yml"
    assert "models/1/verdict.json" in job["artifacts"]["paths"]
    summary = pipeline["mlgate-summary"]
    assert summary["extends"] == ".mlgate-summary"
    planned = json.loads(summary["variables"]["MLGATE_PLAN_JSON"].replace("$$", "$"))
    assert [p["model"] for p in planned["include"]] == ["churn", hostile]


def test_an_empty_plan_still_has_the_summary_job() -> None:
    pipeline = yaml.safe_load(gitlab_pipeline(plan_of()))
    assert [k for k in pipeline if k not in ("include", "stages", "variables")] == [
        "mlgate-summary"
    ]


def test_the_terminal_lines_carry_no_control_characters() -> None:
    from mlgate.report.plan import plan_text

    text = plan_text(plan_of("evil\n::error::forged", "fine"))
    assert all(not line.startswith("::") for line in text.splitlines())
    assert len(text.splitlines()) == 3
