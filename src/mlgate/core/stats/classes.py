"""Each class of a multiclass comparison as its own binary problem (this class against the
rest): both models' precision and recall on it, with the paired intervals the gate uses
for binary precision and recall (:mod:`.paired_proportions`)."""

from __future__ import annotations

import numpy as np

from mlgate.core.classes import ClassRow
from mlgate.core.stats.estimates import Settings
from mlgate.core.stats.intervals import confusion_intervals
from mlgate.core.stats.paired import PairedPredictions


def class_rows(paired: PairedPredictions, settings: Settings) -> list[ClassRow]:
    """One row per class, in the classes' order; empty unless the task is multiclass."""
    if paired.task != "multiclass":
        return []
    labels = paired.labels
    ours, theirs = paired.candidate.predicted, paired.baseline.predicted
    rows = []
    for index, name in enumerate(paired.classes):
        truth = (labels == index).astype(np.int64)
        mine = (ours == index).astype(np.int64)
        production = (theirs == index).astype(np.int64)
        found = confusion_intervals(
            truth,
            mine,
            production,
            classes=2,
            confidence=settings.confidence,
            resamples=settings.resamples,
            seed=settings.seed + index,
        )
        rows.append(
            ClassRow(
                name=name,
                support=int(truth.sum()),
                predicted=(int(production.sum()), int(mine.sum())),
                recall=(_share(production, truth, truth), _share(mine, truth, truth)),
                recall_ci=found["recall"][1],
                precision=(
                    _share(production, truth, production),
                    _share(mine, truth, mine),
                ),
                precision_ci=found["precision"][1],
            )
        )
    return rows


def _share(predicted: np.ndarray, truth: np.ndarray, over: np.ndarray) -> float:
    """Right positives over ``over``'s positives (recall: the labels; precision: the
    predictions); 0 when there are none."""
    total = int(over.sum())
    return float((predicted & truth).sum() / total) if total else 0.0
