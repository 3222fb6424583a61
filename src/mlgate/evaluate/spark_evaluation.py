"""Paired evaluation on Apache Spark (``evaluation.engine: spark``): both models scored on
the same rows of a table in one job, and Δ's intervals from sums the executors send.

- Confusion metrics (accuracy, precision, recall, F1 …): the k³ joint outcomes (label,
  candidate's class, production's class) are counted on the executors; their multinomial
  bootstrap — and the paired Newcombe intervals for the proportions — are then exactly
  what the in-memory route computes from the same predictions.
- Means of per-example terms (log loss; MAE, RMSE, R²): the Poisson bootstrap
  (core/stats/poisson.py), keyed on each row's id hash — independent of partitioning.
- ROC AUC (binary): the Poisson bootstrap over per-resample score histograms; the point
  estimate from finer bins, its binning bound stated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.core.columns import ColumnNames
from mlgate.core.stats.estimates import Estimate
from mlgate.core.stats.intervals import percentile_interval

if TYPE_CHECKING:
    from mlgate.evaluate.predictions import PredictedMetrics

KEY = "_mlgate_key"  # the row's 64-bit id hash (Spark's xxhash64), added to the frame
CANDIDATE, BASELINE = "_mlgate_candidate", "_mlgate_baseline"  # prefixes of scored columns
METHOD = "Poisson bootstrap"


@dataclass(frozen=True)
class PairPlan:
    """What every partition needs: the columns (predictions-file names per side), the task
    and classes fixed on the driver, and the bootstrap's settings."""

    names: tuple[ColumnNames, ColumnNames]
    label: str
    task: str
    classes: tuple[str, ...]
    seed: int
    resamples: int
    buffer_rows: int = 65_536


@dataclass
class PairSums:
    cells: Any = None  # k³ joint outcomes
    resampled: Any = None  # core/stats/poisson.ResampledSums


def pair_function(plan: PairPlan) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """The ``mapInArrow`` function: one partition's PairSums."""

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        from mlgate.monitor.spark_partials import gathered, pack, summary_batch

        total = PairSums()
        for table in gathered(batches, plan.buffer_rows):
            _add(total, _sums(plan, table))
        yield summary_batch(["pair"], [pack(total)])

    return run


def _add(total: PairSums, part: PairSums) -> None:
    if part.cells is not None:
        total.cells = part.cells if total.cells is None else total.cells + part.cells
    if part.resampled is not None:
        if total.resampled is None:
            total.resampled = part.resampled
        else:
            total.resampled.add(part.resampled)


def _sums(plan: PairPlan, table: Any) -> PairSums:
    """One buffer of rows: both sides read as predictions files are, then summed."""
    import numpy as np

    from mlgate.core.stats import metrics as m
    from mlgate.core.stats.paired import single
    from mlgate.core.stats.poisson import resampled_sums
    from mlgate.files.predictions import arrow_values

    columns = {name: arrow_values(table.column(name)) for name in table.column_names}
    keys = table.column(KEY).to_numpy(zero_copy_only=False).astype(np.int64).view(np.uint64)
    take = np.ones(table.num_rows, dtype=bool)
    sides = [
        single(columns, names=names, take=take, source=plan.label, classes=plan.classes,
               task=plan.task)
        for names in plan.names
    ]  # fmt: skip
    labels = sides[0].labels
    c, b = sides[0].side, sides[1].side
    out = PairSums()
    if plan.task == "regression":
        y = np.asarray(labels, dtype=float)
        e_c, e_b = c.predicted - y, b.predicted - y
        terms = np.column_stack([np.abs(e_c), np.abs(e_b), e_c**2, e_b**2, y, y * y])
        out.resampled = resampled_sums(terms, keys, seed=plan.seed, resamples=plan.resamples)
        return out
    k = len(plan.classes)
    out.cells = np.bincount((labels * k + c.predicted) * k + b.predicted, minlength=k**3)
    if c.scores is not None and b.scores is not None:
        losses = np.column_stack(
            [m.log_loss_per_example(labels, c.scores), m.log_loss_per_example(labels, b.scores)]
        )
        binary = c.scores.ndim == 1
        out.resampled = resampled_sums(
            losses,
            keys,
            scores=(c.scores, b.scores) if binary else None,
            positive=labels == 1 if binary else None,
            seed=plan.seed,
            resamples=plan.resamples,
        )
    return out


def paired_on_spark(
    frame: Any,
    *,
    sides: tuple[ColumnNames, ColumnNames],
    id_column: str | None,
    significance: Any,
    source: str,
) -> tuple[PredictedMetrics, dict[str, Any]]:
    """Both models' per-example predictions in one table (``sides``: each one's column
    names) → every metric with Δ's interval, and what the report states (the bounds)."""
    from mlgate.adapters.spark import row_hash, summaries
    from mlgate.evaluate.predictions import PredictedMetrics
    from mlgate.monitor.spark_partials import unpack

    label = sides[0].label
    task, classes = _task_and_classes(frame, sides[0], source)
    # A row's key: its id's hash — or, with no id column, its contents' (equal rows then
    # share their weights, which is what they are).
    keyed = row_hash(frame, [id_column] if id_column else None)
    wanted = {
        label,
        *(n for side in sides for n in (side.prediction, side.score) if n in frame.columns),
    }
    wanted |= {c for c in frame.columns if any(c.startswith(f"{side.score}_") for side in sides)}
    table = frame.select(*sorted(wanted), keyed.alias(KEY))
    plan = PairPlan(names=sides, label=source, task=task, classes=classes,
                    seed=significance.seed, resamples=significance.resamples)  # fmt: skip
    total, partitions, examples = PairSums(), 0, 0
    for _, blob in summaries(table, pair_function(plan), doing=f"scoring the pairs of {source}"):
        part = unpack(blob)
        partitions += 1
        _add(total, part)
    if total.cells is not None:
        examples = int(total.cells.sum())
    elif total.resampled is not None:
        examples = total.resampled.count
    estimates, bounds = estimates_from(
        total, task=task, k=len(classes), confidence=significance.confidence,
        seed=significance.seed, resamples=significance.resamples,
    )  # fmt: skip
    notes = {"engine": "spark", "partitions": partitions, "bounds": bounds}
    return PredictedMetrics(estimates=estimates, examples=examples, task=task), notes


def _task_and_classes(frame: Any, names: ColumnNames, source: str) -> tuple[str, tuple[str, ...]]:
    """As the in-memory route decides them, from a digest (a row of each distinct label and
    prediction, and the first rows) — monitor/spark_outcomes.py's."""
    from mlgate.monitor.spark_outcomes import digest_task_and_classes

    return digest_task_and_classes(frame, names, source, ref=None)


def estimates_from(sums: PairSums, *, task: str, k: int, confidence: float, seed: int,
                   resamples: int) -> tuple[dict[str, Estimate], dict[str, float]]:  # fmt: skip
    """Every metric the sums allow, with Δ's interval; and the bounds stated with them."""
    from mlgate.core.stats import estimates as local
    from mlgate.core.stats import metrics as m
    from mlgate.core.stats.intervals import cells_intervals

    out: dict[str, Estimate] = {}
    bounds: dict[str, float] = {}
    if sums.cells is not None:
        cube = sums.cells.reshape(k, k, k)
        values_c = m.from_confusion(cube.sum(axis=2))
        values_b = m.from_confusion(cube.sum(axis=1))
        found = cells_intervals(
            sums.cells, k, confidence=confidence, resamples=resamples, seed=seed
        )
        for name, (_, interval) in found.items():
            out[name] = Estimate(name=name, candidate=float(values_c[name]),
                                 baseline=float(values_b[name]), interval=interval)  # fmt: skip
    r = sums.resampled
    if r is None:
        return out, bounds
    means = r.totals / r.count
    draws = r.sums / r.weights[:, None]
    if task == "regression":
        for name, picked, statistic, sides in (
            ("mae", [0, 1], local._difference, None),
            ("rmse", [2, 3], local._root_difference, None),
            ("r2", [2, 3, 4, 5], local._r2, local._r2_sides),
        ):
            ours = means[picked]
            both = sides(ours) if sides else local._sides(ours, name)
            interval = percentile_interval(
                statistic(draws[:, picked]), confidence, METHOD, resamples
            )
            out[name] = Estimate(name=name, candidate=both[0], baseline=both[1], interval=interval)
        return out, bounds
    out["log_loss"] = Estimate(
        name="log_loss",
        candidate=float(means[0]),
        baseline=float(means[1]),
        interval=percentile_interval(draws[:, 0] - draws[:, 1], confidence, METHOD, resamples),
    )
    if r.fine is not None:
        out["roc_auc"], bounds["roc_auc"] = _auc(r, confidence=confidence, resamples=resamples)
    return out, bounds


def _auc(r: Any, *, confidence: float, resamples: int) -> tuple[Estimate, float]:
    from mlgate.core.stats.poisson import BOOTSTRAP_BINS, POINT_BINS, auc_bound, auc_from_bins

    auc_c = float(auc_from_bins(r.fine[0, 0], r.fine[0, 1]))
    auc_b = float(auc_from_bins(r.fine[1, 0], r.fine[1, 1]))
    coarse = r.fine.reshape(2, 2, BOOTSTRAP_BINS, POINT_BINS // BOOTSTRAP_BINS).sum(axis=-1)
    observed = float(
        auc_from_bins(coarse[0, 0], coarse[0, 1]) - auc_from_bins(coarse[1, 0], coarse[1, 1])
    )
    draws = auc_from_bins(r.resampled[0, 0], r.resampled[0, 1]) - auc_from_bins(
        r.resampled[1, 0], r.resampled[1, 1]
    )
    # The bootstrap's spread from the coarse bins, centred on the fine bins' Δ.
    shifted = draws + ((auc_c - auc_b) - observed)
    interval = percentile_interval(shifted, confidence, METHOD, resamples)
    bound = max(auc_bound(r.fine[0, 0], r.fine[0, 1]), auc_bound(r.fine[1, 0], r.fine[1, 1]))
    estimate = Estimate(name="roc_auc", candidate=auc_c, baseline=auc_b, interval=interval)
    return estimate, bound
