"""``mlgate evaluate``: the candidate and the production model from the MLflow registry →
verdict and report on disk → the verdict recorded on the candidate's version."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate import __version__
from mlgate.adapters.clock import now_utc
from mlgate.core.checks import Check, Status
from mlgate.core.compare import compare
from mlgate.core.drift import DriftReport
from mlgate.core.identity import (
    IdentityError,
    ModelState,
    NoBaseline,
    is_near,
    production,
    refused_creation,
    unknown_model,
)
from mlgate.core.refs import AliasRef, ModelRef, RefError, VersionRef, parse_model_ref, redact
from mlgate.core.verdict import Verdict
from mlgate.errors import InputError, ServiceError, UsageError
from mlgate.evaluate.compare import load_model_tests
from mlgate.evaluate.feature_store import feature_store_checks
from mlgate.evaluate.predictions import files_evidence, predicted_metrics
from mlgate.evaluate.scoring import Model, Scored
from mlgate.evaluate.sides import registry_sides
from mlgate.files.config import Config
from mlgate.files.drift import read_drift

if TYPE_CHECKING:
    from mlgate.adapters.registry import Recorded, Registry, RegistryModel
    from mlgate.core.dataset import Dataset
    from mlgate.evaluate.outputs import ReportOptions


@dataclass(frozen=True, kw_only=True)
class EvaluateRequest:
    """What ``mlgate evaluate`` needs, built from options and MLGATE_* variables."""

    tracking_uri: str
    registry_uri: str | None = None
    model: str
    candidate: str
    register: bool = False
    create_model: bool = False
    baseline_alias: str
    metric_prefix: str | None = None
    commit: str | None = None
    record: bool = True
    model_tests: Path | None = None
    drift: Path | None = None
    candidate_predictions: Path | None = None
    baseline_predictions: Path | None = None


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    verdict: Verdict
    markdown: str
    recorded: Recorded | None


def evaluate(
    request: EvaluateRequest,
    *,
    config: Config,
    verdict_path: Path,
    report_path: Path,
    options: ReportOptions,
) -> Evaluation:
    """Candidate and production from the registry → verdict and report on disk → the
    verdict recorded on the candidate's version. Files are written before anything is
    recorded, so a registry failure at the end loses nothing."""
    from mlgate.adapters.registry import Registry
    from mlgate.adapters.registry_models import model_state
    from mlgate.evaluate.outputs import write_outputs

    try:
        ref = parse_model_ref(request.candidate)
    except RefError as exc:
        raise UsageError(f"--candidate: {exc}") from None
    tests = load_model_tests(request.model_tests, config=config)
    predicted = predicted_metrics(
        request.candidate_predictions, request.baseline_predictions, config=config
    )
    registry = Registry(tracking_uri=request.tracking_uri, registry_uri=request.registry_uri)
    state = model_state(registry, request.model)
    if not state.exists:
        check_creation(registry, request)
    try:
        found = production(
            state,
            model=request.model,
            alias=request.baseline_alias,
            candidate_version=_version_of(ref, state),
            allow_no_baseline=config.approval.allow_no_baseline,
        )
    except IdentityError as exc:
        raise InputError(str(exc)) from None
    missing = found if isinstance(found, NoBaseline) else None
    candidate = registry.candidate(
        ref, model=request.model, register=request.register, prefix=request.metric_prefix
    )
    baseline = (
        None
        if missing is not None
        else registry.version(model=request.model, version=str(found), prefix=request.metric_prefix)
    )
    if (
        baseline is not None
        and candidate.version is not None
        and baseline.version == candidate.version
    ):
        raise UsageError(
            f"the candidate is the production model itself: version {candidate.version} "
            f"holds @{request.baseline_alias}"
        )
    with tempfile.TemporaryDirectory(prefix="mlgate-data-") as workdir:
        sides = registry_sides(
            config=config,
            registry=registry,
            candidate=candidate,
            baseline=baseline,
            models=None
            if baseline is None or predicted is not None
            else _models(request, candidate=candidate, baseline=baseline, ref=ref),
            commit=request.commit,
            workdir=Path(workdir),
        )
    evidence = sides.evidence
    candidate_set, baseline_set = sides.candidate, sides.baseline
    if predicted is not None:
        candidate_set, baseline_set = predicted.merge(
            candidate_set, baseline_set, baseline_label=str(request.baseline_predictions)
        )
        files = (request.candidate_predictions, request.baseline_predictions)
        evidence = files_evidence(predicted, config=config, files=files)
    elif sides.predicted is not None:
        predicted = sides.predicted
    drift, drift_notes = evaluation_drift(request, config=config, baseline=baseline)
    drift_notes += feature_store_checks(config, trained_on=candidate.metric_set.identity.trained_on)
    verdict = compare(
        candidate=candidate_set,
        baseline=baseline_set,
        policy=replace(config.policy(), model=request.model),
        tests=tests,
        drift=drift,
        data=sides.comparison,
        evidence=evidence if baseline_set is not None else None,
        notes=[*sides.notes, *drift_notes],
        no_baseline=missing,
        **(predicted.compare_args() if predicted is not None else {}),
        created_at=now_utc(),
        mlgate_version=__version__,
    )
    markdown = write_outputs(
        verdict, verdict_path=verdict_path, report_path=report_path, options=options
    )
    recorded = None
    if request.record:
        try:
            if sides.log_dataset is not None and candidate.run_id:
                registry.log_dataset(candidate.run_id, sides.log_dataset)
            if sides.scored is not None and candidate.run_id:
                keep_scores(registry, candidate.run_id, sides.scored, dataset=sides.scored_on)
            recorded = registry.record(
                candidate, verdict=verdict, files={"verdict": verdict_path, "report": report_path}
            )
        except ServiceError as exc:
            raise ServiceError(f"{exc} ({verdict_path} and {report_path} were written)") from None
    return Evaluation(verdict=verdict, markdown=markdown, recorded=recorded)


def check_creation(registry: Registry, request: EvaluateRequest) -> None:
    """A registered model that does not exist: an input error with a did-you-mean, unless
    the user asked to create it — and never a near-copy of an existing model's name."""
    from mlgate.adapters.registry_models import model_names

    names = model_names(registry)
    if not request.create_model:
        raise InputError(
            unknown_model(request.model, names=names, where=redact(request.tracking_uri))
        )
    near = [name for name in names if is_near(request.model, name)]
    if near:
        raise InputError(refused_creation(request.model, near=near))


def _version_of(ref: ModelRef, state: ModelState) -> str | None:
    """The candidate's version, when it is in the registry already (its own aliases, such
    as @challenger, are not production's)."""
    if isinstance(ref, VersionRef):
        return ref.version
    if isinstance(ref, AliasRef):
        return state.aliases.get(ref.alias)
    return None


def _models(
    request: EvaluateRequest, *, candidate: RegistryModel, baseline: RegistryModel, ref: ModelRef
) -> tuple[Model, Model]:
    return (
        Model(
            uri=model_uri(candidate, ref=ref),
            run_id=candidate.run_id,
            tracking_uri=request.tracking_uri,
        ),
        Model(
            uri=f"models:/{request.model}/{baseline.version}",
            run_id=baseline.run_id,
            tracking_uri=request.tracking_uri,
        ),
    )


def keep_scores(registry: Any, run_id: str, scored: Scored, *, dataset: Dataset | None) -> str:
    """The candidate's scored predictions, kept with its run: when this version is
    production later, its predictions are already there."""
    from mlgate.evaluate.logged import keep_predictions

    return keep_predictions(scored.candidate, run_id=run_id, registry=registry, dataset=dataset)


def model_uri(model: RegistryModel, *, ref: ModelRef) -> str:
    """Where the candidate's model loads from: its registry version, else the run."""
    if model.name and model.version:
        return f"models:/{model.name}/{model.version}"
    return ref.uri


def evaluation_drift(
    request: EvaluateRequest, *, config: Config, baseline: RegistryModel | None
) -> tuple[DriftReport | None, list[Check]]:
    """The drift part of an evaluation: the report given with --drift, else — when
    mlgate.yml has drift.data — that data against the reference stored with the production
    version. A production version without a stored reference warns; it does not block."""
    from mlgate.monitor.drift import drift_report

    if request.drift is not None:
        return read_drift(request.drift), []
    if not config.drift.data or baseline is None or baseline.version is None:
        return None, []
    reference = f"models:/{request.model}/{baseline.version}"
    try:
        report = drift_report(
            reference=reference,
            current=config.drift.data,
            config=config,
            model=request.model,
            tracking_uri=request.tracking_uri,
        )
    except InputError as exc:
        if "has no drift reference" not in str(exc):
            raise
        note = Check(
            name="data drift",
            status=Status.WARN,
            summary=f"not checked: production version {baseline.version} has no stored "
            "reference data (mlgate promote stores it when drift.reference is set)",
        )
        return None, [note]
    return report, []
