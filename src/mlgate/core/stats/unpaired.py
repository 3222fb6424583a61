"""Two-sample intervals for Δ = live − reference when the two sides are different examples
(production's served traffic against its evaluation set), one method per kind of metric:

- **Newcombe** (hybrid score, from two Wilson intervals) — proportions: accuracy, and
  binary precision and recall (each a share of its own denominator).
- **multinomial bootstrap** of each side's confusion matrix, independently — the other
  confusion metrics (F1, macro averages): resampling the cells is resampling examples.
- **DeLong** — ROC AUC: each side's variance from its Mann-Whitney components, summed.
- **normal (delta method)** — means of per-example values (log loss, MAE, RMSE, R²): each
  side's variance from the statistic's influence function, summed.

A reference known only as a number (a metric recorded on the version, no examples) has no
sampling error of its own: the interval is the live side's, shifted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from mlgate.core.interval import Interval, normal_p_value, z_value
from mlgate.core.stats.metrics import from_confusion, midranks

Array = Any
PROPORTIONS = frozenset({"accuracy", "precision", "recall", "precision_micro", "recall_micro"})


def wilson(successes: int, trials: int, *, confidence: float) -> tuple[float, float]:
    """Wilson's score interval for a proportion (0 … 1 when there are no trials)."""
    if trials <= 0:
        return 0.0, 1.0
    z = z_value(confidence)
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    spread = z / (1 + z * z / trials) * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials**2))
    return max(0.0, centre - spread), min(1.0, centre + spread)


def newcombe(
    live: tuple[int, int], reference: tuple[int, int] | None, *, at: float, confidence: float
) -> Interval:
    """Δ = p_live − p_reference for ``(successes, trials)`` pairs: Newcombe's hybrid score
    interval (his method 10). ``reference`` None: the reference is the fixed value ``at``."""
    x1, n1 = live
    low1, high1 = wilson(x1, n1, confidence=confidence)
    p1 = x1 / n1 if n1 else math.nan
    if reference is None:
        delta = p1 - at
        return Interval(
            low=low1 - at,
            high=high1 - at,
            confidence=confidence,
            method="Wilson",
            p_value=_p_from_interval(delta, low1 - at, high1 - at, confidence),
        )
    x2, n2 = reference
    low2, high2 = wilson(x2, n2, confidence=confidence)
    p2 = x2 / n2 if n2 else math.nan
    delta = p1 - p2
    low = delta - math.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    high = delta + math.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)
    return Interval(
        low=low,
        high=high,
        confidence=confidence,
        method="Newcombe (Wilson)",
        p_value=_p_from_interval(delta, low, high, confidence),
    )


def _p_from_interval(delta: float, low: float, high: float, confidence: float) -> float:
    """An approximate two-sided p-value for Δ = 0 from the interval's half on zero's side."""
    half = (delta - low) if delta >= 0 else (high - delta)
    if not half > 0:
        return math.nan
    return normal_p_value(delta, half / z_value(confidence))


def confusion_draws(cells: Array, *, resamples: int, rng: Any) -> dict[str, Array]:
    """Each confusion metric over ``resamples`` multinomial redraws of one confusion matrix."""
    k = cells.shape[0]
    flat = cells.reshape(-1).astype(np.int64)
    n = int(flat.sum())
    if n == 0:
        return {}
    draws = rng.multinomial(n, flat / n, size=resamples).reshape(resamples, k, k)
    return {name: np.asarray(values) for name, values in from_confusion(draws).items()}


def normal_interval(delta: float, variance: float, *, confidence: float, method: str) -> Interval:
    error = math.sqrt(max(variance, 0.0))
    spread = z_value(confidence) * error
    return Interval(
        low=delta - spread,
        high=delta + spread,
        confidence=confidence,
        method=method,
        p_value=normal_p_value(delta, error) if error > 0 else None,
    )


def auc_and_variance(positive: Array, scores: Array) -> tuple[float, float]:
    """ROC AUC (Mann-Whitney) and DeLong's variance of it, for one sample: one sort of
    the scores gives every rank (the positives' and negatives' orders are sub-sequences)."""
    m, n = int(positive.sum()), int((~positive).sum())
    if m < 2 or n < 2:
        return math.nan, math.nan
    order = np.argsort(scores, kind="stable")
    ranks = midranks(scores, order)
    v10 = (ranks[positive] - _ranks_within(scores, order, positive)) / n
    v01 = 1.0 - (ranks[~positive] - _ranks_within(scores, order, ~positive)) / m
    return float(v10.mean()), float(v10.var(ddof=1) / m + v01.var(ddof=1) / n)


def _ranks_within(scores: Array, order: Array, members: Array) -> Array:
    """Midranks among ``members`` only, in the members' row order, from the full sort."""
    where = np.flatnonzero(members)
    position = np.empty(len(scores), dtype=np.int64)
    position[where] = np.arange(len(where))
    return midranks(scores[where], position[order[members[order]]])


def mean_function(columns: Array, statistic: Callable[[Array], Array]) -> tuple[float, float]:
    """``statistic`` of the column means of ``columns`` (n, p) and its delta-method
    variance (the influence function's, as the bootstrap would converge to)."""
    columns = np.asarray(columns, dtype=float)
    n = len(columns)
    means = columns.mean(axis=0)
    value = float(statistic(means[None, :])[0])
    steps = 1e-6 * np.maximum(np.abs(means), 1.0)
    shifted = np.concatenate([means + np.diag(steps), means - np.diag(steps)])
    values = statistic(shifted)
    p = len(means)
    gradient = (values[:p] - values[p:]) / (2 * steps)
    influence = (columns - means) @ gradient / n
    return value, float((influence**2).sum())
