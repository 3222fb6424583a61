"""The live side of ``monitor --outcomes`` judged against production's evaluation-time
numbers — overall and per window — however the live side was computed: from the examples in
memory (monitor/performance.py) or from sums aggregated on Spark (monitor/spark_outcomes.py).
The reference is summarised once, then the overall side, then each window: one random
generator, drawn in the same order by both routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mlgate.core.columns import ColumnNames
from mlgate.core.metric_catalogue import computed_name, higher_is_better
from mlgate.core.performance import (
    PerformanceReport,
    PerformanceSettings,
    Window,
    judge_live,
    not_computed,
)
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import MetricRow
from mlgate.errors import InputError
from mlgate.files.config import Config

if TYPE_CHECKING:
    from mlgate.core.stats.live import Summary
    from mlgate.monitor.outcome_data import Reference


@dataclass(frozen=True)
class LiveSide:
    """What judging needs of the labelled live outcomes: their count, task, classes,
    whether they carry scores, and their Summary for given metric names, resamples and
    random generator."""

    n: int
    task: str
    classes: tuple[str, ...]
    scored: bool
    summary: Callable[[tuple[str, ...], int, Any], Summary]


@dataclass(frozen=True)
class WindowSide:
    start: str
    served: int
    side: LiveSide


def local_side(sample: Any) -> LiveSide:
    """A live Sample (the examples in memory)."""
    from mlgate.core.stats.live import summarise

    return LiveSide(
        n=sample.n,
        task=sample.task,
        classes=tuple(sample.classes),
        scored=sample.scores is not None,
        summary=lambda names, resamples, rng: summarise(
            sample, names=names, resamples=resamples, rng=rng
        ),
    )


def sums_side(sums: Any) -> LiveSide:
    """A live side as sums (core/stats/sums.py: aggregated on Spark's executors)."""
    from mlgate.core.stats.live import summarise_sums

    return LiveSide(
        n=sums.n,
        task=sums.task,
        classes=tuple(sums.classes),
        scored=sums.scores,
        summary=lambda names, resamples, rng: summarise_sums(
            sums, names=names, resamples=resamples, rng=rng
        ),
    )


def judge_live_side(
    overall: LiveSide,
    windows: list[WindowSide],
    *,
    ref: Any,
    reference: Reference,
    config: Config,
    settings: PerformanceSettings,
    outcomes: str,
    served: int,
    notes: dict[str, Any] | None = None,
) -> PerformanceReport:
    """``ref``: production's evaluation-time Sample (None when only its recorded metrics
    are known); ``outcomes`` names the live data in the report and in errors."""
    import numpy as np

    from mlgate.core.stats.live import compare_summary, summarise

    names = config.columns
    rules = settings.rules or _tracked(overall, ref, reference.recorded)
    keys = {r.name: computed_name(r.name) or r.name for r in rules}
    wanted = tuple(dict.fromkeys(keys.values()))
    rng = np.random.default_rng(settings.seed)
    # The reference is summarised once, for the whole file and every window alike.
    theirs = (
        summarise(ref, names=wanted, resamples=settings.resamples, rng=rng)
        if ref is not None
        else None
    )

    def judged(side: LiveSide) -> tuple[MetricRow, ...]:
        found = compare_summary(
            side.summary(wanted, settings.resamples, rng),
            reference=theirs,
            recorded=reference.recorded,
            names=wanted,
            confidence=settings.confidence,
            resamples=settings.resamples,
        )

        def row(rule: MetricRule) -> MetricRow:
            estimate = found.get(keys[rule.name])  # the metric under the name mlgate computes
            judged_row = judge_live(
                rule,
                live=estimate.live if estimate else None,
                reference=estimate.reference if estimate else reference.recorded.get(rule.name),
                interval=estimate.interval if estimate else None,
                mode=settings.mode,
            )
            return _why_not(judged_row, side, names=names)

        return tuple(row(rule) for rule in rules)

    rows = judged(overall)
    # Too few labels is "not judged yet" (the report says so); rules that can never be
    # computed from these outcomes are a configuration to fix.
    enough = overall.n >= max(settings.min_labels, 1)
    if enough and settings.rules and all(not_computed(row) for row in rows):
        raise InputError(
            f"{outcomes}: none of the monitor.performance metrics can be computed from "
            "the outcomes: " + "; ".join(f"{row.name}: {row.reasons[-1]}" for row in rows)
        )
    judged_windows = tuple(
        Window(
            start=w.start,
            served=w.served,
            labelled=w.side.n,
            rows=judged(w.side) if w.side.n >= settings.min_labels else (),
        )
        for w in windows
    )
    return PerformanceReport(
        model=config.model,
        version=reference.version,
        reference=reference.label,
        outcomes=outcomes,
        served=served,
        labelled=overall.n,
        rows=rows,
        windows=judged_windows,
        window=settings.window if judged_windows else None,
        settings={
            "mode": settings.mode.value,
            "confidence": settings.confidence,
            "min_labels": settings.min_labels,
            **(notes or {}),
        },
    )


_REGRESSION = frozenset({"mae", "rmse", "r2"})


def _why_not(row: MetricRow, sample: LiveSide, *, names: ColumnNames) -> MetricRow:
    """A metric the outcomes could not give, with the reason: the task the outcomes were
    read as (and the setting that decides it), or the scores it needs."""
    if not not_computed(row):
        return row
    key = computed_name(row.name) or row.name
    if sample.n == 0:
        why = f"{row.name}: no labelled outcomes yet"
    elif key in _REGRESSION and sample.task != "regression":
        shown = ", ".join(sample.classes[:4])
        why = (
            f"{row.name} needs a regression task, but the outcomes were read as {sample.task} "
            f"(labels {shown}; predictions.task: {names.task}): set predictions.task: regression"
        )
    elif key not in _REGRESSION and sample.task == "regression":
        why = (
            f"{row.name} is a classification metric, but the outcomes were read as regression "
            f"(predictions.task: {names.task})"
        )
    elif key in ("roc_auc", "log_loss") and not sample.scored:
        why = f"{row.name} needs scores (column {names.score!r}) in the outcomes"
    elif row.candidate is not None:
        why = f"{row.name} is not computable from these outcomes (one class only?)"
    else:
        why = f"mlgate does not compute {row.name} from predictions"
    kept = tuple(r for r in row.reasons if "not computable" not in r)
    return replace(row, reasons=(*kept, why))


def _tracked(live: LiveSide, ref: Any, recorded: dict[str, float]) -> tuple[MetricRule, ...]:
    """No rules configured: every metric both sides have, tracked (shown, never alerting)."""
    from mlgate.core.stats.live import values

    ours = live.summary((), 0, None).values
    theirs = values(ref) if ref is not None else recorded
    return tuple(
        MetricRule(name=name, higher_is_better=higher_is_better(name))
        for name in ours
        if name in theirs
    )
