"""Which data each side was evaluated on → the data comparison's outcome and wording."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mlgate.core.checks import Status
from mlgate.core.dataset import Dataset
from mlgate.core.provenance import (
    DataComparison,
    EvaluationSettings,
    Outcome,
    judge_data,
    needs_rescoring,
    unscored,
)

NOV = Dataset(name="eval-2026-11", digest="3f2a1b9c" + "0" * 24, source="eval.csv")
NOV_AGAIN = Dataset(name="renamed", digest=("3F2A1B9C" + "0" * 24), origin="mlflow")
OCT = Dataset(name="eval-2026-10", digest="a1b2c3d4" + "1" * 24, source="dvc://e.csv@abc")
NO_DIGEST = Dataset(name="somewhere", digest=None)
DEFAULT = EvaluationSettings()
ALLOW = EvaluationSettings(allow_cross_dataset=True)
REQUIRE = EvaluationSettings(require=True)
OPTIONAL = EvaluationSettings(require=False)


@pytest.mark.parametrize(
    ("candidate", "baseline", "settings", "outcome", "status"),
    [
        (NOV, NOV, DEFAULT, Outcome.SAME, Status.PASS),
        (NOV, NOV_AGAIN, DEFAULT, Outcome.SAME, Status.PASS),  # same bytes, another name
        (NOV, OCT, DEFAULT, Outcome.REFUSED, Status.FAIL),
        (NOV, OCT, ALLOW, Outcome.CROSS_DATASET, Status.WARN),
        # unknown provenance: refused by default, a warning with evaluation.require: false
        (NOV, None, DEFAULT, Outcome.UNKNOWN, Status.FAIL),
        (None, OCT, DEFAULT, Outcome.UNKNOWN, Status.FAIL),
        (None, None, DEFAULT, Outcome.UNKNOWN, Status.FAIL),
        (NOV, None, OPTIONAL, Outcome.UNKNOWN, Status.WARN),
        (None, OCT, OPTIONAL, Outcome.UNKNOWN, Status.WARN),
        (None, None, OPTIONAL, Outcome.UNKNOWN, Status.INFO),
        (None, None, REQUIRE, Outcome.UNKNOWN, Status.FAIL),
        (NOV, NO_DIGEST, DEFAULT, Outcome.UNKNOWN, Status.FAIL),
        (NOV, NO_DIGEST, OPTIONAL, Outcome.UNKNOWN, Status.WARN),
        (NOV, OCT, REQUIRE, Outcome.REFUSED, Status.FAIL),
    ],
)
def test_outcomes(
    candidate: Dataset | None,
    baseline: Dataset | None,
    settings: EvaluationSettings,
    outcome: Outcome,
    status: Status,
) -> None:
    judged = judge_data(candidate=candidate, baseline=baseline, settings=settings)
    assert judged.outcome is outcome
    assert judged.status is status
    assert judged.check().status is status
    assert judged.check().name == "evaluation data"


def test_refusal_names_both_identities_and_the_way_out() -> None:
    judged = judge_data(
        candidate=NOV, baseline=OCT, settings=DEFAULT, reason="evaluation.rescore is false"
    )
    assert judged.summary() == (
        "not comparable: the candidate was evaluated on eval-2026-11 (digest 3f2a1b9c), "
        "production on eval-2026-10 (digest a1b2c3d4), and production could not be re-scored "
        "(evaluation.rescore is false); evaluate both on the same data, or set "
        "evaluation.allow_cross_dataset: true"
    )


def test_rescored_lists_what_was_and_was_not_rescored() -> None:
    judged = judge_data(
        candidate=NOV,
        baseline=OCT,
        settings=DEFAULT,
        rescored=("accuracy", "auc"),
        not_rescored=("latency_ms",),
    )
    assert judged.outcome is Outcome.RESCORED
    assert judged.status is Status.WARN  # latency still compares production's own numbers
    assert "re-scored on the candidate's eval-2026-11 (digest 3f2a1b9c) (accuracy, auc)" in (
        judged.summary()
    )
    assert "latency_ms could not be re-scored" in judged.summary()
    complete = judge_data(candidate=NOV, baseline=None, settings=DEFAULT, rescored=("f1",))
    assert complete.status is Status.PASS
    assert "production was evaluated on unrecorded data" in complete.summary()


def test_unknown_says_which_side_and_why_not_rescored() -> None:
    judged = judge_data(candidate=NOV, baseline=None, settings=REQUIRE, reason="no models")
    assert judged.summary() == (
        "unknown for production, so the two cannot be shown to be evaluated on the same data "
        "(set evaluation.require: false to compare them anyway, on a warning); production "
        "could not be re-scored (no models); log it as an MLflow dataset input or set "
        "evaluation.data"
    )
    without_digest = judge_data(candidate=None, baseline=NO_DIGEST, settings=DEFAULT)
    assert without_digest.summary().startswith(
        "unknown for the candidate and production's somewhere"
    )


@pytest.mark.parametrize(
    ("candidate", "baseline", "expected"),
    [
        (NOV, NOV, False),
        (NOV, OCT, True),
        (NOV, None, True),
        (None, OCT, False),
        (NOV, NO_DIGEST, True),
    ],
)
def test_needs_rescoring(
    candidate: Dataset | None, baseline: Dataset | None, expected: bool
) -> None:
    assert needs_rescoring(candidate, baseline) is expected


def test_unscored_keeps_gated_order() -> None:
    assert unscored(["auc", "latency", "accuracy", "size"], ["accuracy", "auc"]) == (
        "latency",
        "size",
    )


@pytest.mark.parametrize("outcome", list(Outcome))
def test_round_trip(outcome: Outcome) -> None:
    original = DataComparison(
        outcome=outcome,
        candidate=NOV,
        baseline=OCT if outcome is not Outcome.UNKNOWN else None,
        rescored=("auc",) if outcome is Outcome.RESCORED else (),
        reason="why",
        required=True,
    )
    assert DataComparison.from_dict(original.to_dict()) == original
    assert Dataset.from_dict(NOV.to_dict()) == NOV


def test_metrics_files_only_warn_unless_required() -> None:
    files = judge_data(candidate=NOV, baseline=None, settings=DEFAULT, registry=False)
    assert files.status is Status.WARN
    required = judge_data(candidate=NOV, baseline=None, settings=REQUIRE, registry=False)
    assert required.status is Status.FAIL


def test_a_digest_of_part_of_the_data_is_said_and_warns_until_confirmed() -> None:
    partial = Dataset(
        name="eval",
        digest="69d87787" + "0" * 24,
        origin="mlflow",
        covers="only the first 10,000 of its 20,000 rows and the row count",
    )
    judged = judge_data(candidate=partial, baseline=partial, settings=DEFAULT)
    assert judged.outcome is Outcome.SAME and judged.status is Status.WARN
    assert judged.summary().startswith(
        "both sides were evaluated on eval (digest 69d87787, which covers only the first "
        "10,000 of its 20,000 rows and the row count); rows past those may differ"
    )
    confirmed = replace(judged, confirmed="the logged predictions' ids and labels")
    assert confirmed.status is Status.PASS
    assert confirmed.summary().endswith("; the logged predictions' ids and labels agree")
