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


def values(sample: Sample) -> dict[str, float]:
    """Every metric the sample allows, as numbers."""
    if sample.n == 0:
        return {}
    if sample.task == "regression":
        return m.regression(sample.labels, sample.predicted)
    k = len(sample.classes)
    out = {
        name: float(value)
        for name, value in m.from_confusion(m.confusion(sample.labels, sample.predicted, k)).items()
    }
    if sample.scores is not None:
        out["roc_auc"] = _auc(sample)[0]
        out["log_loss"] = float(m.log_loss_per_example(sample.labels, sample.scores).mean())
    return out


def compare(
    live: Sample,
    *,
    reference: Sample | None,
    recorded: Mapping[str, float],
    names: tuple[str, ...],
    confidence: float,
    resamples: int,
    seed: int,
) -> dict[str, LiveEstimate]:
    """``names`` on the live sample, against ``reference`` (a sample) when given, else the
    ``recorded`` numbers; a metric the reference lacks gets no interval."""
    found = values(live)
    theirs = values(reference) if reference is not None else dict(recorded)
    rng = np.random.default_rng(seed)
    draws_live = _confusion_draws(live, resamples, rng)
    draws_ref = _confusion_draws(reference, resamples, rng) if reference is not None else {}
    out = {}
    for name in names:
        if name not in found:
            continue
        value, at = found[name], theirs.get(name)
        interval = None
        if at is not None and not math.isnan(at) and not math.isnan(value):
            interval = _interval(
                name,
                live,
                reference,
                at=at,
                draws=(draws_live, draws_ref),
                confidence=confidence,
                resamples=resamples,
            )
        out[name] = LiveEstimate(name=name, live=value, reference=at, interval=interval)
    return out


def _interval(
    name: str,
    live: Sample,
    reference: Sample | None,
    *,
    at: float,
    draws: tuple[dict[str, Array], dict[str, Array]],
    confidence: float,
    resamples: int,
) -> Interval | None:
    if live.task != "regression" and name in u.PROPORTIONS and _proportion(live, name):
        theirs = _proportion(reference, name) if reference is not None else None
        return u.newcombe(_proportion(live, name), theirs, at=at, confidence=confidence)  # type: ignore[arg-type]
    ours, theirs_draws = draws[0].get(name), draws[1].get(name)
    if ours is not None:
        shifted = ours - (theirs_draws if theirs_draws is not None else at)
        return u.percentile_interval(shifted, delta=0.0, confidence=confidence, resamples=resamples)
    variance_live = _variance(live, name)
    if variance_live is None:
        return None
    variance_ref = _variance(reference, name) if reference is not None else 0.0
    if variance_ref is None:
        return None
    value = values(live)[name]
    method = "DeLong" if name == "roc_auc" else "normal (delta method)"
    return u.normal_interval(
        value - at, variance_live + variance_ref, confidence=confidence, method=method
    )


def _proportion(sample: Sample | None, name: str) -> tuple[int, int] | None:
    if sample is None or sample.n == 0:
        return None
    k = len(sample.classes)
    cells = m.confusion(sample.labels, sample.predicted, k)
    if name in ("accuracy", "precision_micro", "recall_micro"):
        return int(np.trace(cells)), int(cells.sum())
    if k != 2:
        return None
    tp, fp, fn = int(cells[1, 1]), int(cells[0, 1]), int(cells[1, 0])
    return (tp, tp + fp) if name == "precision" else (tp, tp + fn)


def _confusion_draws(sample: Sample | None, resamples: int, rng: Any) -> dict[str, Array]:
    if sample is None or sample.task == "regression" or sample.n == 0:
        return {}
    k = len(sample.classes)
    return u.confusion_draws(
        m.confusion(sample.labels, sample.predicted, k), resamples=resamples, rng=rng
    )


def _auc(sample: Sample) -> tuple[float, float]:
    scores = np.asarray(sample.scores, dtype=float)
    if scores.ndim == 1:
        return u.auc_and_variance(sample.labels == 1, scores)
    k = scores.shape[1]
    parts = [u.auc_and_variance(sample.labels == j, scores[:, j]) for j in range(k)]
    # Macro average; the classes' covariances are left out (an approximation).
    return float(np.mean([p[0] for p in parts])), float(np.sum([p[1] for p in parts]) / k**2)


def _variance(sample: Sample, name: str) -> float | None:
    """The sampling variance of a metric that is not a confusion metric."""
    if name == "roc_auc" and sample.scores is not None:
        variance = _auc(sample)[1]
        return None if math.isnan(variance) else variance
    if name == "log_loss" and sample.scores is not None:
        losses = m.log_loss_per_example(sample.labels, sample.scores)
        return u.mean_function(losses[:, None], lambda means: means[:, 0])[1]
    if sample.task != "regression":
        return None
    errors = np.asarray(sample.predicted, float) - np.asarray(sample.labels, float)
    if name == "mae":
        return u.mean_function(np.abs(errors)[:, None], lambda means: means[:, 0])[1]
    if name == "rmse":
        return u.mean_function((errors**2)[:, None], lambda means: np.sqrt(means[:, 0]))[1]
    if name == "r2":
        truth = np.asarray(sample.labels, float)
        columns = np.column_stack([errors**2, truth, truth**2])
        return u.mean_function(
            columns, lambda means: 1 - means[:, 0] / (means[:, 2] - means[:, 1] ** 2)
        )[1]
    return None
