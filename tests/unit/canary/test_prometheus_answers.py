"""What Prometheus answers, as the canary reads it (the real server is in
tests/integration/canary): Hypothesis feeds any answer shape a query can return — no
series, several, NaN, missing or repeated `le`, falling or fractional counts — and the
reading is a measurement or an InputError naming the setting, never anything else."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.canary.prometheus import measure_prometheus
from mlgate.core.canary import CanarySettings, Decision, PrometheusQueries, judge
from mlgate.core.drift_settings import DriftSettings
from mlgate.core.rules import MetricRule
from mlgate.errors import InputError

RULES = (
    MetricRule(name="error_rate", higher_is_better=False, tolerance=0.01),
    MetricRule(name="latency_p95", higher_is_better=False, tolerance_pct=10),
)
SETTINGS = CanarySettings(
    rules=RULES,
    resamples=200,
    prometheus=PrometheusQueries(
        url="http://127.0.0.1:9",
        requests='r{v="{variant}"}',
        errors='e{v="{variant}"}',
        latency_buckets='b{v="{variant}"}',
    ),
)
Sample = tuple[dict[str, str], float]


class Answers:
    """A Prometheus that answers each query (by its metric name) with the given samples."""

    def __init__(self, by_name: dict[str, list[Sample]]) -> None:
        self.by_name = by_name

    def vector(self, query: str, *, at: float | None, name: str) -> list[Sample]:
        return self.by_name[query[0]]


def histogram(counts: list[float]) -> list[Sample]:
    bounds = ["0.1", "0.5", "1", "+Inf"]
    return [({"le": b}, c) for b, c in zip(bounds, counts, strict=False)]


def measured(answers: dict[str, list[Sample]]) -> dict[str, Any]:
    found = measure_prometheus(SETTINGS, api=Answers(answers), at=None, drift=DriftSettings())
    return {rule.name: judge(rule, found.measurements[rule.name]) for rule in RULES}


def test_healthy_answers_pass() -> None:
    found = measured(
        {
            "r": [({}, 20_000.0)],
            "e": [({}, 100.0)],
            "b": histogram([10_000, 18_000, 19_500, 20_000]),
        }
    )
    assert {j.decision for j in found.values()} == {Decision.PASS}


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({"r": [], "e": [({}, 0.0)], "b": []}, "returned no series"),
        ({"r": [({}, math.nan)], "e": [({}, 0.0)], "b": histogram([0, 0, 0, 0])}, "NaN"),
        ({"r": [({}, 0.0)], "e": [({}, 0.0)], "b": histogram([0, 0, 0, 0])}, "no traffic"),
        ({"r": [({}, 500.0)], "e": [], "b": histogram([1, 2, 3, 500])}, "or vector(0)"),
    ],
)
def test_what_cannot_be_established_is_inconclusive(
    answers: dict[str, list[Sample]], words: str
) -> None:
    found = measured(answers)
    assert found["error_rate"].decision is Decision.INCONCLUSIVE
    assert words in found["error_rate"].reason + found["latency_p95"].reason


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({"r": [({"a": "1"}, 1.0), ({"a": "2"}, 1.0)]}, "2 series where one is expected"),
        ({"b": histogram([1, 2, 3])}, "no +Inf bucket"),
        ({"b": histogram([5, 4, 6, 9])}, "fall at le=0.5"),
        ({"b": [({"le": "0.1"}, 1.0), ({"le": "0.1"}, 2.0), ({"le": "+Inf"}, 3.0)]}, "several"),
        ({"b": [({}, 1.0)]}, "without an le label"),
        ({"b": [({"le": "fast"}, 1.0)]}, "is not a number"),
    ],
)
def test_the_queries_mistakes_are_input_errors(
    answers: dict[str, list[Sample]], words: str
) -> None:
    every = {"r": [({}, 100.0)], "e": [({}, 1.0)], "b": histogram([1, 2, 3, 100]), **answers}
    with pytest.raises(InputError, match=r"canary\.prometheus\.") as caught:
        measured(every)
    assert words in str(caught.value)


values = st.one_of(
    st.floats(min_value=0, max_value=1e7, allow_nan=False), st.just(math.nan), st.just(math.inf)
)
labels = st.dictionaries(
    st.sampled_from(["le", "code", "pod"]),
    st.sampled_from(["0.1", "0.5", "1", "+Inf", "NaN", "x", ""]),
    max_size=2,
)
series = st.lists(st.tuples(labels, values), max_size=6)


@settings(max_examples=300, deadline=None)
@given(requests=series, errors=series, buckets=series)
def test_any_answer_is_a_decision_or_an_input_error(
    requests: list[Sample], errors: list[Sample], buckets: list[Sample]
) -> None:
    try:
        found = measured({"r": requests, "e": errors, "b": buckets})
    except InputError as exc:
        assert str(exc).startswith("canary.prometheus.")
        return
    for judged in found.values():
        assert judged.decision in Decision
        if judged.decision is Decision.PASS:  # a pass needs traffic on both sides
            assert judged.n_canary > 0 and judged.n_stable > 0
