"""The metric catalogue: every spelling a user or MLflow writes gets the right direction."""

from __future__ import annotations

import pytest

from mlgate.core.metric_catalogue import Kind, higher_is_better, lookup


@pytest.mark.parametrize(
    ("name", "higher"),
    [
        ("accuracy", True),
        ("acc", True),
        ("val_acc", True),
        ("accuracy_score", True),  # MLflow evaluate()
        ("f1_score", True),
        ("precision_score", True),
        ("recall_score", True),
        ("roc_auc", True),
        ("precision_recall_auc", True),
        ("r2_score", True),
        ("eval_r2", True),
        ("rmse", False),
        ("eval_rmse", False),
        ("root_mean_squared_error", False),
        ("mean_squared_error", False),
        ("mean_absolute_error", False),
        ("max_error", False),
        ("mean_absolute_percentage_error", False),
        ("mse", False),
        ("mae", False),
        ("mape", False),
        ("log_loss", False),
        ("test_log_loss", False),
        ("focal_loss", False),  # *_loss
        ("loss", False),
        ("reconstruction_error", False),  # *_error
        ("error_rate", False),
        ("latency_p95_ms", False),
        ("p99_latency", False),
        ("inference_ms", False),
        ("model_size_kb", False),
        ("Val-RMSE", False),
    ],
)
def test_known_names_have_their_direction(name: str, higher: bool) -> None:
    info = lookup(name)
    assert info is not None, name
    assert info.higher_is_better is higher
    assert higher_is_better(name) is higher


@pytest.mark.parametrize("name", ["conversion", "revenue", "my_metric", "example_count"])
def test_unknown_names_are_unknown_and_default_to_higher(name: str) -> None:
    assert lookup(name) is None
    assert higher_is_better(name) is True


def test_ranges_and_kinds() -> None:
    accuracy = lookup("accuracy")
    assert accuracy is not None and accuracy.kind is Kind.PROPORTION
    assert accuracy.outside(80) and not accuracy.outside(0.8)
    rmse = lookup("rmse")
    assert rmse is not None and rmse.kind is Kind.MEAN
    assert rmse.outside(-1) and not rmse.outside(1e9)
    assert rmse.describe() == "lower is better, a mean of per-example terms ≥ 0"
    r2 = lookup("r2")
    assert r2 is not None and not r2.outside(-5) and r2.outside(1.5)
