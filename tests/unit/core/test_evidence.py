"""Where a verdict's numbers came from: the sentence the report shows for each source, the
point-estimates fallback with its reason and hint, and the JSON round trip — through the
verdict, with each metric row's source."""

from __future__ import annotations

import json

import pytest

from mlgate.core.checks import Status
from mlgate.core.compare import GatePolicy, compare
from mlgate.core.evidence import Evidence, Route, Source, point_estimates
from mlgate.core.interval import Interval
from mlgate.core.metricset import MetricSet
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import Identity, Verdict


@pytest.mark.parametrize(
    ("evidence", "sentence"),
    [
        (
            Evidence(source=Source.LOGGED, examples=171),
            "paired intervals on 171 examples, from the predictions both runs logged",
        ),
        (
            Evidence(source=Source.SCORED, examples=10_000, rows=250_000),
            "paired intervals on 10,000 examples, from both models scored on the same rows "
            "(a deterministic sample of 250,000 rows)",
        ),
        (
            Evidence(source=Source.SCORED, examples=500, rows=500),
            "paired intervals on 500 examples, from both models scored on the same rows",
        ),
        (
            Evidence(source=Source.FILES, examples=3000, point_only=("latency_ms",)),
            "paired intervals on 3,000 examples, from the predictions files; latency_ms is a "
            "logged point value",
        ),
        (
            Evidence(source=Source.LOGGED, point_only=("latency", "size")),
            "paired intervals, from the predictions both runs logged; latency, size are logged "
            "point values",
        ),
        (
            point_estimates("neither run logged per-example predictions", "log them"),
            "no intervals: neither run logged per-example predictions; log them",
        ),
        (Evidence(source=Source.METRIC), "point estimates only"),
    ],
)
def test_each_source_in_one_sentence(evidence: Evidence, sentence: str) -> None:
    assert evidence.summary() == sentence


def test_only_a_metric_source_has_no_intervals() -> None:
    assert [s for s in Source if not Evidence(source=s).intervals] == [Source.METRIC]


def test_the_routes_are_the_configs_words() -> None:
    assert [r.value for r in Route] == ["auto", "logged", "score", "off"]


def test_evidence_survives_json() -> None:
    evidence = Evidence(
        source=Source.SCORED,
        examples=250,
        rows=600,
        notes=("the logged predictions do not pair: 3 ids; both models were scored instead",),
        point_only=("latency_ms",),
        candidate="models:/churn/4",
        baseline="models:/churn/3",
    )
    again = Evidence.from_dict(json.loads(json.dumps(evidence.to_dict())))
    assert again == evidence and again.sampled


def policy() -> GatePolicy:
    return GatePolicy(
        model="churn",
        rules=(
            MetricRule(name="accuracy", tolerance=0.01),
            MetricRule(name="latency", higher_is_better=False, tolerance_pct=10),
        ),
    )


def sides() -> tuple[MetricSet, MetricSet]:
    return (
        MetricSet(
            identity=Identity(label="c"), metrics={"accuracy": 0.89, "latency": 11.0, "f1": 0.8}
        ),
        MetricSet(
            identity=Identity(label="b"), metrics={"accuracy": 0.91, "latency": 10.0, "f1": 0.8}
        ),
    )


def test_rows_computed_from_predictions_carry_that_source_the_rest_are_metrics() -> None:
    candidate, baseline = sides()
    interval = Interval(low=-0.03, high=0.01, confidence=0.95, method="multinomial bootstrap")
    verdict = compare(
        candidate=candidate,
        baseline=baseline,
        policy=policy(),
        intervals={"accuracy": interval},
        examples=400,
        evidence=Evidence(source=Source.LOGGED, examples=400, point_only=("latency",)),
    )
    sources = {row.name: row.source for row in verdict.metrics}
    assert sources == {"accuracy": Source.LOGGED, "latency": Source.METRIC, "f1": Source.METRIC}
    again = Verdict.from_dict(json.loads(json.dumps(verdict.to_dict())))
    assert again.evidence == verdict.evidence
    assert {row.name: row.source for row in again.metrics} == sources


def test_without_evidence_rows_have_no_source_as_older_verdicts() -> None:
    candidate, baseline = sides()
    verdict = compare(candidate=candidate, baseline=baseline, policy=policy())
    assert {row.source for row in verdict.metrics} == {None}
    assert verdict.to_dict()["evidence"] is None
    data = verdict.to_dict()
    for row in data["metrics"]:
        del row["source"]  # a verdict written before the field existed
    assert all(r.source is None for r in Verdict.from_dict(data).metrics)


def test_a_point_estimate_fallback_changes_no_status() -> None:
    candidate, baseline = sides()
    with_reason = compare(
        candidate=candidate,
        baseline=baseline,
        policy=policy(),
        evidence=point_estimates("neither run logged per-example predictions"),
    )
    without = compare(candidate=candidate, baseline=baseline, policy=policy())
    assert with_reason.status == without.status
    assert [r.status for r in with_reason.metrics] == [r.status for r in without.metrics]
    assert Status.FAIL in {r.status for r in with_reason.metrics}
