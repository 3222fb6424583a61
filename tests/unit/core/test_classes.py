"""Per-class rows: a lost class fails, a significant recall drop beyond the tolerance
fails after Holm, noise does not."""

from __future__ import annotations

import numpy as np

from mlgate.core.checks import Status
from mlgate.core.classes import ClassRow, ClassSettings, class_check, judge_classes
from mlgate.core.columns import ColumnNames
from mlgate.core.stats.classes import class_rows
from mlgate.core.stats.estimates import Settings
from mlgate.core.stats.paired import pair


def columns(labels: np.ndarray, predicted: np.ndarray) -> dict[str, np.ndarray]:
    return {"id": np.arange(len(labels)), "label": labels, "prediction": predicted}


def rows_for(labels: np.ndarray, candidate: np.ndarray, baseline: np.ndarray) -> list[ClassRow]:
    paired = pair(columns(labels, candidate), columns(labels, baseline), names=ColumnNames())
    return class_rows(paired, Settings(resamples=500))


def test_a_class_the_candidate_never_predicts_is_lost() -> None:
    rng = np.random.default_rng(0)
    labels = rng.choice([0, 1, 2], 99, p=[0.5, 0.25, 0.25])
    baseline = np.where(rng.random(99) < 0.8, labels, rng.integers(0, 3, 99))
    candidate = np.where(baseline == 2, 0, baseline)
    judged = judge_classes(
        rows_for(labels, candidate, baseline), settings=ClassSettings(), confidence=0.95
    )
    by_name = {r.name: r for r in judged}
    assert by_name["2"].status is Status.FAIL and by_name["2"].lost
    assert "never predicted by the candidate" in by_name["2"].reason
    assert by_name["2"].recall[1] == 0.0 and by_name["2"].predicted[1] == 0
    check = class_check(judged)
    assert check is not None and check.status is Status.FAIL
    assert check.summary.startswith("1 class lost: class 2: never predicted")
    warned = judge_classes(
        rows_for(labels, candidate, baseline), settings=ClassSettings(fail=False), confidence=0.95
    )
    assert class_check(warned).status is Status.WARN  # type: ignore[union-attr]


def test_a_significant_recall_drop_beyond_the_tolerance_fails() -> None:
    labels = np.repeat([0, 1, 2], 300)
    baseline = labels.copy()
    candidate = labels.copy()
    candidate[600:720] = 0  # class 2's recall 1.0 → 0.6
    judged = judge_classes(
        rows_for(labels, candidate, baseline), settings=ClassSettings(), confidence=0.95
    )
    (two,) = [r for r in judged if r.name == "2"]
    assert two.status is Status.FAIL and "recall drops by 0.4" in two.reason
    assert two.p_adjusted is not None and two.p_adjusted < 0.05
    lenient = judge_classes(
        rows_for(labels, candidate, baseline),
        settings=ClassSettings(max_recall_drop=0.5),
        confidence=0.95,
    )
    assert all(r.status is Status.PASS for r in lenient)


def test_noise_in_a_small_class_is_not_a_lost_class() -> None:
    labels = np.repeat([0, 1, 2], [40, 40, 8])
    baseline = labels.copy()
    candidate = labels.copy()
    candidate[80:82] = 1  # 2 of 8: recall 1.0 → 0.75, not significant
    judged = judge_classes(
        rows_for(labels, candidate, baseline), settings=ClassSettings(), confidence=0.95
    )
    assert all(r.status is Status.PASS for r in judged)
    assert class_check(judged).summary == "no class lost among 3 classes"  # type: ignore[union-attr]


def test_binary_has_no_class_rows_and_rows_round_trip() -> None:
    labels = np.array([0, 1, 0, 1])
    assert rows_for(labels, labels, labels) == []
    labels = np.repeat([0, 1, 2], 20)
    (row, *_) = rows_for(labels, labels, labels)
    assert ClassRow.from_dict(row.to_dict()) == row
