"""The whole comparison: overall status, row order, ungated metrics, signature check."""

from __future__ import annotations

import math

import pytest

from mlgate.core.checks import Status
from mlgate.core.compare import GatePolicy, compare
from mlgate.core.metricset import MetricSet
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import Identity, Overall

RULES = (
    MetricRule(name="accuracy", tolerance=0.01),
    MetricRule(name="auc", min=0.8),
    MetricRule(name="latency", higher_is_better=False, tolerance_pct=10),
)


def side(label: str, metrics: dict[str, float], **kwargs: object) -> MetricSet:
    return MetricSet(identity=Identity(label=label), metrics=metrics, **kwargs)  # type: ignore[arg-type]


def policy(rules: tuple[MetricRule, ...] = RULES, **kwargs: object) -> GatePolicy:
    return GatePolicy(model="m", rules=rules, **kwargs)  # type: ignore[arg-type]


BASE = {"accuracy": 0.90, "auc": 0.93, "latency": 40.0}


@pytest.mark.parametrize(
    ("candidate", "baseline", "expected"),
    [
        ({"accuracy": 0.905, "auc": 0.94, "latency": 41.0}, BASE, Overall.PASS),
        ({"accuracy": 0.85, "auc": 0.94, "latency": 41.0}, BASE, Overall.FAIL),
        ({"accuracy": 0.905, "auc": 0.79, "latency": 41.0}, BASE, Overall.FAIL),
        ({"accuracy": 0.905, "auc": 0.94, "latency": 50.0}, BASE, Overall.FAIL),
        ({"accuracy": 0.905, "auc": 0.94}, BASE, Overall.FAIL),  # required metric missing
        ({"accuracy": 0.5, "auc": 0.94, "latency": 99.0}, None, Overall.NO_BASELINE),  # only bounds
        ({"accuracy": 0.5, "auc": 0.7, "latency": 99.0}, None, Overall.FAIL),  # a floor still fails
        ({"accuracy": math.nan, "auc": 0.94, "latency": 41.0}, BASE, Overall.FAIL),
    ],
)
def test_overall_status(
    candidate: dict[str, float], baseline: dict[str, float] | None, expected: Overall
) -> None:
    verdict = compare(
        candidate=side("c", candidate),
        baseline=side("b", baseline) if baseline is not None else None,
        policy=policy(),
    )
    assert verdict.status is expected


def test_rows_worst_first_then_rule_order_then_ungated_by_name() -> None:
    verdict = compare(
        candidate=side(
            "c", {"accuracy": 0.5, "auc": 0.9, "latency": 41.0, "zeta": 1.0, "alpha": 2.0}
        ),
        baseline=side("b", {**BASE, "beta": 3.0}),
        policy=policy(),
    )
    assert [(r.name, r.status) for r in verdict.metrics] == [
        ("accuracy", Status.FAIL),
        ("auc", Status.PASS),
        ("latency", Status.PASS),
        ("alpha", Status.INFO),
        ("beta", Status.INFO),
        ("zeta", Status.INFO),
    ]
    beta = next(r for r in verdict.metrics if r.name == "beta")
    assert beta.reasons == ("not reported by the candidate",)


def test_ungated_metrics_never_fail_the_gate() -> None:
    verdict = compare(
        candidate=side("c", {"loss": math.nan, "other": -1e9}),
        baseline=side("b", {"loss": 0.1, "other": 5}),
        policy=policy(rules=()),
    )
    assert verdict.status is Overall.PASS
    assert {r.status for r in verdict.metrics} == {Status.INFO}


def test_identities_and_metadata_are_carried() -> None:
    verdict = compare(
        candidate=MetricSet(
            identity=Identity(label="c", model_version="7", run_id="r7", commit="abc"), metrics={}
        ),
        baseline=MetricSet(identity=Identity(label="b", model_version="6"), metrics={}),
        policy=GatePolicy(model="churn", rules=(), config_hash="sha256:x"),
        created_at="2026-11-27T00:00:00Z",
        mlgate_version="9.9",
    )
    assert verdict.candidate.model_version == "7"
    assert verdict.baseline is not None and verdict.baseline.model_version == "6"
    assert (verdict.model, verdict.config_hash, verdict.created_at) == (
        "churn",
        "sha256:x",
        "2026-11-27T00:00:00Z",
    )


SIG_BASE = {"inputs": [{"name": "age", "type": "long"}, {"name": "plan", "type": "string"}]}
SIG_BREAKING = {"inputs": [{"name": "age", "type": "double"}]}


@pytest.mark.parametrize(
    ("setting", "expected_overall", "expected_check"),
    [
        (Status.FAIL, Overall.FAIL, Status.FAIL),
        (Status.WARN, Overall.PASS, Status.WARN),
        (Status.PASS, Overall.PASS, None),
    ],
)
def test_breaking_signature_check(
    setting: Status, expected_overall: Overall, expected_check: Status | None
) -> None:
    verdict = compare(
        candidate=side("c", {}, signature=SIG_BREAKING),
        baseline=side("b", {}, signature=SIG_BASE),
        policy=policy(rules=(), breaking_signature=setting),
    )
    assert verdict.status is expected_overall
    checks = {c.name: c for c in verdict.checks}
    if expected_check is None:
        assert checks == {}
    else:
        assert checks["signature"].status is expected_check
        assert checks["signature"].summary == (
            "2 breaking signature changes: inputs.age type long → double, inputs.plan removed"
        )
    assert len(verdict.signature_changes) == 2


def test_param_changes_need_a_baseline() -> None:
    verdict = compare(
        candidate=side("c", {}, params={"lr": "0.1"}), baseline=None, policy=policy(rules=())
    )
    assert verdict.param_changes == ()
    assert verdict.status is Overall.NO_BASELINE


def test_a_missing_gated_metric_suggests_the_one_the_candidate_reports() -> None:
    from mlgate.core.compare import judge_metrics
    from mlgate.core.rules import MetricRule

    rows = judge_metrics(
        rules=[MetricRule(name="acuracy", tolerance=0.01)],
        candidate={"accuracy": 0.9, "f1": 0.8},
        baseline={"accuracy": 0.91},
    )
    row = next(r for r in rows if r.name == "acuracy")
    assert row.reasons[0] == (
        "required metric missing from the candidate; did you mean 'accuracy'? "
        "(the candidate reports it)"
    )
