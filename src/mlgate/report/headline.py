"""The report's first line: what the gate decided and why, in one sentence — which rules
failed and which checks, or that it passed and in which mode when a change was beyond its
tolerance but not significant."""

from __future__ import annotations

from mlgate.core.checks import Status, plural
from mlgate.core.provenance import Outcome
from mlgate.core.significance import tolerance_of
from mlgate.core.verdict import MetricRow, Overall, Verdict
from mlgate.report.text import md

HEADLINE_ICONS = {Overall.PASS: "✅", Overall.FAIL: "❌", Overall.NO_BASELINE: "🆕"}


def headline(verdict: Verdict, *, limit: int = 200) -> str:
    """One line that says what happened, for the top of the report."""
    model = md(verdict.model, limit=min(limit, 100)) if verdict.model else "model"
    icon = HEADLINE_ICONS[verdict.status]
    gated = verdict.gated_rows()
    failing = [r for r in gated if r.status is Status.FAIL]
    failed_checks = [c for c in verdict.checks if c.status is Status.FAIL]
    warnings = sum(1 for r in gated if r.status is Status.WARN) + sum(
        1 for c in verdict.checks if c.status is Status.WARN
    )
    warn_text = f", {plural(warnings, 'warning')}" if warnings else ""
    across = verdict.data is not None and verdict.data.outcome is Outcome.CROSS_DATASET
    # Numbers from different data are only comparable by the config's leave: said first.
    caveat = "⚠️ compared across different evaluation datasets: " if across else ""
    if verdict.status is Overall.FAIL:
        parts = []
        if failing:
            names = ", ".join(md(r.name, limit=40) for r in failing[:3])
            more = f" and {len(failing) - 3} more" if len(failing) > 3 else ""
            counted = f"{len(failing)} of {plural(len(gated), 'gated metric')}"
            parts.append(f"{counted} failed their rule: {names}{more}")
        parts.extend(md(c.summary, limit=160) for c in failed_checks[:2])
        prefix = "no production model yet, and " if verdict.baseline is None else ""
        return f"{icon} **mlgate · {model}: failed** — {caveat}{prefix}{'; '.join(parts)}."
    outcome = "passed" if verdict.baseline else "no production model yet"
    if not gated:
        return (
            f"{icon} **mlgate · {model}: {outcome}** — no metrics are gated "
            "(add rules under `metrics:` in mlgate.yml); differences are shown only."
        )
    if verdict.status is Overall.NO_BASELINE:
        missing = verdict.no_baseline
        why = f"{md(missing.summary, limit=160)}; " if missing is not None else ""
        return (
            f"{icon} **mlgate · {model}: {outcome}** — {why}nothing to compare against, so "
            "only absolute floors and ceilings were checked: "
            f"{plural(len(gated), 'gated metric')}, none failed{warn_text}."
        )
    # An improvement the interval cannot tell from noise is not claimed.
    improved = sum(1 for r in gated if r.improved and r.significant is not False)
    improved_text = f", {improved} improved" if improved else ""
    noise = [r for r in gated if beyond_but_not_significant(r)]
    if noise:
        # Passed although a change is past its tolerance: say which decision that was.
        mode = (verdict.significance or {}).get("mode", "significant")
        said = "; ".join(md(not_significant_text(r), limit=120) for r in noise[:2])
        rest = len(gated) - len(noise)
        verb = "is within its rule" if rest == 1 else "are within their rules"
        others = f"; the other {plural(rest, 'gated metric')} {verb}" if rest else ""
        return (
            f"{icon} **mlgate · {model}: passed in {mode} mode** — "
            f"{caveat}{said}{others}{improved_text}{warn_text}."
        )
    return (
        f"{icon} **mlgate · {model}: passed** — "
        f"{caveat}{_all(len(gated))}{improved_text}{warn_text}."
    )


def beyond_but_not_significant(row: MetricRow) -> bool:
    """A row past its tolerance whose interval includes 0: passed on evidence, with a
    warning."""
    if row.rule is None or row.status is not Status.WARN or row.significant is not False:
        return False
    limit = tolerance_of(row.rule, row.baseline) if row.baseline is not None else None
    worse = row.worse
    return limit is not None and worse is not None and worse > limit


def not_significant_text(row: MetricRow) -> str:
    """``accuracy dropped 0.037, beyond 0.02 but not significantly``."""
    assert row.rule is not None and row.baseline is not None and row.worse is not None
    limit = tolerance_of(row.rule, row.baseline)
    verb = "dropped" if row.rule.higher_is_better else "rose"
    return f"{row.name} {verb} {row.worse:.3g}, beyond {limit:.3g} but not significantly"


def _all(count: int) -> str:
    if count == 1:
        return "the 1 gated metric is within its rule"
    return f"all {count} gated metrics are within their rules"
