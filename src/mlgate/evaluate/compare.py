"""``mlgate compare``: two metrics files (and/or per-example predictions) → a verdict, with
no registry; and the model-test results both ways of evaluating fold in."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate import __version__
from mlgate.adapters.clock import now_utc
from mlgate.core.checks import Check
from mlgate.core.compare import compare
from mlgate.core.evidence import Evidence, point_estimates
from mlgate.core.metricset import MetricSet
from mlgate.core.model_tests import ModelTests, missing_results
from mlgate.core.verdict import Identity, Verdict
from mlgate.errors import UsageError
from mlgate.evaluate.feature_store import feature_store_checks
from mlgate.evaluate.predictions import files_evidence, predicted_metrics
from mlgate.evaluate.rescoring import settle_files
from mlgate.files.config import Config
from mlgate.files.drift import read_drift
from mlgate.files.metrics import load_metric_set

if TYPE_CHECKING:
    from mlgate.core.provenance import DataComparison


def compare_files(
    *,
    candidate: Path | None,
    baseline: Path | None,
    config: Config,
    model: str | None = None,
    model_tests: Path | None = None,
    drift: Path | None = None,
    candidate_predictions: Path | None = None,
    baseline_predictions: Path | None = None,
) -> Verdict:
    """Compare metrics files and/or per-example predictions under ``config``; no baseline
    at all means no production model."""
    if candidate is None and candidate_predictions is None:
        raise UsageError("give the candidate: --candidate FILE or --candidate-predictions FILE")
    for ours, theirs in ((candidate, baseline), (candidate_predictions, baseline_predictions)):
        if ours is not None and theirs is not None and ours.resolve() == theirs.resolve():
            raise UsageError(f"{ours}: the candidate and the baseline are the same file")
    predicted = predicted_metrics(candidate_predictions, baseline_predictions, config=config)
    candidate_set = (
        load_metric_set(candidate, role="candidate")
        if candidate is not None
        else MetricSet(identity=Identity(label=str(candidate_predictions)), metrics={})
    )
    baseline_set = load_metric_set(baseline, role="baseline") if baseline is not None else None
    if predicted is not None:
        candidate_set, baseline_set = predicted.merge(
            candidate_set, baseline_set, baseline_label=str(baseline_predictions)
        )
    tests = load_model_tests(model_tests, config=config)
    drift_report = read_drift(drift) if drift is not None else None
    policy = config.policy()
    if model:
        policy = replace(policy, model=model)
    comparison: DataComparison | None = None
    notes: list[Check] = []
    evidence: Evidence | None = None
    if predicted is not None:
        evidence = files_evidence(
            predicted, config=config, files=(candidate_predictions, baseline_predictions)
        )
    elif baseline_set is not None:
        candidate_set, comparison, notes = settle_files(candidate_set, baseline_set, config=config)
        evidence = point_estimates(
            "metrics files hold one number per metric",
            "give --candidate-predictions and --baseline-predictions for paired intervals",
        )
    notes += feature_store_checks(config, trained_on=candidate_set.identity.trained_on)
    return compare(
        candidate=candidate_set,
        baseline=baseline_set,
        policy=policy,
        tests=tests,
        drift=drift_report,
        data=comparison,
        evidence=evidence,
        notes=notes,
        **(predicted.compare_args() if predicted is not None else {}),
        created_at=now_utc(),
        mlgate_version=__version__,
    )


def load_model_tests(explicit: Path | None, *, config: Config) -> ModelTests | None:
    """The model-test results to fold into the verdict: the file given, else the one
    mlgate.yml's ``tests:`` names. Expected but absent results are reported by the gate
    (they fail it unless ``tests.required`` is false); no ``tests:`` section means none."""
    from mlgate.files.model_tests import read_results

    if explicit is not None:
        return read_results(explicit)
    if not config.tests.configured:
        return None
    path = config.tests.results
    if not path.exists():
        return missing_results(
            str(path),
            hint=f"no results at {path}: run `mlgate test` before evaluating "
            "(or set tests.required: false in mlgate.yml)",
        )
    return read_results(path)
