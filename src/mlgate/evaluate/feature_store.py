"""The training table's point-in-time check in ``evaluate``/``gate`` (skew.feast.training):
the table — a file, or the dataset logged on the candidate's run with context training — is
checked against the Feast repository's offline values, and the result is one check of the
verdict. Leakage fails it by default; what cannot be checked fails it too (a gate fails
closed)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from mlgate.core.checks import Check, Status
from mlgate.core.dataset import Dataset
from mlgate.core.drift import DriftReport
from mlgate.files.config import Config

CHECK_NAME = "training data point-in-time"
_SHOWN = 3


def feature_store_checks(config: Config, *, trained_on: Dataset | None) -> list[Check]:
    setting = config.skew.feast.training
    if setting is False:
        return []
    from mlgate.monitor.feast_check import feast_report

    if isinstance(setting, str):
        report = feast_report(config=config, repo=None, training=setting, label=setting)
        return [training_check(report)]
    if trained_on is None:
        why = (
            "the candidate's run logged no training dataset (mlflow.log_input with context "
            "training); or set skew.feast.training to a file"
        )
        return [_refused(why)]
    from mlgate.evaluate.data import from_source

    label = f"{trained_on.name} ({trained_on.source})" if trained_on.source else trained_on.name
    with tempfile.TemporaryDirectory(prefix="mlgate-training-") as workdir:
        found = from_source(trained_on, workdir=Path(workdir), what="the training dataset")
        if found is None:
            why = (
                f"the training dataset's source {trained_on.source!r} cannot be read from "
                "here; set skew.feast.training to a file"
            )
            return [_refused(why)]
        report = feast_report(config=config, repo=None, training=found.fetch(), label=label)
    return [training_check(report)]


def training_check(report: DriftReport) -> Check:
    """The verdict's check: the headline, then the worst features with their rates."""
    if report.unjudged is not None:  # nothing compared is not consistent: the gate fails closed
        return _refused(report.unjudged)
    worst = [m for m in report.mismatches if m.leaked or m.differing][:_SHOWN]
    details = []
    for m in worst:
        low, high = m.interval(report.confidence)
        what = f"{m.leaked:,} leaked" if m.leaked else f"{m.differing:,} differ"
        keys = m.leak_examples or m.examples
        details.append(
            f"{m.feature}: {what} of {m.compared:,} rows ({m.share:.1%} differ, "
            f"[{low:.1%}, {high:.1%}])" + (f", e.g. {keys[0]}" if keys else "")
        )
    summary = report.headline() + (" — " + "; ".join(details) if details else "")
    return Check(name=CHECK_NAME, status=report.status, summary=summary)


def _refused(why: str) -> Check:
    return Check(name=CHECK_NAME, status=Status.FAIL, summary=f"not checked: {why}")
