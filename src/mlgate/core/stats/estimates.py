"""Every metric the predictions allow, for both models, with a paired interval for Δ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mlgate.core.interval import Interval
from mlgate.core.stats import metrics as m
from mlgate.core.stats.intervals import (
    confusion_intervals,
    delong,
    mean_function_interval,
)
from mlgate.core.stats.paired import PairedPredictions

Array = Any


@dataclass(frozen=True, kw_only=True)
class Estimate:
    """One metric on both models, and Δ = candidate − baseline with its interval."""

    name: str
    candidate: float
    baseline: float
    interval: Interval

    @property
    def delta(self) -> float:
        return self.candidate - self.baseline


@dataclass(frozen=True, kw_only=True)
class Settings:
    confidence: float = 0.95
    resamples: int = 2000
    seed: int = 0


def estimate(
    paired: PairedPredictions, settings: Settings, *, only: frozenset[str] | None = None
) -> dict[str, Estimate]:
    """Metric name → estimate, for everything ``paired`` supports (or just ``only``)."""
    if paired.task == "regression":
        found = _regression(paired, settings, only)
    else:
        found = _classification(paired, settings, only)
    return {name: e for name, e in found.items() if only is None or name in only}


def _classification(
    paired: PairedPredictions, settings: Settings, only: frozenset[str] | None
) -> dict[str, Estimate]:
    k = len(paired.classes)
    labels = paired.labels
    values_c = m.from_confusion(m.confusion(labels, paired.candidate.predicted, k))
    values_b = m.from_confusion(m.confusion(labels, paired.baseline.predicted, k))
    deltas = confusion_intervals(
        labels,
        paired.candidate.predicted,
        paired.baseline.predicted,
        classes=k,
        confidence=settings.confidence,
        resamples=settings.resamples,
        seed=settings.seed,
    )
    out = {
        name: Estimate(
            name=name,
            candidate=float(values_c[name]),
            baseline=float(values_b[name]),
            interval=deltas[name][1],
        )
        for name in deltas
    }
    scores_c, scores_b = paired.candidate.scores, paired.baseline.scores
    if scores_c is None or scores_b is None:
        return out
    if only is None or "roc_auc" in only:
        auc_c, auc_b, interval = delong(labels, scores_c, scores_b, confidence=settings.confidence)
        out["roc_auc"] = Estimate(
            name="roc_auc", candidate=auc_c, baseline=auc_b, interval=interval
        )
    if only is None or "log_loss" in only:
        losses = np.column_stack(
            [m.log_loss_per_example(labels, scores_c), m.log_loss_per_example(labels, scores_b)]
        )
        out["log_loss"] = _mean_based("log_loss", losses, _difference, settings)
    return out


def _regression(
    paired: PairedPredictions, settings: Settings, only: frozenset[str] | None
) -> dict[str, Estimate]:
    truth = paired.labels
    error_c = paired.candidate.predicted - truth
    error_b = paired.baseline.predicted - truth
    wanted = only if only is not None else frozenset({"mae", "rmse", "r2"})
    out = {}
    if "mae" in wanted:
        absolute = np.column_stack([np.abs(error_c), np.abs(error_b)])
        out["mae"] = _mean_based("mae", absolute, _difference, settings)
    squared = np.column_stack([error_c**2, error_b**2])
    if "rmse" in wanted:
        out["rmse"] = _mean_based("rmse", squared, _root_difference, settings)
    if "r2" in wanted:
        with_truth = np.column_stack([squared, truth, truth**2])
        out["r2"] = _mean_based("r2", with_truth, _r2, settings, sides=_r2_sides)
    return out


def _difference(means: Array) -> Array:
    return means[:, 0] - means[:, 1]


def _root_difference(means: Array) -> Array:
    return np.sqrt(means[:, 0]) - np.sqrt(means[:, 1])


def _r2(means: Array) -> Array:
    spread = means[:, 3] - means[:, 2] ** 2
    return (means[:, 1] - means[:, 0]) / spread


def _r2_sides(means: Array) -> tuple[float, float]:
    spread = means[3] - means[2] ** 2
    return float(1 - means[0] / spread), float(1 - means[1] / spread)


def _sides(means: Array, name: str) -> tuple[float, float]:
    if name == "rmse":
        return float(np.sqrt(means[0])), float(np.sqrt(means[1]))
    return float(means[0]), float(means[1])


def _mean_based(
    name: str,
    columns: Array,
    statistic: Any,
    settings: Settings,
    sides: Any = None,
) -> Estimate:
    _, interval = mean_function_interval(
        columns,
        statistic,
        confidence=settings.confidence,
        resamples=settings.resamples,
        seed=settings.seed,
    )
    means = columns.mean(axis=0)
    candidate, baseline = sides(means) if sides else _sides(means, name)
    return Estimate(name=name, candidate=candidate, baseline=baseline, interval=interval)
