"""Per-example predictions for a registry comparison on the same data, so that it decides
on paired intervals by default (``evaluation.predictions``):

1. the predictions both runs logged (``mlgate.log_predictions``), paired by id — when each
   was made on its run's recorded dataset; no model is loaded;
2. else both models scored on the same rows of the evaluation data;
3. else point estimates, with one line saying why and what would give intervals.

Predictions that do not pair, or were made on other data than the run recorded, fall back
to scoring with a note; when scoring is not possible either, that is an input error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.core.columns import ColumnNames
from mlgate.core.evidence import Evidence, Route, Source, point_estimates
from mlgate.errors import ConfigError, InputError, UsageError
from mlgate.evaluate.logged import Side, read_logged
from mlgate.evaluate.scoring import Model, Scored, Unavailable

if TYPE_CHECKING:
    from mlgate.adapters.registry import RegistryModel
    from mlgate.evaluate.data import EvalData
    from mlgate.evaluate.predictions import PredictedMetrics
    from mlgate.files.config import Config

LOG_HINT = "log them in the evaluation script with mlgate.log_predictions"
SCORE_HINT = "or set evaluation.data and evaluation.label so mlgate can score both models"


@dataclass(frozen=True, kw_only=True)
class Found:
    evidence: Evidence
    predicted: PredictedMetrics | None = None
    scored: Scored | None = None  # set when mlgate scored the models
    candidate_logged: bool = False  # the candidate's run already has its predictions
    notes: tuple[str, ...] = field(default=())


def same_data_evidence(
    *,
    config: Config,
    registry: Any,
    candidate: RegistryModel,
    baseline: RegistryModel,
    models: tuple[Model, Model],
    data: EvalData | None,
    workdir: Path,
    logged: tuple[Side, Side] | None = None,
) -> Found:
    """Both versions were evaluated on the same dataset: find per-example predictions
    (``logged``: both runs' logged predictions, when they were already read)."""
    route = config.evaluation.predictions
    if route is Route.OFF:
        return Found(evidence=point_estimates("evaluation.predictions is off"))
    problem: str | None = None
    candidate_logged = baseline_logged = False
    if route in (Route.AUTO, Route.LOGGED):
        ours, theirs = logged or (
            read_logged(candidate.run_id, registry=registry, folder=workdir / "logged"),
            read_logged(baseline.run_id, registry=registry, folder=workdir / "logged"),
        )
        candidate_logged, baseline_logged = ours is not None, theirs is not None
        if ours is not None and theirs is not None:
            problem = _other_data(ours, candidate) or _other_data(theirs, baseline)
            if problem is None:
                try:
                    return _logged(ours, theirs, config=config)
                except ConfigError:
                    raise  # a setting to change (predictions.task), not data to re-score
                except InputError as exc:
                    problem = f"the logged predictions do not pair: {exc}"
        if route is Route.LOGGED:
            raise InputError(problem or _missing(ours, theirs, candidate, baseline))
    if data is None:
        if route is Route.SCORE:
            raise UsageError(
                "evaluation.predictions: score needs the evaluation data: set evaluation.data "
                "and evaluation.label"
            )
        if problem is not None:
            raise InputError(f"{problem}; nothing to score instead (set evaluation.data)")
        reason = {
            (False, False): "neither run logged per-example predictions",
            (False, True): "the candidate's run logged no per-example predictions "
            "(production's did)",
            (True, False): "production's run logged no per-example predictions "
            "(the candidate's did)",
        }.get((candidate_logged, baseline_logged), "no per-example predictions to pair")
        return Found(
            evidence=point_estimates(reason, f"{LOG_HINT}, {SCORE_HINT}"),
            candidate_logged=candidate_logged,
        )
    found = _scored(models, data=data, config=config, route=route, problem=problem)
    return Found(
        evidence=found.evidence,
        predicted=found.predicted,
        scored=found.scored,
        candidate_logged=candidate_logged,
    )


def _other_data(side: Side, model: RegistryModel) -> str | None:
    """Predictions made on other data than the run's recorded dataset are never paired."""
    recorded = model.metric_set.identity.dataset
    if side.digest and recorded is not None and recorded.digest and side.digest != recorded.digest:
        return (
            f"{side.uri} was made on data with digest {side.digest[:8]}, but the run's "
            f"evaluation data is {recorded.describe()}"
        )
    return None


def _missing(
    ours: Side | None, theirs: Side | None, candidate: RegistryModel, baseline: RegistryModel
) -> str:
    runs = [
        f"run {model.run_id or '(none)'} ({who})"
        for side, model, who in ((ours, candidate, "candidate"), (theirs, baseline, "production"))
        if side is None
    ]
    return (
        f"evaluation.predictions is logged, but {' and '.join(runs)} has no logged predictions "
        f"(mlgate/predictions.parquet); {LOG_HINT}"
    )


def _logged(ours: Side, theirs: Side, *, config: Config) -> Found:
    from mlgate.evaluate.predictions import paired_metrics
    from mlgate.evaluate.rescoring import named

    names = ColumnNames(task=config.columns.task, positive=config.columns.positive)
    predicted = paired_metrics(
        ours.columns, theirs.columns, config=config, sources=(ours.uri, theirs.uri), names=names
    )
    try:
        predicted = named(predicted, wanted=[rule.name for rule in config.rules])
    except Unavailable as exc:
        return Found(evidence=point_estimates(str(exc)))
    evidence = Evidence(
        source=Source.LOGGED,
        examples=predicted.examples,
        point_only=_point_only(config, predicted),
        candidate=ours.uri,
        baseline=theirs.uri,
    )
    return Found(evidence=evidence, predicted=predicted, candidate_logged=True)


def _scored(
    models: tuple[Model, Model],
    *,
    data: EvalData,
    config: Config,
    route: Route,
    problem: str | None,
) -> Found:
    from mlgate.evaluate.rescoring import rescore

    try:
        predicted, scored = rescore(models=models, data=data, config=config)
    except Unavailable as exc:
        if route is Route.SCORE:
            raise InputError(f"evaluation.predictions is score, but {exc}") from None
        if problem is not None:
            raise InputError(f"{problem}; scoring instead was not possible: {exc}") from None
        return Found(
            evidence=point_estimates(f"scoring the models was not possible: {exc}", LOG_HINT)
        )
    notes = (f"{problem}; both models were scored instead",) if problem else ()
    evidence = scored_evidence(scored, predicted, config=config, notes=notes)
    return Found(evidence=evidence, predicted=predicted, scored=scored)


def scored_evidence(
    scored: Scored, predicted: PredictedMetrics, *, config: Config, notes: tuple[str, ...] = ()
) -> Evidence:
    return Evidence(
        source=Source.SCORED,
        examples=scored.examples,
        rows=scored.rows,
        notes=notes,
        point_only=_point_only(config, predicted),
        candidate=scored.sources[0],
        baseline=scored.sources[1],
    )


def _point_only(config: Config, predicted: PredictedMetrics) -> tuple[str, ...]:
    """Gated metrics predictions do not give (latency, size): logged point values."""
    return tuple(rule.name for rule in config.rules if rule.name not in predicted.estimates)
