"""Per-slice estimates: the paired comparison on the examples of each slice value."""

from __future__ import annotations

import numpy as np

from mlgate.core.slices import SliceSettings
from mlgate.core.stats.estimates import Settings, estimate
from mlgate.core.stats.paired import PairedPredictions
from mlgate.core.verdict import SliceRow


def slice_rows(
    paired: PairedPredictions,
    *,
    settings: SliceSettings,
    metrics: frozenset[str],
    estimates: Settings,
) -> tuple[list[SliceRow], int]:
    """The rows for every slice value with at least ``settings.min_size`` examples, and
    how many smaller slices were left out."""
    rows: list[SliceRow] = []
    skipped = 0
    for column in settings.columns:
        values = paired.slices[column]
        for value in np.unique(values):
            mask = values == value
            size = int(mask.sum())
            if size < settings.min_size:
                skipped += 1
                continue
            for name, found in estimate(paired.subset(mask), estimates, only=metrics).items():
                rows.append(
                    SliceRow(
                        column=column,
                        value=str(value),
                        examples=size,
                        metric=name,
                        baseline=found.baseline,
                        candidate=found.candidate,
                        interval=found.interval,
                    )
                )
    return rows, skipped
