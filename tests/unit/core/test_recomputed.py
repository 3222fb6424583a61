"""A logged metric that disagrees with the one computed from the predictions is said."""

from __future__ import annotations

from mlgate.core.checks import Status
from mlgate.core.compare import GatePolicy, compare
from mlgate.core.metricset import MetricSet
from mlgate.core.recomputed import disagree, recomputed_check
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import Identity


def test_half_a_percent_is_agreement() -> None:
    assert not disagree(0.9123, 0.9124)
    assert disagree(3125.0, 55.94)
    assert disagree(float("nan"), 0.5)


def test_the_check_names_both_numbers_and_the_side() -> None:
    check = recomputed_check({"eval_rmse": (3125.0, 55.94)}, {"eval_rmse": (54.0, 54.1)})
    assert check is not None and check.status is Status.WARN
    assert check.summary.startswith("eval_rmse logged 3,125 ≠ 55.94 computed from the predictions")
    production = recomputed_check({}, {"rmse": (10.0, 55.0)})
    assert production is not None
    assert production.summary.startswith("rmse (production) logged 10 ≠ 55")
    assert recomputed_check({"rmse": (55.0, 55.01)}, {}) is None


def test_the_verdict_warns_and_the_row_shows_both() -> None:
    rule = MetricRule(name="eval_rmse", higher_is_better=False, tolerance=3.0)
    verdict = compare(
        candidate=MetricSet(
            identity=Identity(label="cand"),
            metrics={"eval_rmse": 55.94},
            recomputed={"eval_rmse": (3125.0, 55.94)},
        ),
        baseline=MetricSet(identity=Identity(label="prod"), metrics={"eval_rmse": 55.0}),
        policy=GatePolicy(model="diabetes", rules=[rule]),
    )
    (row,) = verdict.metrics
    assert row.candidate == 55.94
    assert "logged 3,125, computed 55.94 from the predictions decides" in row.reasons
    (check,) = [c for c in verdict.checks if c.name == "logged metrics"]
    assert check.status is Status.WARN
