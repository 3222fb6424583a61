"""Production's live metrics (served predictions joined with labels that arrived later)
against what production scored at evaluation time, with two-sample intervals for Δ.

The reference is either a sample of its own (the evaluation-time per-example predictions)
or a set of numbers (the metrics recorded on the version). See :mod:`.unpaired` for the
interval each metric gets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlgate.core.interval import Interval
from mlgate.core.stats import metrics as m
from mlgate.core.stats import unpaired as u
from mlgate.core.stats.intervals import percentile_interval
from mlgate.core.stats.sums import OutcomeSums, proportions_of, values_and_variances

Array = Any


@dataclass(frozen=True, kw_only=True)
class Sample:
    """One side's examples: class indices into ``classes`` (or values, for regression)."""

    task: str  # binary, multiclass, regression
    classes: tuple[str, ...]
    labels: Array
    predicted: Array
    scores: Array | None = None  # binary: P(positive) (n,); multiclass: (n, k)

    @property
    def n(self) -> int:
        return len(self.labels)

    @classmethod
    def of(cls, found: Any) -> Sample:
        """One predictions file's side as :func:`mlgate.core.stats.paired.single` reads it."""
        return cls(
            task=found.task,
            classes=found.classes,
            labels=found.labels,
            predicted=found.side.predicted,
            scores=found.side.scores,
        )

    def subset(self, mask: Array) -> Sample:
        return Sample(
            task=self.task,
            classes=self.classes,
            labels=self.labels[mask],
            predicted=self.predicted[mask],
            scores=None if self.scores is None else self.scores[mask],
        )


@dataclass(frozen=True, kw_only=True)
class LiveEstimate:
    name: str
    live: float
    reference: float | None
    interval: Interval | None  # for Δ = live − reference


@dataclass(frozen=True, kw_only=True)
class Summary:
    """What one side contributes to every interval, computed once: the metric values,
    proportions' counts, the confusion metrics' bootstrap draws, the other metrics'
    sampling variances."""

    values: dict[str, float]
    proportions: dict[str, tuple[int, int]]
    draws: dict[str, Array]
    variances: dict[str, float]


def summarise(sample: Sample, *, names: tuple[str, ...], resamples: int, rng: Any) -> Summary:
    if sample.n == 0:
        return Summary(values={}, proportions={}, draws={}, variances={})
    if sample.task == "regression":
        return Summary(
            values=m.regression(sample.labels, sample.predicted),
            proportions={},
            draws={},
            variances=_regression_variances(sample, names),
        )
    k = len(sample.classes)
    cells = m.confusion(sample.labels, sample.predicted, k)
    found = {name: float(value) for name, value in m.from_confusion(cells).items()}
    variances: dict[str, float] = {}
    if sample.scores is not None:
        found["roc_auc"], variances["roc_auc"] = _auc(sample)
        losses = m.log_loss_per_example(sample.labels, sample.scores)
        found["log_loss"] = float(losses.mean())
        variances["log_loss"] = float(losses.var(ddof=1) / len(losses)) if len(losses) > 1 else 0.0
    proportions = proportions_of(cells)
    wanted = [n for n in names if n in found and n not in proportions]
    draws = u.confusion_draws(cells, resamples=resamples, rng=rng) if wanted else {}
    return Summary(values=found, proportions=proportions, draws=draws, variances=variances)


def summarise_sums(
    sums: OutcomeSums, *, names: tuple[str, ...], resamples: int, rng: Any
) -> Summary:
    """The Summary :func:`summarise` gives, from a side's sums (core/stats/sums.py): the
    same values, proportions and bootstrap draws (the same ``rng`` calls, in the same
    order), the same variances — ROC AUC's from its score bins."""
    if sums.n == 0:
        return Summary(values={}, proportions={}, draws={}, variances={})
    found, variances = values_and_variances(sums)
    if sums.task == "regression":
        return Summary(values=found, proportions={}, draws={}, variances=variances)
    proportions = proportions_of(sums.cells)
    wanted = [n for n in names if n in found and n not in proportions]
    draws = u.confusion_draws(sums.cells, resamples=resamples, rng=rng) if wanted else {}
    return Summary(values=found, proportions=proportions, draws=draws, variances=variances)


def values(sample: Sample) -> dict[str, float]:
    """Every metric the sample allows, as numbers."""
    return summarise(sample, names=(), resamples=0, rng=None).values


def compare(
    live: Sample,
    *,
    reference: Summary | None,
    recorded: Mapping[str, float],
    names: tuple[str, ...],
    confidence: float,
    resamples: int,
    rng: Any,
) -> dict[str, LiveEstimate]:
    """``names`` on the live sample, against ``reference`` (a summarised sample) when
    given, else the ``recorded`` numbers; a metric the reference lacks gets no interval."""
    ours = summarise(live, names=names, resamples=resamples, rng=rng)
    return compare_summary(
        ours,
        reference=reference,
        recorded=recorded,
        names=names,
        confidence=confidence,
        resamples=resamples,
    )


def compare_summary(
    ours: Summary,
    *,
    reference: Summary | None,
    recorded: Mapping[str, float],
    names: tuple[str, ...],
    confidence: float,
    resamples: int,
) -> dict[str, LiveEstimate]:
    """:func:`compare` for a live side already summarised (from its sums, on Spark)."""
    theirs = reference.values if reference is not None else dict(recorded)
    out = {}
    for name in names:
        if name not in ours.values:
            continue
        value, at = ours.values[name], theirs.get(name)
        interval = None
        if at is not None and not math.isnan(at) and not math.isnan(value):
            interval = _interval(
                name, ours, reference, at=at, confidence=confidence, resamples=resamples
            )
        out[name] = LiveEstimate(name=name, live=value, reference=at, interval=interval)
    return out


def _interval(
    name: str,
    live: Summary,
    reference: Summary | None,
    *,
    at: float,
    confidence: float,
    resamples: int,
) -> Interval | None:
    if name in live.proportions:
        theirs = reference.proportions.get(name) if reference is not None else None
        if reference is None or theirs is not None:
            return u.newcombe(live.proportions[name], theirs, at=at, confidence=confidence)
    ours = live.draws.get(name)
    if ours is not None:
        theirs_draws = reference.draws.get(name) if reference is not None else None
        if reference is None or theirs_draws is not None:
            shifted = ours - (theirs_draws if theirs_draws is not None else at)
            return percentile_interval(shifted, confidence, "multinomial bootstrap", resamples)
    variance = live.variances.get(name)
    other = reference.variances.get(name) if reference is not None else 0.0
    if variance is None or other is None or math.isnan(variance) or math.isnan(other):
        return None
    method = "DeLong" if name == "roc_auc" else "normal (delta method)"
    return u.normal_interval(
        live.values[name] - at, variance + other, confidence=confidence, method=method
    )


def _auc(sample: Sample) -> tuple[float, float]:
    scores = np.asarray(sample.scores, dtype=float)
    if scores.ndim == 1:
        return u.auc_and_variance(sample.labels == 1, scores)
    k = scores.shape[1]
    parts = [u.auc_and_variance(sample.labels == j, scores[:, j]) for j in range(k)]
    # Macro average; the classes' covariances are left out (an approximation).
    return float(np.mean([p[0] for p in parts])), float(np.sum([p[1] for p in parts]) / k**2)


def _regression_variances(sample: Sample, names: tuple[str, ...]) -> dict[str, float]:
    errors = np.asarray(sample.predicted, float) - np.asarray(sample.labels, float)
    out = {}
    if "mae" in names:
        out["mae"] = u.mean_function(np.abs(errors)[:, None], lambda means: means[:, 0])[1]
    if "rmse" in names:
        out["rmse"] = u.mean_function((errors**2)[:, None], lambda means: np.sqrt(means[:, 0]))[1]
    if "r2" in names:
        truth = np.asarray(sample.labels, float)
        columns = np.column_stack([errors**2, truth, truth**2])
        out["r2"] = u.mean_function(
            columns, lambda means: 1 - means[:, 0] / (means[:, 2] - means[:, 1] ** 2)
        )[1]
    return out
