"""The plugin's model fixtures with real models (pytester, a local MLflow store): the
candidate and the production model loaded once per session, the production alias
resolved in the registry, the eval data, and what happens when a model is missing."""

from __future__ import annotations

import pytest
from model_store import ModelStore

from mlgate.files.model_tests import read_results

FIXTURES = """
import pandas as pd
from mlflow.pyfunc import PyFuncModel
from mlgate.testing import assert_no_regression

SEEN = []

def test_candidate_is_a_pyfunc_model(candidate_model):
    assert isinstance(candidate_model, PyFuncModel)
    SEEN.append(id(candidate_model))

def test_candidate_is_loaded_once(candidate_model):
    SEEN.append(id(candidate_model))
    assert len(set(SEEN)) == 1

def test_baseline_is_production(baseline_model):
    assert baseline_model.metadata.run_id == "{production_run}"

def test_eval_data_is_the_golden_set(eval_data):
    assert isinstance(eval_data, pd.DataFrame)
    assert list(eval_data.columns) == ["tenure", "charges", "calls", "label"]
    assert len(eval_data) == 300

def test_no_regression(candidate_model, baseline_model, eval_data):
    assert_no_regression(candidate_model, baseline_model, eval_data, "label", max_new_errors=5)
"""


@pytest.fixture
def store_env(model_store: ModelStore, plugin_environment: pytest.MonkeyPatch) -> ModelStore:
    plugin_environment.setenv("MLFLOW_TRACKING_URI", model_store.tracking_uri)
    return model_store


def run_id(uri: str) -> str:
    return uri.split("/")[1]


def test_fixtures_load_the_candidate_production_and_the_data(
    pytester: pytest.Pytester, store_env: ModelStore
) -> None:
    production_run = run_id(store_env.production_uri)
    pytester.makepyfile(test_models=FIXTURES.replace("{production_run}", production_run))
    result = pytester.runpytest(
        f"--mlgate-candidate={store_env.candidate_uri}",
        "--mlgate-model=churn",  # the baseline: models:/churn@champion
        f"--mlgate-data={store_env.golden_csv}",
        "--mlgate-results=results.json",
    )
    result.assert_outcomes(passed=5)
    results = read_results(pytester.path / "results.json")
    assert results.candidate_uri == store_env.candidate_uri
    assert results.candidate_run_id == run_id(store_env.candidate_uri)
    assert results.baseline_uri == "models:/churn@champion"


def test_a_degraded_candidate_fails_the_golden_set(
    pytester: pytest.Pytester, store_env: ModelStore
) -> None:
    pytester.makepyfile(
        test_models=FIXTURES.replace("{production_run}", run_id(store_env.production_uri))
    )
    result = pytester.runpytest(
        f"--mlgate-candidate={store_env.degraded_uri}",
        f"--mlgate-baseline={store_env.production_uri}",
        f"--mlgate-data={store_env.golden_csv}",
        "--mlgate-results=results.json",
        "-k",
        "no_regression",
    )
    result.assert_outcomes(failed=1)
    [test] = read_results(pytester.path / "results.json").tests
    assert test.critical and test.message.startswith(
        "no regression on the golden set: the candidate gets "
    )


def test_no_production_model_yet_skips_the_tests_that_need_it(
    pytester: pytest.Pytester, store_env: ModelStore
) -> None:
    pytester.makepyfile(
        test_models="def test_uses_production(baseline_model):\n    pass\n\n"
        "def test_only_candidate(candidate_model):\n    pass\n"
    )
    result = pytester.runpytest(
        f"--mlgate-candidate={store_env.candidate_uri}",
        "--mlgate-model=churn",
        "--mlgate-baseline=nobody-holds-this",
        "--mlgate-results=results.json",
        "-rs",
    )
    result.assert_outcomes(passed=1, skipped=1)
    [skipped] = [
        t
        for t in read_results(pytester.path / "results.json").tests
        if t.outcome.value == "skipped"
    ]
    assert skipped.message.startswith("no production model yet (models:/churn@nobody-holds-this: ")


def test_a_candidate_that_cannot_be_loaded_errors_every_test_that_uses_it(
    pytester: pytest.Pytester, store_env: ModelStore
) -> None:
    pytester.makepyfile(
        test_models="def test_a(candidate_model):\n    pass\n\ndef test_b(candidate_model):\n    pass\n"
    )
    missing = "runs:/" + "0" * 32 + "/model"
    result = pytester.runpytest(f"--mlgate-candidate={missing}", "--mlgate-results=results.json")
    result.assert_outcomes(errors=2)
    tests = read_results(pytester.path / "results.json").tests
    assert [t.outcome.value for t in tests] == ["error", "error"]
    assert tests[0].message.startswith(
        f"error in setup: mlgate: cannot load the candidate model: {missing}: "
    )
    assert "Traceback" not in result.stdout.str()
