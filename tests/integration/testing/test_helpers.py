"""mlgate.testing's helpers on real scikit-learn models logged to a local MLflow store and
loaded back as MLflow pyfunc models, the way the plugin's fixtures load them."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from model_store import FEATURES, ModelStore

from mlgate.adapters.models import folder_of
from mlgate.testing import (
    Case,
    ModelTestFailure,
    assert_cases,
    assert_directional,
    assert_invariant,
    assert_latency,
    assert_no_regression,
    assert_size,
    load_model,
    model_size,
)


@pytest.fixture(scope="module")
def models(model_store: ModelStore) -> dict[str, Any]:
    import mlflow

    mlflow.set_tracking_uri(model_store.tracking_uri)
    return {
        "production": load_model(model_store.production_uri),
        "candidate": load_model(model_store.candidate_uri),
        "degraded": load_model(model_store.degraded_uri),
    }


@pytest.fixture(scope="module")
def golden(model_store: ModelStore) -> pd.DataFrame:
    return pd.read_csv(model_store.golden_csv)


def churn_probability(model: Any) -> Any:
    raw = model.get_raw_model()
    return lambda data: raw.predict_proba(data[FEATURES])[:, 1]


def test_invariance_holds_for_an_irrelevant_change(
    models: dict[str, Any], golden: pd.DataFrame
) -> None:
    data = golden[FEATURES]
    result = assert_invariant(
        models["candidate"], data, lambda d: d.assign(charges=d["charges"].round(2))
    )
    assert (result.checked, result.violations) == (300, 0)


def test_invariance_failure_names_rows_and_counts(
    models: dict[str, Any], golden: pd.DataFrame
) -> None:
    data = golden[FEATURES]
    with pytest.raises(ModelTestFailure) as caught:
        assert_invariant(
            models["candidate"], data, lambda d: d.assign(calls=d["calls"] + 6), name="calls"
        )
    message = str(caught.value)
    before = models["candidate"].predict(data)
    after = models["candidate"].predict(data.assign(calls=data["calls"] + 6))
    changed = int((before != after).sum())
    assert changed > 5
    assert message.startswith(f"invariance (calls): {changed} of 300 predictions changed (")
    first = int((before != after).argmax())
    assert f"row {first}: {before[first]} → {after[first]}" in message
    assert f"… and {changed - 5} more" in message


def test_invariance_tolerates_the_allowed_share(
    models: dict[str, Any], golden: pd.DataFrame
) -> None:
    data = golden[FEATURES]
    result = assert_invariant(
        models["candidate"],
        data,
        lambda d: d.assign(calls=d["calls"] + 6),
        max_changed_fraction=1.0,
    )
    assert result.violations == len(result.examples) > 5


def test_directional_expectation_on_scores(models: dict[str, Any], golden: pd.DataFrame) -> None:
    data = golden[FEATURES]
    more_calls = lambda d: d.assign(calls=d["calls"] + 2)  # noqa: E731
    result = assert_directional(
        models["candidate"],
        data,
        more_calls,
        direction="up",
        predict=churn_probability(models["candidate"]),
    )
    assert result.violations == 0
    with pytest.raises(
        ModelTestFailure, match=r"to go up by at least 0.5 under the perturbation; "
    ):
        assert_directional(
            models["candidate"],
            data,
            more_calls,
            direction="up",
            min_change=0.5,
            predict=churn_probability(models["candidate"]),
        )
    with pytest.raises(ModelTestFailure) as caught:
        assert_directional(
            models["candidate"],
            data,
            more_calls,
            direction="down",
            predict=churn_probability(models["candidate"]),
        )
    message = str(caught.value)
    assert (
        "expected every prediction to go down or stay under the perturbation; 300 of 300 did not"
        in message
    )
    assert "worst change +" in message and "row " in message


def test_directional_needs_one_number_per_example(
    models: dict[str, Any], golden: pd.DataFrame
) -> None:
    raw = models["candidate"].get_raw_model()
    with pytest.raises(ValueError, match="returns 2 values per example; say which with output="):
        assert_directional(
            raw, golden[FEATURES], golden[FEATURES], direction="up", predict=raw.predict_proba
        )
    result = assert_directional(
        raw,
        golden[FEATURES],
        lambda d: d.assign(tenure=d["tenure"] + 24),
        direction="down",
        predict=raw.predict_proba,
        output=1,
    )
    assert result.violations == 0


def test_minimum_functionality_checklist(models: dict[str, Any]) -> None:
    cases = [
        Case("loyal, no calls", {"tenure": 70.0, "charges": 50.0, "calls": 0.0}, 0),
        Case("new and angry", {"tenure": 1.0, "charges": 110.0, "calls": 9.0}, 1),
    ]
    assert assert_cases(models["candidate"], cases).violations == 0
    wrong = [*cases, Case("loyal says churn", {"tenure": 71.0, "charges": 40.0, "calls": 0.0}, 1)]
    with pytest.raises(ModelTestFailure) as caught:
        assert_cases(models["candidate"], wrong, name="churn basics")
    assert str(caught.value) == (
        "minimum functionality (churn basics): 1 of 3 cases failed (pass rate 66.7%, required "
        "100%): 'loyal says churn': expected 1, got 0"
    )


def test_checklist_as_a_dataframe(models: dict[str, Any]) -> None:
    table = pd.DataFrame(
        {
            "name": ["loyal", "angry"],
            "tenure": [70.0, 1.0],
            "charges": [50.0, 110.0],
            "calls": [0.0, 9.0],
            "expected": [0, 0],
        }
    )
    with pytest.raises(ModelTestFailure, match="'angry': expected 0, got 1"):
        assert_cases(models["candidate"], table)
    assert assert_cases(models["candidate"], table, min_pass_rate=0.5).violations == 1


def test_no_regression_against_production(models: dict[str, Any], golden: pd.DataFrame) -> None:
    result = assert_no_regression(
        models["candidate"], models["production"], golden, "label", max_new_error_rate=0.02
    )
    assert result.examples == 300 and result.baseline_right > 150
    assert result.new_errors <= 0.02 * result.baseline_right


def test_a_degraded_model_regresses_on_the_golden_set(
    models: dict[str, Any], golden: pd.DataFrame
) -> None:
    features, labels = golden[FEATURES], golden["label"].to_numpy()
    production = models["production"].predict(features)
    degraded = models["degraded"].predict(features)
    new_errors = int(((production == labels) & (degraded != labels)).sum())
    fixed = int(((production != labels) & (degraded == labels)).sum())
    right = int((production == labels).sum())
    with pytest.raises(ModelTestFailure) as caught:
        assert_no_regression(
            models["degraded"], models["production"], golden, "label", max_new_errors=3
        )
    message = str(caught.value)
    assert new_errors > 3
    assert message.startswith(
        f"no regression on the golden set: the candidate gets {new_errors} of the {right} examples "
        f"production gets right wrong ("
    )
    assert f"allowed 3); it fixes {fixed} that production gets wrong." in message
    assert "(label " in message and ": production " in message and ", candidate " in message


def test_latency_budget(models: dict[str, Any], golden: pd.DataFrame) -> None:
    data = golden[FEATURES]
    stats = assert_latency(
        models["candidate"], data, p95_ms=5_000, calls=15, warmup=3, batch_size=4
    )
    assert stats.calls == 15 and stats.batch_size == 4
    assert 0 < stats.p50_ms <= stats.p95_ms <= stats.max_ms
    with pytest.raises(ModelTestFailure) as caught:
        assert_latency(models["candidate"], data, p50_ms=1e-6, calls=5, warmup=1)
    assert str(caught.value).startswith("latency: p50 ")
    assert "is over the budget of 1e-06 ms (p50 " in str(caught.value)
    assert "5 calls of 1 row after 1 warm-up calls" in str(caught.value)


def test_size_budget(models: dict[str, Any], model_store: ModelStore) -> None:
    stats = model_size(models["candidate"])
    assert stats.bytes > 1000
    folder = folder_of(models["candidate"])
    assert folder is not None
    assert stats.bytes == sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    sizes = [size for _, size in stats.largest]
    assert sizes == sorted(sizes, reverse=True) and len(sizes) <= 5
    assert assert_size(models["candidate"], max_mb=50).bytes == stats.bytes
    with pytest.raises(ModelTestFailure) as caught:
        assert_size(models["candidate"], max_bytes=100)
    assert f"({stats.bytes:,} bytes), over the budget of 100 B" in str(caught.value)
    assert "largest files: " in str(caught.value)
    with pytest.raises(TypeError, match="measures models loaded by mlgate"):
        model_size(models["candidate"].get_raw_model())
