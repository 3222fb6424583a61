"""The pure decisions of mlgate deploy: branch names, templates, key paths, the URI served
and KServe's admission rules."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgate.core.deploy import (
    TemplateError,
    branch_name,
    check_template,
    kserve_admission,
    parse_key_path,
    render,
    served_uri,
    storage_problem,
)

GIT_REF_PART = re.compile(r"[A-Za-z0-9_-]+")


def test_a_plain_name_keeps_its_branch() -> None:
    assert (
        branch_name("churn-classifier", "production") == "mlgate/deploy/churn-classifier/production"
    )


@given(model=st.text(min_size=1, max_size=80), environment=st.text(min_size=1, max_size=30))
def test_any_name_gives_a_safe_and_distinct_branch(model: str, environment: str) -> None:
    branch = branch_name(model, environment)
    prefix, model_part, env_part = branch.rsplit("/", 2)
    assert prefix == "mlgate/deploy"
    assert GIT_REF_PART.fullmatch(model_part) and GIT_REF_PART.fullmatch(env_part)
    if model_part == model:
        assert re.fullmatch(r"[A-Za-z0-9_-]+", model)
    assert branch_name(model + "$", environment) != branch


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{artifact_uri}", "s3://b/7"),
        ("gs://mirror/{name}/{version}", "gs://mirror/m/7"),
        ("{{literal}}/{version}", "{literal}/7"),
        ("plain", "plain"),
    ],
)
def test_templates_fill_their_placeholders(template: str, expected: str) -> None:
    assert render(template, {"name": "m", "version": "7", "artifact_uri": "s3://b/7"}) == expected


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{versoin}", "unknown placeholder {versoin}"),
        ("{name.__class__}", "unknown placeholder"),
        ("{version:>10}", "unknown placeholder"),
        ("lone { brace", "a lone { or }"),
    ],
)
def test_templates_that_would_do_more_than_fill_are_refused(template: str, problem: str) -> None:
    with pytest.raises(TemplateError, match=re.escape(problem)):
        check_template(template, ["name", "version"])


def test_a_value_with_braces_is_not_expanded_again() -> None:
    assert render("{name}/{version}", {"name": "{version}", "version": "7"}) == "{version}/7"


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("model.uri", ("model", "uri")),
        ("spec.containers[0].args[2]", ("spec", "containers", 0, "args", 2)),
        (
            'metadata.annotations["serving.kserve.io/x"]',
            ("metadata", "annotations", "serving.kserve.io/x"),
        ),
        ("a[0][1]", ("a", 0, 1)),
    ],
)
def test_key_paths(text: str, path: tuple[object, ...]) -> None:
    assert parse_key_path(text) == path


@pytest.mark.parametrize("text", ["", ".a", "a.", "a..b", "a[x]", "a[0", 'a["b]'])
def test_malformed_key_paths(text: str) -> None:
    with pytest.raises(ValueError, match="cannot read key path"):
        parse_key_path(text)


def test_the_uri_served() -> None:
    fields = {"name": "m", "version": "7", "artifact_uri": "s3://b/7", "models_uri": "models:/m/7"}
    assert served_uri("artifact", fields) == "s3://b/7"
    assert served_uri("models", fields) == "models:/m/7"
    assert served_uri("gs://x/{name}/{version}", fields) == "gs://x/m/7"
    with pytest.raises(ValueError, match="no artifact location"):
        served_uri("artifact", {**fields, "artifact_uri": ""})
    with pytest.raises(ValueError, match="no run_id"):
        served_uri("{run_id}", fields)


@pytest.mark.parametrize(
    ("uri", "kind", "problem"),
    [
        ("s3://b/7", "kserve", None),
        ("https://acct.blob.core.windows.net/c/m", "kserve", None),
        ("hf://org/model", "kserve", None),
        ("mlflow-artifacts:/1/m/artifacts", "kserve", "read only by MLflow clients"),
        ("runs:/abc/model", "seldon", "read only by MLflow clients"),
        ("wasbs://c@acct/m", "kserve", "KServe's storage initializer reads"),
        ("wasbs://c@acct/m", "seldon", None),
        ("s3://b/with space", "kserve", "no spaces"),
    ],
)
def test_storage_schemes(uri: str, kind: str, problem: str | None) -> None:
    found = storage_problem(uri, kind=kind)
    assert (found is None) if problem is None else (problem in (found or ""))


def _isvc(**spec: object) -> dict[str, object]:
    return {
        "metadata": {"annotations": {"serving.kserve.io/deploymentMode": "Standard"}},
        "spec": {"predictor": {"name": "stable", "sklearn": {}}, **spec},
    }


def test_kserve_admission() -> None:
    assert kserve_admission(_isvc()) == []
    doc = _isvc(
        canary=[
            {"trafficPercent": 60, "predictor": {"name": "a"}},
            {"trafficPercent": 50, "predictor": {"name": "a"}},
            {"trafficPercent": 0, "predictor": {}},
        ]
    )
    problems = dict(kserve_admission(doc))
    assert problems[("spec", "canary", 1, "predictor", "name")] == "canary name 'a' is used twice"
    assert problems[("spec", "canary", 2, "predictor", "name")] == "a canary predictor needs a name"
    assert problems[("spec", "canary")] == "the canaries' trafficPercent adds up to 110"
    serverless = {"spec": {"predictor": {"canaryTrafficPercent": 120}}}
    assert kserve_admission(serverless) == [
        (("spec", "predictor", "canaryTrafficPercent"), "must be 0 to 100")
    ]
    no_mode = {
        "spec": {"predictor": {}, "canary": [{"trafficPercent": 1, "predictor": {"name": "c"}}]}
    }
    assert (
        ("spec", "canary"),
        "spec.canary needs the Standard deployment mode",
    ) in kserve_admission(no_mode)
