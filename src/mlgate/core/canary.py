"""The canary decision: the canary against the stable version on live traffic, in the same
window, on different requests, as plain data.

Each ``canary.rules`` entry is judged on an interval for Δ = canary − stable (or, for a
``min``/``max`` bound, on the canary's own value), placed against the rule's tolerance:

- **fail**: the interval lies wholly beyond the tolerance on the bad side — the canary is
  worse than allowed, significantly;
- **pass**: the interval lies wholly within it — the canary is shown not worse than the
  tolerance allows (non-inferiority);
- **inconclusive**: the interval straddles the tolerance (too little traffic to tell), or
  there is nothing to judge: no traffic, an empty query result, NaN. Never a pass.

The rules combine as the gate's do: any fail fails, all pass passes, anything else is
inconclusive. ``warn_only`` rules are judged and shown but do not count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from mlgate.core.interval import Interval
from mlgate.core.numbers import encode_number
from mlgate.core.rules import MetricRule
from mlgate.core.significance import tolerance_of

KIND = "mlgate-canary"
SCHEMA_VERSION = 1
LATENCY = {"latency_p50": 0.5, "latency_p90": 0.9, "latency_p95": 0.95, "latency_p99": 0.99}
TRAFFIC = frozenset({"error_rate", *LATENCY})
OUTPUT_DRIFT = "output_drift"
EXIT_INCONCLUSIVE = 5


class Decision(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True, kw_only=True)
class PrometheusQueries:
    """``canary.prometheus``: where to read the variants' traffic, as PromQL templates over
    ``{variant}`` and ``{window}``."""

    url: str
    requests: str
    errors: str | None = None
    latency_buckets: str | None = None
    output_buckets: str | None = None
    timeout: float = 10.0

    def templates(self) -> dict[str, str]:
        found = {
            "requests": self.requests,
            "errors": self.errors,
            "latency_buckets": self.latency_buckets,
            "output_buckets": self.output_buckets,
        }
        return {key: text for key, text in found.items() if text}


@dataclass(frozen=True, kw_only=True)
class CanarySettings:
    """The ``canary:`` section."""

    stable: str = "stable"  # the variant column's value / {variant} for the stable version
    canary: str = "canary"
    window: str = "10m"
    confidence: float = 0.95
    looks: int = 1  # how many times one canary is judged (Argo's count, Flagger's iterations)
    rules: tuple[MetricRule, ...] = ()
    resamples: int = 2000
    seed: int = 0
    prometheus: PrometheusQueries | None = None

    @property
    def look_confidence(self) -> float:
        """Each look's confidence: Bonferroni over ``looks``, so that the chance of any wrong
        fail or pass over all the looks at one canary stays within 1 − confidence."""
        return 1 - (1 - self.confidence) / self.looks

    def query(self, template: str, variant: str) -> str:
        """A PromQL template with ``{variant}`` and ``{window}`` filled in (other braces —
        label matchers — are left alone)."""
        return template.replace("{variant}", variant).replace("{window}", self.window)


@dataclass(frozen=True, kw_only=True)
class Measurement:
    """What the traffic says about one metric, before any rule: both sides' values, the
    interval for Δ = canary − stable and for the canary's own value, the sample sizes, or
    why there is nothing to judge."""

    name: str
    stable: float | None = None
    canary: float | None = None
    interval: Interval | None = None  # Δ = canary − stable
    value_interval: Interval | None = None  # the canary's value alone (min/max rules)
    n_stable: int = 0
    n_canary: int = 0
    unit: str = "requests"  # or "labels"
    missing: str | None = None  # why there is nothing to judge (no traffic, NaN, …)
    wanting: int | None = None  # with ``missing``: the more traffic that would let it judge
    # Δ only bounded on one side: "canary" (its value is at least this: a fail stands, a
    # pass cannot be shown), "stable" (the reverse).
    censored: str | None = None
    # Decided by a test rather than an interval (output drift): (decision, reason).
    decided: tuple[Decision, str] | None = None
    method: str | None = None


@dataclass(frozen=True, kw_only=True)
class Judgement:
    """One rule's outcome, as ``mlgate-canary.json`` and the endpoints show it."""

    name: str
    decision: Decision
    reason: str
    rule: MetricRule
    stable: float | None = None
    canary: float | None = None
    interval: Interval | None = None
    n_stable: int = 0
    n_canary: int = 0
    unit: str = "requests"
    needed: int | None = None  # more requests (or labels), both variants, to decide
    method: str | None = None

    @property
    def delta(self) -> float | None:
        if self.stable is None or self.canary is None:
            return None
        return self.canary - self.stable

    @property
    def counted(self) -> bool:
        return not self.rule.warn_only

    def to_dict(self) -> dict[str, Any]:
        interval = self.interval
        return {
            "name": self.name,
            "decision": self.decision.value,
            "reason": self.reason,
            "rule": self.rule.describe(),
            "stable": encode_number(self.stable),
            "canary": encode_number(self.canary),
            "delta": encode_number(self.delta),
            "ci": None
            if interval is None
            else [encode_number(interval.low), encode_number(interval.high)],
            "interval": None if interval is None else interval.to_dict(),
            "n": {"stable": self.n_stable, "canary": self.n_canary},
            "unit": self.unit,
            "needed": self.needed,
            "method": self.method,
            "counted": self.counted,
        }


def judge(rule: MetricRule, measured: Measurement) -> Judgement:
    """One rule on one measurement: fail, pass or inconclusive, with the reason and, when
    inconclusive on an interval, the traffic that would decide it at the observed rates."""
    base = Judgement(
        name=rule.name,
        decision=Decision.INCONCLUSIVE,
        reason="",
        rule=rule,
        stable=measured.stable,
        canary=measured.canary,
        interval=measured.interval,
        n_stable=measured.n_stable,
        n_canary=measured.n_canary,
        unit=measured.unit,
        method=measured.method,
    )
    if measured.missing is not None:
        return replace(base, reason=measured.missing, needed=measured.wanting)
    if measured.decided is not None:
        decision, reason = measured.decided
        return replace(base, decision=decision, reason=reason)
    parts = []
    if rule.checks_change:
        parts.append(_change(rule, measured))
    for bound in ("min", "max"):
        if getattr(rule, bound) is not None:
            parts.append(_bound(rule, measured, bound))
    decision = _combine([d for d, _, _ in parts])
    reason = "; ".join(text for d, text, _ in parts if d is decision) or "nothing to judge"
    wanting = [n for d, _, n in parts if d is Decision.INCONCLUSIVE]
    needed = None
    if decision is Decision.INCONCLUSIVE and wanting and None not in wanting:
        needed = max(n for n in wanting if n is not None)
    return replace(base, decision=decision, reason=reason, needed=needed)


def _change(rule: MetricRule, m: Measurement) -> tuple[Decision, str, int | None]:
    interval, stable, canary = m.interval, m.stable, m.canary
    if interval is None or stable is None or canary is None:
        return Decision.INCONCLUSIVE, f"no interval for the change in {rule.name}", None
    limit = tolerance_of(rule, stable)
    assert limit is not None  # checks_change
    sign = -1.0 if rule.higher_is_better else 1.0  # positive = worse
    worse = sign * (canary - stable)
    worse_low, worse_high = sorted((sign * interval.low, sign * interval.high))
    word = rule.worse_word
    shown = f"Δ {_ci(interval)}"
    if worse_low > limit and m.censored != "stable":
        return (
            Decision.FAIL,
            f"the canary's {rule.name} is worse than the stable's by more than the tolerance "
            f"{_num(limit)}, significantly ({shown})",
            None,
        )
    if worse_high <= limit and m.censored != "canary":
        return Decision.PASS, f"not worse than the tolerance {_num(limit)} ({shown})", None
    if m.censored:
        return (
            Decision.INCONCLUSIVE,
            f"the {m.censored} side's {rule.name} is beyond the highest histogram bucket, so "
            f"its value is only a bound ({shown}); add buckets above it",
            None,
        )
    needed = _needed(worse, worse_low, worse_high, limit, m.n_stable + m.n_canary)
    return (
        Decision.INCONCLUSIVE,
        f"the interval allows a {word} of {_num(max(worse_high, 0.0))} and the tolerance is "
        f"{_num(limit)}: {_too_little(m.unit)} ({shown})",
        needed,
    )


def _bound(rule: MetricRule, m: Measurement, bound: str) -> tuple[Decision, str, int | None]:
    interval, value = m.value_interval, m.canary
    limit = float(getattr(rule, bound))
    if interval is None or value is None:
        return Decision.INCONCLUSIVE, f"no interval for the canary's {rule.name}", None
    # "bad" = below a min, above a max; in that orientation the bound is a tolerance.
    sign = -1.0 if bound == "min" else 1.0
    bad_low, bad_high = sorted((sign * interval.low, sign * interval.high))
    edge = sign * limit
    shown = f"{_ci(interval)}"
    word = "below the minimum" if bound == "min" else "above the maximum"
    if bad_low > edge and m.censored != "stable":
        return Decision.FAIL, f"the canary's {rule.name} is {word} {_num(limit)} ({shown})", None
    if bad_high <= edge and m.censored != "canary":
        return Decision.PASS, f"within the {bound} {_num(limit)} ({shown})", None
    needed = _needed(sign * value, bad_low, bad_high, edge, m.n_stable + m.n_canary)
    return (
        Decision.INCONCLUSIVE,
        f"the interval {shown} straddles the {bound} {_num(limit)}: {_too_little(m.unit)}",
        needed,
    )


def _needed(point: float, low: float, high: float, limit: float, n: int) -> int | None:
    """More observations (both variants, at their current split) for the interval to clear
    ``limit``, if its width shrinks as 1/√n and the point estimate stays where it is; None
    when the estimate sits on the limit (no amount decides it) or nothing was observed."""
    distance = limit - point
    if n <= 0 or distance == 0 or not math.isfinite(distance):
        return None
    half = (high - point) if distance > 0 else (point - low)
    if not half > 0:
        return None
    factor = (half / abs(distance)) ** 2
    return max(1, math.ceil(n * factor - n))


def _combine(decisions: list[Decision]) -> Decision:
    if any(d is Decision.FAIL for d in decisions):
        return Decision.FAIL
    if decisions and all(d is Decision.PASS for d in decisions):
        return Decision.PASS
    return Decision.INCONCLUSIVE


def decide(judgements: tuple[Judgement, ...]) -> tuple[Decision, str]:
    """The canary's decision over its rules, and one line saying why."""
    counted = [j for j in judgements if j.counted]
    if not counted:
        return Decision.INCONCLUSIVE, "no rule counts (every canary rule is warn_only)"
    decision = _combine([j.decision for j in counted])
    which = [j for j in counted if j.decision is decision]
    if decision is Decision.PASS:
        names = ", ".join(j.name for j in which)
        return decision, f"the canary is not worse than the stable version on {names}"
    lines = "; ".join(f"{j.name}: {j.reason}" for j in which[:3])
    return decision, lines


@dataclass(frozen=True, kw_only=True)
class Traffic:
    requests: int | None = None  # None: not measured (no requests query, no file rows)
    errors: int | None = None
    labelled: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"requests": self.requests, "errors": self.errors, "labelled": self.labelled}


@dataclass(frozen=True, kw_only=True)
class CanaryReport:
    model: str | None
    source: str  # the outcomes file, or the Prometheus server (credentials removed)
    variants: dict[str, str]  # stable/canary → the variant values
    window: str | None
    at: str | None  # the evaluation time asked for (Prometheus), ISO 8601
    confidence: float  # each interval's: canary.confidence spread over canary.looks
    judgements: tuple[Judgement, ...]
    looks: int = 1
    traffic: dict[str, Traffic] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # how the numbers were made (interpolation, rounding)

    @property
    def decision(self) -> Decision:
        return decide(self.judgements)[0]

    @property
    def reason(self) -> str:
        return decide(self.judgements)[1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": KIND,
            "schema_version": SCHEMA_VERSION,
            "model": self.model,
            "decision": self.decision.value,
            "reason": self.reason,
            "source": self.source,
            "variants": dict(self.variants),
            "window": self.window,
            "at": self.at,
            "confidence": self.confidence,
            "looks": self.looks,
            "traffic": {side: t.to_dict() for side, t in self.traffic.items()},
            "metrics": [j.to_dict() for j in self.judgements],
            "notes": list(self.notes),
        }


def exit_code(decision: Decision, *, inconclusive: str | None = None) -> int:
    """0 pass, 1 fail, 5 inconclusive — or inconclusive mapped to ``pass``/``fail`` for a
    tool that cannot express a third outcome."""
    if decision is Decision.INCONCLUSIVE and inconclusive is not None:
        decision = Decision(inconclusive)
    return {Decision.PASS: 0, Decision.FAIL: 1}.get(decision, EXIT_INCONCLUSIVE)


def _ci(interval: Interval) -> str:
    return (
        f"{interval.confidence * 100:.4g}% CI [{_num(interval.low, signed=True)}, "
        f"{_num(interval.high, signed=True)}]"
    )


def _num(value: float, *, signed: bool = False) -> str:
    text = f"{value:+.3g}" if signed else f"{value:.3g}"
    return text.replace("-", "−")


def _too_little(unit: str) -> str:
    return "too few labels to tell" if unit == "labels" else "too little traffic to tell"
