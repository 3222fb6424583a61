"""Rules × candidate × baseline → Verdict.

Every gated metric is judged on its own rule; a row fails only where the user set a
threshold and the candidate is beyond it. The verdict fails iff a row or a check fails;
with no baseline at all it is ``no_baseline`` (only floors and ceilings could be checked).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from mlgate.core.changes import diff_params, diff_signatures, normalize_signature
from mlgate.core.checks import STATUS_ORDER, Check, Status, plural
from mlgate.core.classes import ClassRow, ClassSettings, class_check, judge_classes
from mlgate.core.drift import DriftReport
from mlgate.core.evidence import Evidence, Source
from mlgate.core.identity import NoBaseline
from mlgate.core.interval import Interval
from mlgate.core.metricset import MetricSet
from mlgate.core.model_test_gate import judge_model_tests
from mlgate.core.model_tests import ModelTests
from mlgate.core.provenance import DataComparison
from mlgate.core.recomputed import recomputed_check, with_logged
from mlgate.core.rules import MetricRule
from mlgate.core.significance import Mode, Significance, judge_change
from mlgate.core.slices import SliceSettings, judge_slices, slice_check
from mlgate.core.verdict import MetricRow, Overall, SignatureChange, SliceRow, Verdict

# Two floats that print the same to a user are the same: 0.90 - 0.89 must not exceed 0.01.
_REL_EPS = 1e-9
_ABS_EPS = 1e-12


@dataclass(frozen=True, kw_only=True)
class GatePolicy:
    model: str | None
    rules: Sequence[MetricRule]
    breaking_signature: Status = Status.FAIL
    tests_required: bool = True
    significance: Significance = field(default_factory=Significance)
    slices: SliceSettings = field(default_factory=SliceSettings)
    classes: ClassSettings = field(default_factory=ClassSettings)
    config_hash: str | None = None


def compare(
    *,
    candidate: MetricSet,
    baseline: MetricSet | None,
    policy: GatePolicy,
    tests: ModelTests | None = None,
    intervals: Mapping[str, Interval] | None = None,
    examples: int | None = None,
    slices: Sequence[SliceRow] = (),
    slices_skipped: int = 0,
    classes: Sequence[ClassRow] = (),
    drift: DriftReport | None = None,
    data: DataComparison | None = None,
    evidence: Evidence | None = None,
    notes: Sequence[Check] = (),
    no_baseline: NoBaseline | None = None,
    created_at: str | None = None,
    mlgate_version: str | None = None,
) -> Verdict:
    """The verdict. ``intervals`` and ``evidence`` come from per-example predictions: the
    metrics with an interval were computed from them, every other one is a logged value."""
    rows = judge_metrics(
        rules=policy.rules,
        candidate=candidate.metrics,
        baseline=baseline.metrics if baseline is not None else None,
        intervals=intervals or {},
        mode=policy.significance.mode,
    )
    if evidence is not None:
        rows = [_with_source(row, evidence, predicted=set(intervals or {})) for row in rows]
    rows = [with_logged(row, candidate.recomputed) for row in rows]
    param_changes = diff_params(baseline.params, candidate.params) if baseline is not None else []
    signature_changes = (
        diff_signatures(
            normalize_signature(baseline.signature) if baseline.signature is not None else None,
            normalize_signature(candidate.signature) if candidate.signature is not None else None,
        )
        if baseline is not None
        else []
    )
    checks: list[Check] = []
    breaking = [change for change in signature_changes if change.breaking]
    if breaking and policy.breaking_signature is not Status.PASS:
        names = ", ".join(_describe_change(c) for c in breaking[:5])
        more = f" and {len(breaking) - 5} more" if len(breaking) > 5 else ""
        checks.append(
            Check(
                name="signature",
                status=policy.breaking_signature,
                summary=f"{plural(len(breaking), 'breaking signature change')}: {names}{more}",
            )
        )
    if tests is not None:
        checks.append(
            judge_model_tests(tests, candidate=candidate.identity, required=policy.tests_required)
        )
    judged_slices = judge_slices(
        slices,
        rules={rule.name: rule for rule in policy.rules},
        settings=policy.slices,
        confidence=policy.significance.confidence,
    )
    found = slice_check(judged_slices)
    if found is not None:
        checks.append(found)
    judged_classes = judge_classes(
        classes, settings=policy.classes, confidence=policy.significance.confidence
    )
    lost = class_check(judged_classes)
    if lost is not None:
        checks.append(lost)
    if drift is not None:
        checks.append(drift.check())
    if data is not None:
        checks.append(data.check())
    logged = recomputed_check(
        candidate.recomputed, baseline.recomputed if baseline is not None else {}
    )
    if logged is not None:
        checks.append(logged)
    checks.extend(notes)
    return Verdict(
        model=policy.model,
        status=overall_status(rows, checks, has_baseline=baseline is not None),
        candidate=candidate.identity,
        baseline=baseline.identity if baseline is not None else None,
        metrics=tuple(rows),
        checks=tuple(checks),
        param_changes=tuple(param_changes),
        signature_changes=tuple(signature_changes),
        tests=tests,
        slices=tuple(judged_slices),
        slices_skipped=slices_skipped,
        classes=tuple(judged_classes),
        drift=drift,
        data=data,
        evidence=evidence,
        no_baseline=no_baseline if baseline is None else None,
        significance=(
            {
                "mode": policy.significance.mode.value,
                "confidence": policy.significance.confidence,
                "examples": examples,
            }
            if intervals
            else None
        ),
        config_hash=policy.config_hash,
        created_at=created_at,
        mlgate_version=mlgate_version,
    )


def _with_source(row: MetricRow, evidence: Evidence, *, predicted: set[str]) -> MetricRow:
    source = evidence.source if row.name in predicted else Source.METRIC
    return replace(row, source=source)


def _describe_change(change: SignatureChange) -> str:
    if change.section == "signature" and change.change == "removed":
        return "the signature was removed (production has one, the candidate none)"
    where = f"{change.section}.{change.column}"
    if change.change in ("added", "removed"):
        return f"{where} {change.change}"
    return f"{where} {change.change} {change.before} → {change.after}"


def overall_status(
    rows: Sequence[MetricRow], checks: Sequence[Check], *, has_baseline: bool
) -> Overall:
    if any(r.status is Status.FAIL for r in rows) or any(c.status is Status.FAIL for c in checks):
        return Overall.FAIL
    return Overall.PASS if has_baseline else Overall.NO_BASELINE


def judge_metrics(
    *,
    rules: Sequence[MetricRule],
    candidate: Mapping[str, float],
    baseline: Mapping[str, float] | None,
    intervals: Mapping[str, Interval] | None = None,
    mode: Mode = Mode.SIGNIFICANT,
) -> list[MetricRow]:
    """One row per gated metric (in rule order), then one per other metric (by name)."""
    base = baseline or {}
    found = intervals or {}
    rows = [
        judge(
            rule,
            candidate.get(rule.name),
            base.get(rule.name),
            interval=found.get(rule.name) if rule.name in base else None,
            mode=mode,
        )
        for rule in rules
    ]
    rows = [_with_suggestion(row, candidate) for row in rows]
    gated = {rule.name for rule in rules}
    for name in sorted((set(candidate) | set(base)) - gated):
        rows.append(_ungated(name, candidate.get(name), base.get(name), found.get(name)))
    rank = {status: index for index, status in enumerate(STATUS_ORDER)}
    return sorted(rows, key=lambda row: rank[row.status])  # stable: keeps rule order


def _with_suggestion(row: MetricRow, candidate: Mapping[str, float]) -> MetricRow:
    """A gated metric the candidate lacks, most likely a typo: say which one it has."""
    if row.candidate is not None or not row.reasons:
        return row
    close = difflib.get_close_matches(row.name, list(candidate), n=1, cutoff=0.75)
    if not close:
        return row
    hint = f"; did you mean {close[0]!r}? (the candidate reports it)"
    return replace(row, reasons=(row.reasons[0] + hint, *row.reasons[1:]))


def judge(
    rule: MetricRule,
    candidate: float | None,
    baseline: float | None,
    *,
    interval: Interval | None = None,
    mode: Mode = Mode.SIGNIFICANT,
) -> MetricRow:
    def row(status: Status, *reasons: str) -> MetricRow:
        return MetricRow(
            name=rule.name,
            baseline=baseline,
            candidate=candidate,
            status=status,
            rule=rule,
            reasons=reasons,
            interval=interval,
            significant=interval.excludes_zero() if interval else None,
        )

    violated = Status.WARN if rule.warn_only else Status.FAIL
    if candidate is None:
        if rule.required:
            return row(violated, "required metric missing from the candidate")
        return row(Status.MISSING, "not reported by the candidate")
    if not math.isfinite(candidate):
        return row(violated, f"candidate value is {_nonfinite_word(candidate)}")
    violations = _bound_violations(rule, candidate)
    notes: list[str] = []
    if baseline is not None and rule.checks_change:
        if math.isfinite(baseline):
            change = judge_change(
                rule,
                candidate=candidate,
                baseline=baseline,
                interval=interval,
                mode=mode,
                exceeds=_change_violations(rule, candidate, baseline),
            )
            violations += change.violations
            notes.extend(change.warnings)
        else:
            notes.append(f"baseline value is {_nonfinite_word(baseline)}; change not checked")
    if violations:
        return row(violated, *violations, *notes)
    if notes:
        return row(Status.WARN, *notes)
    if baseline is None:
        return row(
            Status.NEW, "no baseline value" + ("; bounds checked" if rule.checks_bounds else "")
        )
    return row(Status.PASS)


def _bound_violations(rule: MetricRule, value: float) -> list[str]:
    out = []
    if rule.min is not None and value < rule.min and not _close(value, rule.min):
        shown, limit = _pair(value, rule.min)
        out.append(f"{shown} is below the minimum {limit}")
    if rule.max is not None and value > rule.max and not _close(value, rule.max):
        shown, limit = _pair(value, rule.max)
        out.append(f"{shown} is above the maximum {limit}")
    return out


def _change_violations(rule: MetricRule, candidate: float, baseline: float) -> list[str]:
    out = []
    worse = baseline - candidate if rule.higher_is_better else candidate - baseline
    word = rule.worse_word
    if rule.tolerance is not None and worse > rule.tolerance and not _close(worse, rule.tolerance):
        shown, limit = _pair(worse, rule.tolerance)
        out.append(f"{word} of {shown} exceeds max_{word} {limit}")
    if rule.tolerance_pct is not None and worse > 0:
        if baseline == 0:
            out.append(f"baseline is 0, so any {word} exceeds max_{word}_pct")
        else:
            pct = worse / abs(baseline) * 100
            if pct > rule.tolerance_pct and not _close(pct, rule.tolerance_pct):
                shown, limit = _pair(pct, rule.tolerance_pct)
                out.append(f"{word} of {shown}% exceeds max_{word}_pct {limit}%")
    return out


def _ungated(
    name: str, candidate: float | None, baseline: float | None, interval: Interval | None = None
) -> MetricRow:
    reasons: tuple[str, ...] = ()
    if candidate is None:
        reasons = ("not reported by the candidate",)
    elif not math.isfinite(candidate):
        reasons = (f"candidate value is {_nonfinite_word(candidate)}",)
    return MetricRow(
        name=name,
        baseline=baseline,
        candidate=candidate,
        status=Status.INFO,
        reasons=reasons,
        interval=interval,
        significant=interval.excludes_zero() if interval else None,
    )


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_REL_EPS, abs_tol=_ABS_EPS)


def _nonfinite_word(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "+inf" if value > 0 else "-inf"


def _pair(value: float, limit: float) -> tuple[str, str]:
    """Both numbers with as few significant digits as keep them visibly different."""
    for digits in range(3, 17):
        shown, bound = f"{value:.{digits}g}", f"{limit:.{digits}g}"
        if shown != bound:
            return shown, bound
    return repr(value), repr(limit)
