"""Joining candidate and baseline predictions: what is checked and what it says."""

from __future__ import annotations

import numpy as np
import pytest

from mlgate.core.columns import ColumnNames
from mlgate.core.stats.paired import PairingError, pair

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
            table(["a", "b"], [1, 0], prediction=[1, 7]),
            table(["a", "b"], [1, 0], prediction=[1, 0]),
            "cand.csv: prediction has values that are not among the labels: 7",
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
