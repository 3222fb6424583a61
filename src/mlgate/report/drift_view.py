"""A DriftReport → Markdown (the PR report's section, `mlgate drift`'s report, the
tracking issue) and plain text for the terminal. Feature names and category values come
from data files: every one is escaped."""

from __future__ import annotations

import math
import re
from typing import Any

from mlgate.core.checks import Status, plural
from mlgate.core.drift import (
    DriftReport,
    FeatureDrift,
    FeatureStatus,
    Kind,
)
from mlgate.core.noise import noise_floors
from mlgate.report.chart import bars_against_line
from mlgate.report.icons import ICONS
from mlgate.report.skew_view import mismatch_lines, mismatch_table
from mlgate.report.templates import builtin
from mlgate.report.text import clean, md, md_code, number

CHART_FEATURES = 10
MARKER_PREFIX = "<!-- mlgate:drift model="
_MARKER_SAFE = re.compile(r"[^A-Za-z0-9._/-]")
_FEATURE_ICONS = {
    FeatureStatus.OK: "✅",
    FeatureStatus.TOO_FEW: "➖",
    FeatureStatus.SKIPPED: "⏭️",
}


def drift_marker(model: str | None, kind: Kind = Kind.DRIFT) -> str:
    """The hidden line that identifies mlgate's drift report (or tracking issue) for a model."""
    name = _MARKER_SAFE.sub(
        lambda m: "%" + "%".join(f"{b:02X}" for b in m.group().encode()), model or ""
    )
    prefix = MARKER_PREFIX if kind is Kind.DRIFT else "<!-- mlgate:skew model="
    return f"{prefix}{name} -->"


def drift_section(
    report: DriftReport, *, show: int = 30, chart: bool = True, headline: bool = True
) -> str:
    """The section's Markdown, with at most ``show`` feature rows (``headline``: False
    where a check line already says it, as in the PR report)."""
    features = list(report.features)
    shown = features[:show]
    context = {
        "headline": (
            f"{ICONS[report.status]} **{_title(report)}** — {md(report.headline(), limit=400)}"
            if headline
            else ""
        ),
        "sides": _sides(report) + _engine(report),
        "distance_header": "KS D / JS",
        "rows": [_row(f) for f in shown],
        "more": plural(len(features) - len(shown), "more feature") if len(features) > show else "",
        "chart": _chart(report) if chart else "",
        "mismatches": mismatch_table(report),
        "schema": [
            {
                "icon": "❌" if c.breaking else "ℹ️",
                "column": md_code(c.column, limit=80),
                "text": md(c.describe(), limit=120),
            }
            for c in report.schema
        ],
        "rule": _rule(report),
    }
    return re.sub(r"\n{3,}", "\n\n", builtin("drift.md.j2").render(**context)).strip() + "\n"


def drift_document(report: DriftReport, *, max_chars: int = 65_536, chart: bool = True) -> str:
    """A whole Markdown document (marker, heading, section) within ``max_chars``."""
    head = drift_marker(report.model, report.kind) + "\n"
    model = f" · {md(report.model, limit=120)}" if report.model else ""
    title = f"## mlgate {'skew' if report.kind is Kind.SKEW else 'data drift'}{model}\n\n"
    show = 25
    while True:
        text = head + title + drift_section(report, show=show, chart=chart and show >= 10)
        if len(text) <= max_chars or show == 0:
            return text[:max_chars]
        show = show // 2 if show > 1 else 0


def _title(report: DriftReport) -> str:
    return "Training–serving skew" if report.kind is Kind.SKEW else "Data drift"


def _sides(report: DriftReport) -> str:
    feast = report.settings.get("feast")
    if feast is not None:
        offline = md_code(report.reference.label, limit=120)
        if feast.get("check") == "training":
            return f"Training table: {md_code(report.current.label, limit=120)} · {offline}"
        return f"{md_code(report.current.label, limit=120)} · {offline}"
    ref_word, cur_word = (
        ("training", "serving") if report.kind is Kind.SKEW else ("reference", "current")
    )
    return (
        f"{ref_word.capitalize()}: {md_code(report.reference.label, limit=120)} "
        f"({report.reference.rows:,} rows) · {cur_word}: "
        f"{md_code(report.current.label, limit=120)} ({report.current.rows:,} rows)"
    )


def _engine(report: DriftReport) -> str:
    """Where it was computed, and what is bounded rather than exact (the streamed and the
    Spark engines; the in-memory comparison is exact and says nothing)."""
    s = report.settings
    parts = []
    if s.get("engine") == "spark":
        partitions = plural(int(s.get("partitions", 0)), "partition")
        parts.append(f"Computed on Spark: the current data in {partitions}")
    elif s.get("streamed"):
        parts.append("Streamed (larger than drift.memory_mb)")
    if not parts:
        return ""
    if "ks_error" in s:
        parts.append(
            f"KS D within ±{float(s['ks_error']):.2g} of the exact value (the reference's "
            "quantile sketch)"
        )
    else:
        parts.append("every count, PSI and KS D exact")
    folded = s.get("categories")
    if folded:
        names = ", ".join(md_code(n, limit=40) for n in folded["features"][:5])
        parts.append(
            f'{names}: the {folded["kept"]:,} most frequent categories and "(other '
            f'categories)" (listed counts short by at most {folded["count_error"]:,})'
        )
    return "\n\n" + "; ".join(parts) + "."


def _row(feature: FeatureDrift) -> dict[str, str]:
    m = feature.measured
    if feature.status is FeatureStatus.DRIFT:
        icon = ICONS[Status.FAIL if feature.fail else Status.WARN]
    else:
        icon = _FEATURE_ICONS[feature.status]
    return {
        "icon": icon,
        "name": md_code(feature.name, limit=60),
        "kind": feature.kind,
        "psi": _num(m.psi) if m else "—",
        "distance": _num(m.distance) if m else "—",
        "p": _p(_shown_p(feature)) if m else "—",
        "floor": _floors(feature),
        "reference": _side(m.reference_summary, m.reference_missing) if m else "—",
        "current": _side(m.current_summary, m.current_missing) if m else "—",
        "why": md("; ".join(feature.reasons), limit=160) if feature.reasons else "",
    }


def _shown_p(feature: FeatureDrift) -> float:
    """The p-value the decision used: Holm-adjusted when the feature was judged in a family."""
    assert feature.measured is not None
    return feature.p_adjusted if feature.p_adjusted is not None else feature.measured.p_value


def _floors(feature: FeatureDrift) -> str:
    """The noise floors of PSI and the distance at this feature's sample sizes."""
    if feature.measured is None or feature.status not in (FeatureStatus.OK, FeatureStatus.DRIFT):
        return "—"
    floors = noise_floors(feature.kind, feature.measured)
    return f"{_num(floors.psi)} · {_num(floors.distance)}"


def _side(summary: str, missing: float) -> str:
    text = md(summary, limit=60)
    if missing:
        text += f"{'; ' if text else ''}{missing:.1%} missing"
    return text


def _chart(report: DriftReport) -> str:
    measured = [
        f for f in report.features if f.measured is not None and math.isfinite(f.measured.psi)
    ]
    top = sorted(measured, key=lambda f: -f.score)[:CHART_FEATURES]
    if len(top) < 2:
        return ""
    threshold = float(report.settings.get("psi", 0.2))
    return bars_against_line(
        f"PSI of the top {len(top)} features (bars) vs the threshold (line)",
        [f.name for f in top],
        [f.score for f in top],
        threshold,
        axis="PSI",
    )


def _rule(report: DriftReport) -> str:
    s = report.settings
    if not s or "feast" in s:
        return ""
    return (
        f"A feature drifts when PSI ≥ {s.get('psi')} or the distance (KS D for numbers ≥ "
        f"{s.get('ks')}, Jensen–Shannon for categories ≥ {s.get('js')}) — each also past "
        "its noise floor, what sampling noise alone reaches 1% of the time at the feature's "
        f"sample sizes (PSI · distance) — and the KS / chi² test rejects at {s.get('alpha')} "
        "after Holm's adjustment across the features (p is the adjusted one); PSI on "
        f"{s.get('bins')} {s.get('binning')} bins; features with fewer than "
        f"{s.get('min_rows')} values are not judged."
    )


def _num(value: float) -> str:
    return "—" if math.isnan(value) else number(value, digits=3)


def _p(value: float) -> str:
    if math.isnan(value):
        return "—"
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def drift_terminal(report: DriftReport, *, show: int = 15) -> str:
    """Plain text: the headline and an aligned table of the top features."""
    lines = [f"mlgate {_title(report).lower()}: {report.status.value.upper()}"]
    lines.append(clean(report.headline(), limit=300))
    lines.append(
        f"reference {clean(report.reference.label, limit=80)} ({report.reference.rows:,} rows)"
        f" · current {clean(report.current.label, limit=80)} ({report.current.rows:,} rows)"
    )
    if report.settings.get("engine") == "spark":
        lines.append(f"on Spark: {plural(int(report.settings.get('partitions', 0)), 'partition')}")
    if report.features:
        lines += _feature_lines(report, show=show)
    for change in report.schema:
        lines.append(f"  schema: {clean(change.column, limit=60)}: {change.describe()}")
    lines += mismatch_lines(report)
    return "\n".join(lines)


def _feature_lines(report: DriftReport, *, show: int) -> list[str]:
    lines = []
    rows = [("", "feature", "PSI", "D/JS", "p", "why")]
    for f in report.features[:show]:
        m = f.measured
        rows.append(
            (
                f.status.value,
                clean(f.name, limit=40),
                _num(m.psi) if m else "—",
                _num(m.distance) if m else "—",
                _p(_shown_p(f)) if m else "—",
                clean("; ".join(f.reasons), limit=80),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        lines.append(
            "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[5]
        )
    if len(report.features) > show:
        lines.append(f"  … and {plural(len(report.features) - show, 'more feature')}")
    return lines


def context_value(report: DriftReport | None, *, show: int, chart: bool) -> Any:
    """The ``drift`` value of the verdict report's template context."""
    return drift_section(report, show=show, chart=chart) if report is not None else ""
