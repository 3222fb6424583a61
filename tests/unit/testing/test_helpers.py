"""The helpers' logic on plain functions as models (fast, no MLflow): tolerances, how
examples are named, argument errors. tests/integration/test_testing_helpers.py runs them
on real models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgate.testing import (
    Case,
    ModelTestFailure,
    assert_cases,
    assert_directional,
    assert_invariant,
    assert_latency,
    assert_no_regression,
    assert_size,
    measure_latency,
)


def doubler(data: pd.DataFrame) -> np.ndarray:
    return data["x"].to_numpy() * 2.0


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]}, index=["a", "b", "c", "d"])


def test_invariance_names_rows_by_index_label_and_honours_atol(frame: pd.DataFrame) -> None:
    nudged = frame.assign(x=frame["x"] + [0.0, 0.001, 0.0, 0.5])
    assert assert_invariant(doubler, frame, nudged, atol=0.01, max_changed=1).violations == 1
    with pytest.raises(ModelTestFailure) as caught:
        assert_invariant(doubler, frame, nudged, atol=0.0)
    assert str(caught.value) == (
        "invariance: 2 of 4 predictions changed (50.0%; allowed 0): row b: 4 → 4.002; row d: 8 → 9"
    )


def test_invariance_compares_whole_rows_of_multi_output_models(frame: pd.DataFrame) -> None:
    def two(data: pd.DataFrame) -> np.ndarray:
        return np.column_stack([data["x"], data["x"] > 2])

    with pytest.raises(
        ModelTestFailure, match=r"1 of 4 predictions changed .*row b: \[2, 0\] → \[3, 1\]"
    ):
        assert_invariant(two, frame, frame.assign(x=[1.0, 3.0, 3.0, 4.0]))


def test_invariance_refuses_a_different_number_of_predictions(frame: pd.DataFrame) -> None:
    with pytest.raises(ModelTestFailure, match="returned 3 predictions for 4 examples"):
        assert_invariant(
            lambda d: d["x"].to_numpy()[: len(d) - (len(d) == 4 and d["x"].iloc[0] == 9)],
            frame,
            frame.assign(x=[9.0, 2, 3, 4]),
        )


def test_directional_sorts_the_worst_first(frame: pd.DataFrame) -> None:
    moved = frame.assign(x=frame["x"] + [1.0, -0.5, -2.0, 0.0])
    with pytest.raises(ModelTestFailure) as caught:
        assert_directional(doubler, frame, moved, direction="up", max_violations=1)
    assert "2 of 4 did not (50.0%; allowed 1; worst change -4)" in str(caught.value)
    assert str(caught.value).endswith("row c: 6 → 2 (-4); row b: 4 → 3 (-1)")


def test_directional_rejects_unknown_directions_and_labels(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="direction must be 'up' or 'down'"):
        assert_directional(doubler, frame, frame, direction="sideways")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs numeric predictions"):
        assert_directional(lambda d: np.array(["yes"] * len(d)), frame, frame, direction="up")


def test_cases_with_a_tolerance_for_regression_outputs() -> None:
    cases = [Case("one", {"x": 1.0}, 2.05), Case("two", {"x": 2.0}, 4.5)]
    with pytest.raises(
        ModelTestFailure, match=r"1 of 2 cases failed .*'two': expected 4.5, got 4$"
    ):
        assert_cases(doubler, cases, atol=0.1)
    with pytest.raises(ValueError, match="checklist is empty"):
        assert_cases(doubler, [])
    with pytest.raises(TypeError, match="expected Case"):
        assert_cases(doubler, [("one", {"x": 1.0}, 2.0)])


def test_no_regression_with_a_tolerance_and_a_rate(frame: pd.DataFrame) -> None:
    truth = np.array([2.0, 4.0, 6.0, 8.0])
    worse = lambda d: doubler(d) + np.array([0.0, 0.0, 1.0, 1.0])  # noqa: E731
    with pytest.raises(ModelTestFailure) as caught:
        assert_no_regression(worse, doubler, frame, truth, atol=0.5)
    assert "gets 2 of the 4 examples production gets right wrong (50.0%; allowed 0)" in str(
        caught.value
    )
    assert "row c (label 6): production 6, candidate 7" in str(caught.value)
    assert (
        assert_no_regression(
            worse, doubler, frame, truth, atol=0.5, max_new_error_rate=0.5
        ).new_errors
        == 2
    )
    with pytest.raises(ValueError, match="3 labels for 4 examples"):
        assert_no_regression(worse, doubler, frame, truth[:3])
    with pytest.raises(ValueError, match="no 'label' column"):
        assert_no_regression(worse, doubler, frame, "label")


def test_latency_cycles_through_small_data_and_needs_a_budget(frame: pd.DataFrame) -> None:
    seen: list[int] = []
    stats = measure_latency(lambda d: seen.append(len(d)), frame, calls=6, warmup=2, batch_size=3)
    assert seen == [3] * 8 and stats.calls == 6
    with pytest.raises(ValueError, match="give a budget"):
        assert_latency(doubler, frame)
    with pytest.raises(ValueError, match="calls and batch_size must be at least 1"):
        measure_latency(doubler, frame, calls=0)


def test_size_of_a_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "model.pkl").write_bytes(b"x" * 20_000)
    (tmp_path / "MLmodel").write_text("flavors: {}\n")
    stats = assert_size(tmp_path, max_mb=1)
    assert stats.largest[0] == ("model.pkl", 20_000)
    with pytest.raises(
        ModelTestFailure,
        match=r"the model is 0.02 MB \(20,012 bytes\), over the budget of 0.01 MB by 0.01 MB",
    ):
        assert_size(str(tmp_path), max_bytes=10_000)
    with pytest.raises(ValueError, match="exactly one budget"):
        assert_size(tmp_path)
