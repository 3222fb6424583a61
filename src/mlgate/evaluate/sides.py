"""Both sides of a registry comparison as the gate will compare them: the evaluation data
each was evaluated on, production re-scored on the candidate's data when theirs differ
(evaluate/rescoring.py), and — on the same data — per-example predictions for paired
intervals (evaluate/evidence.py), or the reason there are none."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.core.checks import Check, Status
from mlgate.core.evidence import Evidence, Route, Source, point_estimates
from mlgate.core.metricset import MetricSet
from mlgate.core.provenance import DataComparison, Outcome
from mlgate.evaluate.evidence import same_data_evidence, scored_evidence
from mlgate.evaluate.logged import Side as LoggedSide
from mlgate.evaluate.logged import identify, metrics_alone, read_logged
from mlgate.evaluate.rescoring import settle
from mlgate.evaluate.scoring import Model, Scored

if TYPE_CHECKING:
    from mlgate.adapters.registry import RegistryModel
    from mlgate.core.dataset import Dataset
    from mlgate.core.verdict import Identity
    from mlgate.evaluate.predictions import PredictedMetrics
    from mlgate.files.config import Config

DATA_HINT = "log the evaluation data with mlflow.log_input on both runs, or set evaluation.data"


@dataclass(frozen=True, kw_only=True)
class Sides:
    candidate: MetricSet
    baseline: MetricSet | None
    comparison: DataComparison | None
    notes: list[Check]
    evidence: Evidence | None = None
    predicted: PredictedMetrics | None = None
    log_dataset: Dataset | None = None  # the candidate's data, when its run has none logged
    scored: Scored | None = None  # the candidate's scores, to keep with its run
    scored_on: Dataset | None = None  # ... and the data they were made on


def registry_sides(
    *,
    config: Config,
    registry: Any,
    candidate: RegistryModel,
    baseline: RegistryModel | None,
    models: tuple[Model, Model] | None,
    commit: str | None,
    workdir: Path,
) -> Sides:
    """``models``: where both load from (None when production is absent or predictions
    files were given: those are paired as they are)."""
    from mlgate.evaluate.data import candidate_data

    if config.evaluation.engine == "spark" and baseline is not None and models is not None:
        return _on_spark(config, candidate, baseline, models, commit=commit)
    logged = candidate.metric_set.identity.dataset
    dataset, data, notes = candidate_data(config.evaluation, logged=logged, workdir=workdir)
    identity = candidate.metric_set.identity
    ours = replace(
        candidate.metric_set,
        identity=replace(identity, commit=commit or identity.commit, dataset=dataset),
    )
    log = dataset if logged is None else None
    if baseline is None or models is None:
        theirs = baseline.metric_set if baseline is not None else None
        if baseline is None:
            ours = _alone(
                ours, config=config, registry=registry, run_id=candidate.run_id, workdir=workdir
            )
        return Sides(candidate=ours, baseline=theirs, comparison=None, notes=notes, log_dataset=log)
    settled = settle(
        candidate=ours, baseline=baseline.metric_set, models=models, data=data, config=config
    )
    sides = Sides(
        candidate=settled.candidate,
        baseline=settled.baseline,
        comparison=settled.comparison,
        notes=[*notes, *trained_on_check(settled.comparison, baseline.metric_set.identity)],
        log_dataset=log,
    )
    if settled.scored is not None and settled.predicted is not None:
        evidence = scored_evidence(settled.scored, settled.predicted, config=config)
        scored_on = data.dataset if data is not None else None
        return replace(
            sides,
            evidence=evidence,
            predicted=settled.predicted,
            scored=settled.scored,
            scored_on=scored_on,
        )
    both = None
    if settled.comparison.outcome is Outcome.UNKNOWN:
        both = _both_logged(config, registry, candidate, baseline, workdir)
        if both is not None:
            sides = replace(
                sides,
                comparison=identify(*both, previous=settled.comparison, settings=config.evaluation),
            )
    assert sides.comparison is not None
    if sides.comparison.outcome is not Outcome.SAME:
        return replace(sides, evidence=_not_paired(sides.comparison))
    found = same_data_evidence(
        config=config,
        registry=registry,
        candidate=candidate,
        baseline=baseline,
        models=models,
        data=data,
        workdir=workdir,
        logged=both,
    )
    if found.predicted is None:
        return replace(sides, evidence=found.evidence)
    comparison = sides.comparison
    if comparison.partial and found.evidence.source is Source.LOGGED:
        comparison = replace(comparison, confirmed="the logged predictions' ids and labels")
    merged_c, merged_b = found.predicted.merge(
        settled.candidate, settled.baseline, baseline_label=models[1].uri
    )
    return replace(
        sides,
        candidate=merged_c,
        baseline=merged_b,
        comparison=comparison,
        evidence=found.evidence,
        predicted=found.predicted,
        scored=None if found.candidate_logged else found.scored,
        scored_on=data.dataset if data is not None else None,
    )


def _on_spark(
    config: Config,
    candidate: RegistryModel,
    baseline: RegistryModel,
    models: tuple[Model, Model],
    *,
    commit: str | None,
) -> Sides:
    """evaluation.engine: spark — both models scored on the table's rows in one Spark job
    (evaluate/spark_scoring.py): production is re-scored on the candidate's data, paired
    by construction."""
    from mlgate.core.evidence import Evidence
    from mlgate.core.provenance import judge_data, unscored
    from mlgate.errors import InputError
    from mlgate.evaluate.rescoring import named
    from mlgate.evaluate.scoring import Unavailable
    from mlgate.evaluate.spark_scoring import score_on_spark

    found = score_on_spark(models, config=config)
    try:  # under the gated names (auc for roc_auc), as the local scoring route gives them
        predicted = named(found.predicted, wanted=[rule.name for rule in config.rules])
    except Unavailable as exc:
        raise InputError(f"evaluation.engine spark: {exc}") from None
    identity = candidate.metric_set.identity
    ours = replace(
        candidate.metric_set,
        identity=replace(identity, commit=commit or identity.commit, dataset=found.dataset),
    )
    names = tuple(predicted.estimates)
    merged_c, merged_b = predicted.merge(ours, baseline.metric_set, baseline_label=models[1].uri)
    comparison = judge_data(
        candidate=found.dataset,
        baseline=baseline.metric_set.identity.dataset,
        settings=config.evaluation,
        rescored=names,
        not_rescored=unscored([rule.name for rule in config.rules], names),
    )
    said = [f"scored on Spark: {found.notes['partitions']} partitions"]
    said += [
        f"ROC AUC within ±{bound:.2g} of its exact value (score bins)"
        for bound in found.notes["bounds"].values()
    ]
    evidence = Evidence(
        source=Source.SCORED,
        examples=predicted.examples,
        rows=found.rows,
        notes=tuple(said),
        point_only=tuple(r.name for r in config.rules if r.name not in predicted.estimates),
        candidate=models[0].uri,
        baseline=models[1].uri,
    )
    return Sides(
        candidate=merged_c,
        baseline=merged_b,
        comparison=comparison,
        notes=[],
        evidence=evidence,
        predicted=predicted,
        log_dataset=found.dataset if identity.dataset is None else None,
    )


def trained_on_check(comparison: DataComparison, production: Identity) -> list[Check]:
    """Production re-scored on the data its own run records as its training data: its
    numbers there are optimistic, and the comparison favours it. Said, not failed."""
    data, trained = comparison.candidate, production.trained_on
    if comparison.outcome is not Outcome.RESCORED or data is None or trained is None:
        return []
    if data.same_data(trained) is not True:
        return []
    return [
        Check(
            name="training data",
            status=Status.WARN,
            summary=f"production was re-scored on {data.describe()}, which its run records as "
            "its training data: its numbers there are optimistic, so the comparison favours "
            "production",
        )
    ]


def _alone(
    ours: MetricSet, *, config: Config, registry: Any, run_id: str | None, workdir: Path
) -> MetricSet:
    """No production model: the candidate's metrics computed from its logged predictions,
    where it has some, in place of the logged ones — the numbers a comparison would use."""
    from mlgate.core.metric_catalogue import computed_name
    from mlgate.evaluate.predictions import with_computed

    if config.evaluation.predictions not in (Route.AUTO, Route.LOGGED):
        return ours
    side = read_logged(run_id, registry=registry, folder=workdir / "logged")
    if side is None:
        return ours
    computed = metrics_alone(side, task=config.columns.task, positive=config.columns.positive)
    named = {
        rule.name: computed[key]
        for rule in config.rules
        if (key := computed_name(rule.name) or rule.name) in computed
    }
    return with_computed(ours, named or computed)


def _both_logged(
    config: Config,
    registry: Any,
    candidate: RegistryModel,
    baseline: RegistryModel,
    workdir: Path,
) -> tuple[LoggedSide, LoggedSide] | None:
    """Both runs' logged predictions, when the route reads them and both have some."""
    if config.evaluation.predictions not in (Route.AUTO, Route.LOGGED):
        return None
    folder = workdir / "logged"
    ours = read_logged(candidate.run_id, registry=registry, folder=folder)
    theirs = read_logged(baseline.run_id, registry=registry, folder=folder)
    return (ours, theirs) if ours is not None and theirs is not None else None


def _not_paired(comparison: DataComparison) -> Evidence:
    if comparison.outcome is Outcome.UNKNOWN:
        return point_estimates(
            "the evaluation data is not recorded on both versions, so their predictions "
            "cannot be paired",
            DATA_HINT,
        )
    return point_estimates(
        "the two versions were evaluated on different data and production could not be "
        f"re-scored ({comparison.reason or 'see the data check'})",
        "score both on the same data (evaluation.data and evaluation.label)",
    )
