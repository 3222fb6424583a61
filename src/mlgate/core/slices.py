"""Slices: the comparison repeated on each value of a slice column (country, device …),
with Holm's correction across every slice test, so a regression found in one of many
slices is not just the luck of many draws. Plain data; the numbers come from
:mod:`mlgate.core.stats.slicing`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from mlgate.core.checks import Check, Status, plural
from mlgate.core.metric_catalogue import higher_is_better
from mlgate.core.multiplicity import holm
from mlgate.core.rules import MetricRule
from mlgate.core.significance import tolerance_of
from mlgate.core.verdict import SliceRow


@dataclass(frozen=True, kw_only=True)
class SliceSettings:
    """The ``slices:`` section of mlgate.yml."""

    columns: tuple[str, ...] = ()
    min_size: int = 100
    metrics: tuple[str, ...] = ()  # default: the gated metrics the predictions give
    fail: bool = False  # a significant regression in a slice fails the gate (else warns)


def judge_slices(
    rows: Sequence[SliceRow],
    *,
    rules: dict[str, MetricRule],
    settings: SliceSettings,
    confidence: float,
) -> list[SliceRow]:
    """Adjust the p-values across all slice tests and mark significant regressions —
    worse beyond the metric's tolerance (any amount when it has none), after Holm."""
    alpha = 1 - confidence
    adjusted = holm(
        [row.interval.p_value if row.interval.p_value is not None else 1.0 for row in rows]
    )
    judged = []
    for row, p in zip(rows, adjusted, strict=True):
        rule = rules.get(row.metric)
        higher = rule.higher_is_better if rule else higher_is_better(row.metric)
        worse = -row.delta if higher else row.delta
        tolerance = (tolerance_of(rule, row.baseline) if rule else None) or 0.0
        regressed = worse > tolerance and p < alpha
        status = (Status.FAIL if settings.fail else Status.WARN) if regressed else Status.PASS
        shown_p = _relation(p_text(p, row.interval.resamples))
        reason = (
            f"{row.metric} {'drops' if higher else 'rises'} by {abs(row.delta):.3g} in "
            f"{row.column}={row.value} (Holm-adjusted p {shown_p})"
            if regressed
            else ""
        )
        judged.append(replace(row, p_adjusted=p, status=status, reason=reason))
    rank = {Status.FAIL: 0, Status.WARN: 1, Status.PASS: 2}
    return sorted(judged, key=lambda r: (rank.get(r.status, 3), r.p_adjusted or 1.0))


def p_text(p: float, resamples: int | None) -> str:
    """``0.013``, or ``< 0.0005`` when no bootstrap resample crossed zero."""
    if p == 0 and resamples:
        return f"< {1 / resamples:.1g}"
    return f"{p:.2g}"


def _relation(text: str) -> str:
    return text if text.startswith("<") else f"= {text}"


def slice_check(rows: Sequence[SliceRow]) -> Check | None:
    regressed = [row for row in rows if row.status in (Status.FAIL, Status.WARN)]
    if not regressed:
        return None
    status = Status.FAIL if any(r.status is Status.FAIL for r in regressed) else Status.WARN
    shown = "; ".join(r.reason for r in regressed[:3])
    more = f"; and {len(regressed) - 3} more" if len(regressed) > 3 else ""
    return Check(
        name="slices",
        status=status,
        summary=f"{plural(len(regressed), 'slice regression')}: {shown}{more}",
    )
