"""Deciding a metric's change on evidence: the three gate modes.

``point``            block when the point estimate is worse than the tolerance allows (what
                     MLflow's validation and TFX's evaluator do; kept for comparison).
``significant``      block only when the change is material (the point estimate is beyond
                     the tolerance) *and* significant (the interval for Δ excludes zero on
                     the bad side). Material but not significant: a warning. The default.
``non_inferiority``  pass only when the interval shows the candidate is not worse than the
                     tolerance allows (its bad-side bound is within the tolerance). Strict.

Without an interval (metrics from files, not per-example predictions) every mode judges
the point estimate. With one, the interval is placed against the tolerance: entirely within
it, the change is shown acceptable (a row that improved significantly passes, marked
improved); straddling it, the evaluation set is too small to tell — that warning, with the
smallest detectable change, is given only then; entirely beyond it, the change is shown
unacceptable.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from mlgate.core.interval import Interval
from mlgate.core.rules import MetricRule


class Mode(str, Enum):
    POINT = "point"
    SIGNIFICANT = "significant"
    NON_INFERIORITY = "non_inferiority"


@dataclass(frozen=True, kw_only=True)
class Significance:
    mode: Mode = Mode.SIGNIFICANT
    confidence: float = 0.95
    resamples: int = 2000
    seed: int = 0


@dataclass(frozen=True, kw_only=True)
class ChangeJudgement:
    violations: tuple[str, ...] = ()  # fail the row (or warn, for warn_only rules)
    warnings: tuple[str, ...] = ()  # warn whatever the rule
    significant: bool | None = None  # did the interval exclude zero (None: no interval)


def judge_change(
    rule: MetricRule,
    *,
    candidate: float,
    baseline: float,
    interval: Interval | None,
    mode: Mode,
    exceeds: list[str],
) -> ChangeJudgement:
    """``exceeds`` are the point-estimate violations ("drop of 0.02 exceeds max_drop 0.01")
    already found; this decides what they, and the interval, mean under ``mode``."""
    if interval is None:
        return ChangeJudgement(violations=tuple(exceeds))
    significant = interval.excludes_zero()
    worse_low, worse_high = _worse_bounds(rule, interval)
    limit = tolerance_of(rule, baseline)
    shown = _interval_text(interval)
    warnings: list[str] = []
    if limit is not None and worse_low <= limit < worse_high:
        # Only an interval that straddles the tolerance leaves the question open: one
        # entirely within it has shown the change acceptable, one beyond it unacceptable.
        warnings.append(
            f"inconclusive: the interval allows a {rule.worse_word} of {_num(worse_high)}, "
            f"more than the tolerance {_num(limit)} — the evaluation set is too small to "
            f"detect a {rule.worse_word} of {_num(limit)}: the smallest change it can "
            f"detect is about {_num(interval.smallest_detectable())}"
        )
    if mode is Mode.POINT:
        # A row that fails is decided: "inconclusive" beside it would contradict it.
        return ChangeJudgement(
            violations=tuple(exceeds),
            warnings=() if exceeds else tuple(warnings),
            significant=significant,
        )
    if mode is Mode.SIGNIFICANT:
        if exceeds and worse_low > 0:
            return ChangeJudgement(
                violations=tuple(f"{text}, and significantly (Δ {shown})" for text in exceeds),
                significant=significant,
            )
        if exceeds:
            warnings.insert(
                0, "; ".join(exceeds) + f", but not significantly (Δ {shown} includes 0)"
            )
        return ChangeJudgement(warnings=tuple(warnings), significant=significant)
    if limit is not None and worse_high > limit:
        return ChangeJudgement(
            violations=(
                f"not shown non-inferior: the interval allows a {rule.worse_word} of "
                f"{_num(worse_high)}, more than {_num(limit)} (Δ {shown})",
            ),
            warnings=tuple(w for w in warnings if "too small" not in w),
            significant=significant,
        )
    return ChangeJudgement(violations=(), warnings=tuple(warnings), significant=significant)


def _worse_bounds(rule: MetricRule, interval: Interval) -> tuple[float, float]:
    """The interval of "how much worse" (positive = worse)."""
    if rule.higher_is_better:
        return -interval.high, -interval.low
    return interval.low, interval.high


def tolerance_of(rule: MetricRule, baseline: float) -> float | None:
    """The tightest of the rule's absolute and relative tolerances, in metric units."""
    limits = []
    if rule.tolerance is not None:
        limits.append(rule.tolerance)
    if rule.tolerance_pct is not None:
        limits.append(rule.tolerance_pct / 100 * abs(baseline))
    return min(limits) if limits else None


def _interval_text(interval: Interval) -> str:
    return f"{interval.confidence * 100:.4g}% CI [{_num(interval.low, signed=True)}, " + (
        f"{_num(interval.high, signed=True)}]"
    )


def _num(value: float, *, signed: bool = False) -> str:
    text = f"{value:+.3g}" if signed else f"{value:.3g}"
    return text.replace("-", "−")
