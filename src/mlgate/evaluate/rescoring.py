"""Comparing like with like: when production's metrics were computed on other data than
the candidate's (or on data nobody recorded), score both models on the candidate's
evaluation data and compare those numbers — paired, with intervals, as per-example
predictions are. When that is not possible the data comparison says why, and the gate
refuses unless the config allows comparing across datasets.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.core.checks import Check
from mlgate.core.metricset import MetricSet
from mlgate.core.provenance import DataComparison, judge_data, needs_rescoring, unscored
from mlgate.errors import InputError
from mlgate.evaluate.scoring import Model, Scored, Unavailable, score_both

if TYPE_CHECKING:
    from mlgate.evaluate.data import EvalData
    from mlgate.evaluate.predictions import PredictedMetrics
    from mlgate.files.config import Config

# What evaluation scripts call the metrics mlgate computes from predictions (MLflow's
# evaluate writes accuracy_score, f1_score …; many scripts write auc).


@dataclass(frozen=True, kw_only=True)
class Settled:
    """Both sides as they will be compared, and what was done about their data."""

    candidate: MetricSet
    baseline: MetricSet
    comparison: DataComparison
    predicted: PredictedMetrics | None = None
    scored: Scored | None = None  # the rows both models were scored on, when they were


def settle(
    *,
    candidate: MetricSet,
    baseline: MetricSet,
    models: tuple[Model, Model] | None,
    data: EvalData | None,
    config: Config,
) -> Settled:
    """Compare as they are when both were evaluated on the same data; else re-score
    production (``models`` = the candidate and production) on ``data``."""
    ours, theirs = candidate.identity.dataset, baseline.identity.dataset
    settings = config.evaluation
    reason = None
    if needs_rescoring(ours, theirs):
        try:
            if not settings.rescore:
                raise Unavailable("evaluation.rescore is false")
            if models is None:
                raise Unavailable("the models are not in a registry to load them from")
            if data is None:
                raise Unavailable(
                    "the candidate's evaluation data is not available here (set evaluation.data)"
                )
            predicted, scored = rescore(models=models, data=data, config=config)
        except Unavailable as exc:
            reason = str(exc)
        else:
            names = tuple(predicted.estimates)
            gated = [rule.name for rule in config.rules]
            merged_c, merged_b = predicted.merge(candidate, baseline, baseline_label=models[1].uri)
            assert data is not None
            comparison = judge_data(
                candidate=data.dataset,  # what both were scored on
                baseline=theirs,
                settings=settings,
                rescored=names,
                not_rescored=unscored(gated, names),
            )
            return Settled(
                candidate=merged_c,
                baseline=merged_b,
                comparison=comparison,
                predicted=predicted,
                scored=scored,
            )
    comparison = judge_data(candidate=ours, baseline=theirs, settings=settings, reason=reason)
    return Settled(candidate=candidate, baseline=baseline, comparison=comparison)


def settle_files(
    candidate: MetricSet, baseline: MetricSet, *, config: Config
) -> tuple[MetricSet, DataComparison | None, list[Check]]:
    """The data comparison of two metrics files (their ``dataset`` keys, or evaluation.data
    for the candidate). Files name no model, so nothing can be re-scored; with no
    provenance anywhere there is nothing to say."""
    from mlgate.evaluate.data import candidate_data

    settings = config.evaluation
    with tempfile.TemporaryDirectory(prefix="mlgate-data-") as workdir:
        dataset, _, notes = candidate_data(
            settings, logged=candidate.identity.dataset, workdir=Path(workdir)
        )
    candidate = replace(candidate, identity=replace(candidate.identity, dataset=dataset))
    theirs = baseline.identity.dataset
    if dataset is None and theirs is None and not settings.require:
        return candidate, None, notes
    different = dataset is not None and theirs is not None and dataset.same_data(theirs) is False
    comparison = judge_data(
        candidate=dataset,
        baseline=theirs,
        settings=settings,
        reason="metrics files name no model to re-score" if different else None,
        registry=False,
    )
    return candidate, comparison, notes


def rescore(
    *, models: tuple[Model, Model], data: EvalData, config: Config
) -> tuple[PredictedMetrics, Scored]:
    """Both models on ``data`` → the metrics the config gates (and the candidate
    reports), under the names they are gated by; and the scored columns."""
    from mlgate.evaluate.predictions import paired_metrics

    scored = score_both(models=models, data=data, config=config)
    try:
        predicted = paired_metrics(
            scored.candidate,
            scored.baseline,
            config=config,
            sources=scored.sources,
            names=scored.names,
        )
    except InputError as exc:
        raise Unavailable(str(exc)) from None
    return named(predicted, wanted=[rule.name for rule in config.rules]), scored


def named(predicted: PredictedMetrics, *, wanted: list[str]) -> PredictedMetrics:
    """Estimates under the gated names (``auc`` for ``roc_auc``); with none gated, all."""
    from mlgate.core.metric_catalogue import computed_name

    found = {
        name: replace(predicted.estimates[computed], name=name)
        for name in wanted
        if (computed := computed_name(name) or name) in predicted.estimates
    }
    if wanted and not found:
        computed = ", ".join(sorted(predicted.estimates))
        raise Unavailable(
            f"none of the gated metrics can be computed from predictions (mlgate computes "
            f"{computed})"
        )
    return replace(predicted, estimates=found or dict(predicted.estimates))
