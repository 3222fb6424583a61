"""Paired confidence intervals for Δ = candidate − baseline on the same examples.

Three methods, each used where it is exact or cheapest for the statistic:

- **multinomial bootstrap** — F1 and the macro averages depend on the examples only
  through the joint outcome (label × candidate prediction × baseline prediction), a small
  multinomial: resampling its cell counts *is* resampling examples, at O(resamples) cost.
- **Newcombe's paired score interval / MOVER** — accuracy, recall and precision, whose
  bootstrap interval collapses to [0, 0] when the models never disagree
  (:mod:`.paired_proportions`).
- **DeLong** — the paired test for ROC AUC, from the structural components of the two
  Mann-Whitney statistics (per-class and averaged for one-vs-rest macro AUC).
- **paired bootstrap** — for metrics that are smooth functions of per-example means (log
  loss, MAE, RMSE, R²): examples resampled with replacement, vectorised in chunks, seeded.
  When examples × resamples exceeds ``BOOTSTRAP_BUDGET`` the bootstrap distribution is
  taken at its large-sample limit instead (normal, with the delta-method variance from the
  statistic's influence function), which is what the resampling would converge to.

Intervals are percentile intervals (bootstrap) or symmetric normal ones (DeLong, delta).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlgate.core.interval import Interval, normal_p_value, z_value
from mlgate.core.stats.metrics import from_confusion, midranks

Array = Any
BOOTSTRAP_BUDGET = 20_000_000  # examples × resamples resampled for real
_CHUNK_VALUES = 4_000_000  # resampled values held in memory at once


def percentile_interval(draws: Array, confidence: float, method: str, resamples: int) -> Interval:
    """The bootstrap percentile interval of ``draws`` and the two-sided p-value for 0."""
    alpha = 1 - confidence
    low, high = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    # Two-sided bootstrap p-value for Δ = 0: twice the smaller tail at zero.
    tail = min(float(np.mean(draws <= 0)), float(np.mean(draws >= 0)))
    return Interval(
        low=float(low),
        high=float(high),
        confidence=confidence,
        method=method,
        resamples=resamples,
        p_value=min(1.0, 2 * tail),
    )


def confusion_intervals(
    labels: Array,
    candidate: Array,
    baseline: Array,
    *,
    classes: int,
    confidence: float,
    resamples: int,
    seed: int,
) -> dict[str, tuple[float, Interval]]:
    """Δ and its interval for each confusion-based metric, from one multinomial bootstrap
    of the k³ joint outcomes (k = ``classes``)."""
    k = classes
    cells = np.bincount((labels * k + candidate) * k + baseline, minlength=k**3)
    return cells_intervals(cells, k, confidence=confidence, resamples=resamples, seed=seed)


def cells_intervals(
    cells: Array, k: int, *, confidence: float, resamples: int, seed: int
) -> dict[str, tuple[float, Interval]]:
    """:func:`confusion_intervals` from the k³ joint-outcome counts themselves — which add
    across partitions, so a Spark job's counts give exactly the in-memory intervals."""
    n = int(cells.sum())
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, cells / n, size=resamples)
    observed = _confusion_deltas(cells[None, :], k)
    resampled = _confusion_deltas(draws, k)
    out = {
        name: (
            float(observed[name][0]),
            percentile_interval(resampled[name], confidence, "multinomial bootstrap", resamples),
        )
        for name in observed
    }
    return {**out, **_proportion_intervals(cells, draws, k, confidence=confidence, found=out)}


def _proportion_intervals(
    cells: Array,
    draws: Array,
    k: int,
    *,
    confidence: float,
    found: dict[str, tuple[float, Interval]],
) -> dict[str, tuple[float, Interval]]:
    """The proportions' intervals with coverage where the models rarely disagree (see
    :mod:`.paired_proportions`), in place of the bootstrap's."""
    from mlgate.core.stats import paired_proportions as pp

    cube = cells.reshape(k, k, k)
    accuracy = pp.newcombe_paired(*pp.table_from_cube(cube), confidence=confidence)
    out: dict[str, tuple[float, Interval]] = {
        name: (found[name][0], accuracy)
        for name in ("accuracy", "precision_micro", "recall_micro", "f1_micro")
        if name in found
    }
    if k == 2 and "recall" in found:
        out["recall"] = (
            found["recall"][0],
            pp.newcombe_paired(*pp.table_from_cube(cube, label=1), confidence=confidence),
        )
    if k == 2 and "precision" in found:
        ours = (int(cube[1, 1, :].sum()), int(cube[:, 1, :].sum()))
        theirs = (int(cube[1, :, 1].sum()), int(cube[:, :, 1].sum()))
        resampled = draws.reshape(-1, k, k, k)
        out["precision"] = (
            found["precision"][0],
            pp.ratio_interval(
                ours,
                theirs,
                draws=(_share(resampled, ours=True), _share(resampled, ours=False)),
                confidence=confidence,
                p_value=found["precision"][1].p_value,
            ),
        )
    return out


def _share(cubes: Array, *, ours: bool) -> Array:
    """Each resample's precision for one model (class 1 positive)."""
    predicted = cubes[:, :, 1, :] if ours else cubes[:, :, :, 1]
    positives = predicted.sum(axis=(1, 2))
    right = predicted[:, 1].sum(axis=1)
    return np.divide(right, positives, out=np.zeros(len(cubes)), where=positives > 0)


def _confusion_deltas(cells: Array, k: int) -> dict[str, Array]:
    """Candidate − baseline for each metric, per row of ``cells`` (…, k³)."""
    cube = cells.reshape(-1, k, k, k)  # [label, candidate, baseline]
    ours = from_confusion(cube.sum(axis=3))
    theirs = from_confusion(cube.sum(axis=2))
    return {name: ours[name] - theirs[name] for name in ours}


def delong_interval(
    labels: Array, candidate: Array, baseline: Array, *, confidence: float
) -> tuple[float, Interval]:
    """Δ ROC AUC and DeLong's interval (see :func:`delong`)."""
    auc_c, auc_b, interval = delong(labels, candidate, baseline, confidence=confidence)
    return auc_c - auc_b, interval


def delong(
    labels: Array, candidate: Array, baseline: Array, *, confidence: float
) -> tuple[float, float, Interval]:
    """Both ROC AUCs and DeLong's interval for their difference. Binary: ``labels`` 0/1
    and 1-D scores; multiclass: class indices and one score column per class (one-vs-rest,
    macro average — the per-class components summed, so classes' covariances count)."""
    candidate, baseline = np.asarray(candidate, float), np.asarray(baseline, float)
    if candidate.ndim == 1:
        parts = [_delong(labels == 1, candidate, baseline)]
    else:
        k = candidate.shape[1]
        parts = [_delong(labels == j, candidate[:, j], baseline[:, j]) for j in range(k)]
    auc_c = float(np.mean([p.auc_c for p in parts]))
    auc_b = float(np.mean([p.auc_b for p in parts]))
    influence = np.sum([p.influence for p in parts], axis=0) / len(parts)
    # Unbiased (DeLong's m−1, n−1) for one class; the summed influence otherwise.
    variance = parts[0].variance if len(parts) == 1 else float((influence**2).sum())
    delta = auc_c - auc_b
    error = float(np.sqrt(max(variance, 0.0)))
    spread = z_value(confidence) * error
    return (
        auc_c,
        auc_b,
        Interval(
            low=delta - spread,
            high=delta + spread,
            confidence=confidence,
            method="DeLong",
            p_value=normal_p_value(delta, error),
        ),
    )


@dataclass(frozen=True)
class _Components:
    auc_c: float
    auc_b: float
    variance: float
    influence: Array  # each example's share of Δ's linearisation


def _delong(positive: Array, candidate: Array, baseline: Array) -> _Components:
    m, n = int(positive.sum()), int((~positive).sum())
    if m < 2 or n < 2:
        nan = float("nan")
        return _Components(nan, nan, nan, np.zeros(len(positive)))
    v10, v01 = [], []
    for scores in (candidate, baseline):
        # One sort per model: the positives' and negatives' orders are sub-sequences of it.
        order = np.argsort(scores)
        all_ranks = midranks(scores, order)
        v10.append((all_ranks[positive] - _sub_ranks(scores, order, positive)) / n)
        v01.append(1.0 - (all_ranks[~positive] - _sub_ranks(scores, order, ~positive)) / m)
    d10, d01 = v10[0] - v10[1], v01[0] - v01[1]
    influence = np.empty(len(positive))
    influence[positive] = (d10 - d10.mean()) / m
    influence[~positive] = (d01 - d01.mean()) / n
    return _Components(
        auc_c=float(v10[0].mean()),
        auc_b=float(v10[1].mean()),
        variance=float(d10.var(ddof=1) / m + d01.var(ddof=1) / n),
        influence=influence,
    )


def _sub_ranks(scores: Array, order: Array, members: Array) -> Array:
    """Midranks within ``members``, from the full sort order: the members'
    rows, taken in that order, are already sorted."""
    where = np.flatnonzero(members)
    position = np.empty(len(scores), dtype=np.int64)
    position[where] = np.arange(len(where))  # row → its index in scores[members]
    return midranks(scores[where], position[order[members[order]]])


def mean_function_interval(
    columns: Array,
    statistic: Callable[[Array], Array],
    *,
    confidence: float,
    resamples: int,
    seed: int,
) -> tuple[float, Interval]:
    """Δ = ``statistic(means)`` where ``means`` are the column means of ``columns`` (n, p)
    — and its interval: a paired bootstrap of the examples, or (past the budget) its
    normal limit with the delta-method variance."""
    columns = np.asarray(columns, dtype=float)
    n = len(columns)
    means = columns.mean(axis=0)
    delta = float(statistic(means[None, :])[0])
    if n * resamples <= BOOTSTRAP_BUDGET:
        rng = np.random.default_rng(seed)
        draws = np.empty(resamples)
        chunk = max(1, _CHUNK_VALUES // max(n * columns.shape[1], 1))
        for start in range(0, resamples, chunk):
            size = min(chunk, resamples - start)
            picked = rng.integers(0, n, size=(size, n))
            # One column at a time: gathering (size, n, p) at once is ~9× slower.
            resampled = np.column_stack(
                [columns[:, j][picked].mean(axis=1) for j in range(columns.shape[1])]
            )
            draws[start : start + size] = statistic(resampled)
        return delta, percentile_interval(draws, confidence, "bootstrap", resamples)
    gradient = _gradient(statistic, means)
    influence = (columns - means) @ gradient / n
    error = float(np.sqrt((influence**2).sum()))
    spread = z_value(confidence) * error
    return delta, Interval(
        low=delta - spread,
        high=delta + spread,
        confidence=confidence,
        method="normal (delta method)",
        p_value=normal_p_value(delta, error),
    )


def _gradient(statistic: Callable[[Array], Array], at: Array) -> Array:
    """Central differences, one row per coordinate, evaluated in one vectorised call."""
    steps = 1e-6 * np.maximum(np.abs(at), 1.0)
    shifted = np.concatenate([at + np.diag(steps), at - np.diag(steps)])
    values = statistic(shifted)
    p = len(at)
    return (values[:p] - values[p:]) / (2 * steps)
