"""Joining candidate and baseline predictions: what is checked and what it says."""

from __future__ import annotations

import numpy as np
import pytest

from mlgate.core.columns import ColumnNames
from mlgate.core.stats.labels import PairingError, TaskError
from mlgate.core.stats.paired import pair, single

NAMES = ColumnNames()


def table(ids: list, labels: list, **columns: list) -> dict[str, np.ndarray]:  # type: ignore[type-arg]
    out = {"id": np.asarray(ids), "label": np.asarray(labels)}
    out.update({k: np.asarray(v) for k, v in columns.items()})
    return out


def test_rows_are_joined_on_the_id_whatever_the_order() -> None:
    candidate = table(["a", "b", "c"], [1, 0, 1], prediction=[1, 0, 0])
    baseline = table(["c", "a", "b"], [1, 1, 0], prediction=[1, 0, 0])
    paired = pair(candidate, baseline, names=NAMES)
    assert paired.task == "binary" and paired.classes == ("0", "1")
    assert paired.labels.tolist() == [1, 0, 1]
    assert paired.candidate.predicted.tolist() == [1, 0, 0]
    assert paired.baseline.predicted.tolist() == [0, 0, 1]  # a, b, c


@pytest.mark.parametrize(
    ("candidate", "baseline", "message"),
    [
        (
            table(["a", "b", "c", "d"], [1, 0, 1, 0], prediction=[1, 0, 1, 0]),
            table(["a", "b", "x"], [1, 0, 1], prediction=[1, 0, 1]),
            "the candidate and the baseline were not scored on the same examples: "
            "2 ids only in cand.csv (e.g. c, d); 1 ids only in base.csv (e.g. x)",
        ),
        (
            table(["a", "a", "b", "b", "c"], [1, 1, 0, 0, 1], prediction=[1, 1, 0, 0, 1]),
            table(["a", "b", "c"], [1, 0, 1], prediction=[1, 0, 1]),
            "cand.csv: 2 ids appear more than once, e.g. a, b",
        ),
        (
            table(["a", "b", "c"], [1, 0, 1], prediction=[1, 0, 1]),
            table(["a", "b", "c"], [1, 1, 0], prediction=[1, 0, 1]),
            "2 examples have different labels in cand.csv and base.csv, e.g. b: 0 vs 1, c: 1 vs 0",
        ),
        (
            table(["a"], [1], prediction=[1]),
            {"id": np.asarray(["a"]), "truth": np.asarray([1])},
            "base.csv: no column 'label' for labels (columns: id, truth)",
        ),
        (
            table(["a", "b"], [1, 0], score=[0.9, 1.4]),
            table(["a", "b"], [1, 0], score=[0.9, 0.1]),
            "cand.csv: score must be probabilities in [0, 1]; 1 are not",
        ),
        (
            table(["a", "b"], [1, 0]),
            table(["a", "b"], [1, 0], prediction=[1, 0]),
            "cand.csv: needs a 'prediction' column, or scores ('score')",
        ),
    ],
)
def test_mismatches_say_how_many_and_show_a_few(
    candidate: dict[str, np.ndarray], baseline: dict[str, np.ndarray], message: str
) -> None:
    with pytest.raises(PairingError) as caught:
        pair(candidate, baseline, names=NAMES, sources=("cand.csv", "base.csv"))
    assert str(caught.value) == message


def test_tasks_are_inferred_and_can_be_set() -> None:
    regression = table([1, 2, 3], [0.5, 1.25, 2.0], prediction=[0.4, 1.0, 2.5])
    assert pair(regression, regression, names=NAMES).task == "regression"
    counts = table([1, 2, 3], [1.0, 2.0, 3.0], prediction=[1.0, 2.0, 2.0])
    assert pair(counts, counts, names=NAMES).task == "multiclass"
    as_regression = ColumnNames(task="regression")
    assert pair(counts, counts, names=as_regression).labels.tolist() == [1.0, 2.0, 3.0]


def test_whole_number_labels_with_fractional_predictions_are_regression() -> None:
    # diabetes: integer targets, a Ridge's predictions are not whole numbers
    labels = [151, 75, 141, 206]
    ridge = table([1, 2, 3, 4], labels, prediction=[160.2, 90.5, 130.1, 190.7])
    dummy = table([1, 2, 3, 4], labels, prediction=[152.1, 152.1, 152.1, 152.1])
    paired = pair(ridge, dummy, names=NAMES)
    assert paired.task == "regression"
    assert paired.labels.tolist() == [151.0, 75.0, 141.0, 206.0]


def test_a_task_that_does_not_fit_names_the_setting_and_the_values() -> None:
    ridge = table([1, 2, 3], [151, 75, 141], prediction=[160.2, 90.5, 130.1])
    with pytest.raises(TaskError) as caught:
        pair(ridge, ridge, names=ColumnNames(task="multiclass"))
    assert "predictions.task is multiclass" in str(caught.value)
    assert "e.g. 160.2" in str(caught.value)
    assert "set predictions.task: regression" in str(caught.value)
    probabilities = table([1, 2, 3], [1, 0, 1], prediction=[0.9, 0.2, 0.7])
    with pytest.raises(TaskError) as caught:
        pair(probabilities, probabilities, names=NAMES)
    assert "name the column 'score'" in str(caught.value)
    three = table([1, 2, 3], [0, 1, 2], prediction=[0, 1, 2])
    with pytest.raises(TaskError, match=r"predictions\.task is binary but the labels and "):
        pair(three, three, names=ColumnNames(task="binary"))


def test_a_predicted_class_no_example_has_is_scored_as_wrong() -> None:
    candidate = table(["a", "b", "c"], [1, 0, 1], prediction=[1, 7, 1])
    baseline = table(["a", "b", "c"], [1, 0, 1], prediction=[1, 0, 0])
    paired = pair(candidate, baseline, names=NAMES)
    assert paired.task == "multiclass" and paired.classes == ("0", "1", "7")
    assert paired.candidate.predicted.tolist() == [1, 2, 1]
    live = single(
        table(["x", "y"], [2, 5], prediction=[2, 9]),
        names=NAMES,
        take=np.arange(2),
        source="outcomes.csv",
        classes=("0", "1", "2"),
        task="multiclass",
    )
    assert live.classes == ("0", "1", "2", "5", "9")
    assert live.labels.tolist() == [2, 3] and live.side.predicted.tolist() == [2, 4]


def test_labels_compare_as_text_so_1_and_1_point_0_agree() -> None:
    candidate = table(["a", "b"], np.array([1.0, 0.0]), prediction=[1, 0])
    baseline = table(["a", "b"], ["1", "0"], prediction=["1", "0"])
    assert pair(candidate, baseline, names=NAMES).labels.tolist() == [1, 0]


def test_the_positive_class_and_scores_for_binary() -> None:
    candidate = table(["a", "b", "c"], ["churn", "stay", "churn"], score=[0.8, 0.3, 0.4])
    paired = pair(candidate, candidate, names=ColumnNames(positive="churn"))
    assert paired.classes == ("stay", "churn")
    assert paired.labels.tolist() == [1, 0, 1]
    assert paired.candidate.predicted.tolist() == [1, 0, 0]  # score ≥ 0.5


def test_multiclass_scores_come_from_score_columns() -> None:
    candidate = table(
        ["a", "b", "c"],
        ["x", "y", "z"],
        score_x=[0.7, 0.2, 0.1],
        score_y=[0.2, 0.5, 0.3],
        score_z=[0.1, 0.3, 0.6],
    )
    paired = pair(candidate, candidate, names=NAMES)
    assert paired.task == "multiclass" and paired.classes == ("x", "y", "z")
    assert paired.candidate.scores is not None and paired.candidate.scores.shape == (3, 3)
    assert paired.candidate.predicted.tolist() == [0, 1, 2]
    del candidate["score_z"]
    with pytest.raises(PairingError, match="score columns missing for score_z"):
        pair(candidate, candidate, names=NAMES, sources=("c", "b"))
