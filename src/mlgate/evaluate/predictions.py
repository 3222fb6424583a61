"""Per-example predictions → metrics for both models with paired intervals, merged into
the two metric sets the gate compares."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.core.classes import ClassRow
from mlgate.core.evidence import Evidence, Source
from mlgate.core.interval import Interval
from mlgate.core.metricset import MetricSet
from mlgate.core.verdict import Identity, SliceRow
from mlgate.errors import ConfigError, InputError, UsageError

if TYPE_CHECKING:
    from mlgate.core.columns import ColumnNames
    from mlgate.core.stats.estimates import Estimate
    from mlgate.files.config import Config


@dataclass(frozen=True, kw_only=True)
class PredictedMetrics:
    estimates: dict[str, Estimate]
    examples: int
    task: str
    slices: tuple[SliceRow, ...] = ()
    slices_skipped: int = 0
    classes: tuple[ClassRow, ...] = ()

    @property
    def intervals(self) -> dict[str, Interval]:
        return {name: e.interval for name, e in self.estimates.items()}

    def merge(
        self, candidate: MetricSet, baseline: MetricSet | None, *, baseline_label: str
    ) -> tuple[MetricSet, MetricSet]:
        """The sets with these metrics added; a metric also in a metrics file is taken
        from the predictions, which carry its interval. No baseline set: one is made from
        the baseline's predictions alone."""
        if baseline is None:
            baseline = MetricSet(identity=Identity(label=baseline_label), metrics={})
        ours = {name: e.candidate for name, e in self.estimates.items()}
        theirs = {name: e.baseline for name, e in self.estimates.items()}
        return (
            with_computed(candidate, ours),
            with_computed(baseline, theirs),
        )

    def compare_args(self) -> dict[str, Any]:
        """What :func:`mlgate.core.compare.compare` takes from the predictions."""
        return {
            "intervals": self.intervals,
            "examples": self.examples,
            "slices": self.slices,
            "slices_skipped": self.slices_skipped,
            "classes": self.classes,
        }


def with_computed(side: MetricSet, computed: dict[str, float]) -> MetricSet:
    """``side`` with the metrics computed from predictions in place of logged ones, and
    each logged metric the predictions also give (by name, or as the same metric under
    another spelling: ``eval_rmse`` and ``rmse``) kept beside its computed value."""
    from mlgate.core.metric_catalogue import computed_name

    by_metric = {computed_name(name) or name: value for name, value in computed.items()}
    recomputed = dict(side.recomputed)
    for name, logged in side.metrics.items():
        value = computed.get(name)
        if value is None:
            value = by_metric.get(computed_name(name) or "")
        if value is not None:
            recomputed[name] = (float(logged), float(value))
    return replace(side, metrics={**side.metrics, **computed}, recomputed=recomputed)


def files_evidence(
    predicted: PredictedMetrics, *, config: Config, files: tuple[Path | None, Path | None]
) -> Evidence:
    """Where the numbers came from when predictions files were given."""
    return Evidence(
        source=Source.FILES,
        examples=predicted.examples,
        point_only=tuple(r.name for r in config.rules if r.name not in predicted.estimates),
        candidate=str(files[0]) if files[0] else None,
        baseline=str(files[1]) if files[1] else None,
    )


def predicted_metrics(
    candidate: Path | None, baseline: Path | None, *, config: Config
) -> PredictedMetrics | None:
    """None when no predictions were given; both or neither must be."""
    if candidate is None and baseline is None:
        return None
    if candidate is None or baseline is None:
        given = "--candidate-predictions" if candidate else "--baseline-predictions"
        missing = "--baseline-predictions" if candidate else "--candidate-predictions"
        raise UsageError(f"{given} needs {missing}: intervals compare the same examples")
    try:
        import numpy  # noqa: F401
    except ImportError:
        raise UsageError(
            "per-example predictions need numpy: pip install 'mlgate[predictions]'"
        ) from None
    from mlgate.files.predictions import read_predictions

    columns_c = read_predictions(candidate, role="candidate")
    columns_b = read_predictions(baseline, role="baseline")
    return paired_metrics(
        columns_c, columns_b, config=config, sources=(str(candidate), str(baseline))
    )


def paired_metrics(
    candidate: dict[str, Any],
    baseline: dict[str, Any],
    *,
    config: Config,
    sources: tuple[str, str],
    names: ColumnNames | None = None,
) -> PredictedMetrics:
    """Both models' per-example columns → every metric they allow, with paired intervals
    and slice rows (a predictions file's columns, or what re-scoring produced)."""
    from mlgate.core.stats.estimates import Settings, estimate
    from mlgate.core.stats.labels import PairingError, TaskError
    from mlgate.core.stats.paired import pair

    try:
        paired = pair(
            candidate,
            baseline,
            names=names or config.columns,
            slices=config.slices.columns,
            sources=sources,
        )
    except TaskError as exc:
        raise ConfigError(str(exc)) from None
    except PairingError as exc:
        raise InputError(str(exc)) from None
    significance = config.significance
    settings = Settings(
        confidence=significance.confidence,
        resamples=significance.resamples,
        seed=significance.seed,
    )
    estimates = estimate(paired, settings)
    from mlgate.core.stats.classes import class_rows

    classes = tuple(class_rows(paired, settings))
    rows: list[SliceRow] = []
    skipped = 0
    if config.slices.columns:
        from mlgate.core.stats.slicing import slice_rows

        wanted = config.slices.metrics or tuple(r.name for r in config.rules)
        rows, skipped = slice_rows(
            paired,
            settings=config.slices,
            metrics=frozenset(name for name in wanted if name in estimates),
            estimates=settings,
        )
    return PredictedMetrics(
        estimates=estimates,
        examples=paired.n,
        task=paired.task,
        slices=tuple(rows),
        slices_skipped=skipped,
        classes=classes,
    )
