"""Properties of the comparison over arbitrary rules and values (hypothesis)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.core.checks import Status
from mlgate.core.compare import GatePolicy, compare
from mlgate.core.metricset import MetricSet
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import Identity, Overall

NAMES = st.sampled_from(["acc", "f1", "auc", "lat", "loss", "size"])
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.floats(min_value=-10, max_value=10),
)
TOLERANCES = st.one_of(st.none(), st.floats(min_value=0, max_value=5))
BOUNDS = st.one_of(st.none(), st.floats(min_value=-10, max_value=10))


@st.composite
def rules(draw: st.DrawFn) -> tuple[MetricRule, ...]:
    names = draw(st.lists(NAMES, unique=True, max_size=6))
    return tuple(
        MetricRule(
            name=name,
            higher_is_better=draw(st.booleans()),
            tolerance=draw(TOLERANCES),
            tolerance_pct=draw(TOLERANCES),
            min=draw(BOUNDS),
            max=draw(BOUNDS),
            required=draw(st.booleans()),
            warn_only=draw(st.booleans()),
        )
        for name in names
    )


METRICS = st.dictionaries(NAMES, VALUES, max_size=6)


def beyond(value: float, bound: float) -> bool:
    """value > bound, where equal-up-to-float-noise counts as within (as documented)."""
    return value > bound and not math.isclose(value, bound, rel_tol=1e-9, abs_tol=1e-12)


def oracle_violates(rule: MetricRule, candidate: float | None, baseline: float | None) -> bool:
    """An independent, deliberately plain statement of when a rule is broken."""
    if candidate is None:
        return rule.required
    if math.isnan(candidate) or math.isinf(candidate):
        return True
    if rule.min is not None and beyond(rule.min, candidate):
        return True
    if rule.max is not None and beyond(candidate, rule.max):
        return True
    if baseline is None or not math.isfinite(baseline):
        return False
    worse = (baseline - candidate) if rule.higher_is_better else (candidate - baseline)
    if rule.tolerance is not None and beyond(worse, rule.tolerance):
        return True
    if rule.tolerance_pct is not None and worse > 0:
        if baseline == 0:
            return True
        if beyond(worse / abs(baseline) * 100, rule.tolerance_pct):
            return True
    return False


@settings(max_examples=400)
@given(rules(), METRICS, st.one_of(st.none(), METRICS))
def test_verdict_fails_iff_a_rule_fails(
    the_rules: tuple[MetricRule, ...],
    candidate: dict[str, float],
    baseline: dict[str, float] | None,
) -> None:
    verdict = compare(
        candidate=MetricSet(identity=Identity(label="c"), metrics=candidate),
        baseline=MetricSet(identity=Identity(label="b"), metrics=baseline)
        if baseline is not None
        else None,
        policy=GatePolicy(model="m", rules=the_rules),
    )
    base = baseline or {}
    expected_fail = any(
        oracle_violates(r, candidate.get(r.name), base.get(r.name)) and not r.warn_only
        for r in the_rules
    )
    assert (verdict.status is Overall.FAIL) == expected_fail
    if not expected_fail:
        assert verdict.status is (Overall.PASS if baseline is not None else Overall.NO_BASELINE)
    rows = {row.name: row for row in verdict.metrics}
    for r in the_rules:
        row = rows[r.name]
        broken = oracle_violates(r, candidate.get(r.name), base.get(r.name))
        assert (row.status in (Status.FAIL, Status.WARN) and bool(row.reasons)) or not broken
        if broken:
            assert row.status is (Status.WARN if r.warn_only else Status.FAIL)
    assert set(rows) == {r.name for r in the_rules} | set(candidate) | set(base)


@given(rules(), METRICS, METRICS)
def test_rows_are_sorted_worst_first(
    the_rules: tuple[MetricRule, ...], candidate: dict[str, float], baseline: dict[str, float]
) -> None:
    verdict = compare(
        candidate=MetricSet(identity=Identity(label="c"), metrics=candidate),
        baseline=MetricSet(identity=Identity(label="b"), metrics=baseline),
        policy=GatePolicy(model="m", rules=the_rules),
    )
    order = list(Status)
    ranks = [order.index(row.status) for row in verdict.metrics]
    assert ranks == sorted(ranks)
