"""Skew by key in the drift/skew section: one row per feature, the worst first — for two
files matched by a key, and for a feature store's online values (or a training table)
against its point-in-time offline values. Keys come from data: every one is escaped."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from mlgate.core.checks import Status
from mlgate.core.drift import DriftReport
from mlgate.core.mismatch import Against, Mismatch
from mlgate.report.icons import ICONS
from mlgate.report.text import clean, md, md_code, number

_WHEN = {"point": "its rate", "significant": "its interval's lower bound",
         "non_inferiority": "its interval's upper bound"}  # fmt: skip


@dataclass(frozen=True)
class Table:
    intro: str = ""
    header: str = ""
    rows: list[str] = field(default_factory=list)
    notes: str = ""


def mismatch_table(report: DriftReport) -> Table:
    if not report.mismatches:
        return Table()
    feast = report.settings.get("feast")
    if feast is None:
        return Table(
            intro=f"Matched by {md_code(report.key or '')} ({_limit(report)}):",
            header="| | Feature | Rows compared | Differing | Share (interval) | Keys |\n"
            "|:--|:--|--:|--:|--:|:--|",
            rows=[
                _line(
                    _icon(m, report),
                    md_code(m.feature, limit=60),
                    f"{m.compared:,}",
                    f"{m.differing:,}",
                    _rate(m, report),
                    _keys(m.examples),
                )
                for m in report.mismatches
            ],
        )
    if feast.get("check") == "training":
        return _training(report, feast)
    return _online(report, feast)


def _online(report: DriftReport, feast: dict[str, Any]) -> Table:
    sample = _sample(feast.get("sample"))
    intro = (
        f"{_count(int(feast.get('keys', 0)), 'key')} by {md_code(report.key or '')} "
        f"({sample}, from {md(str(feast.get('entities')), limit=120)}): the online value "
        f"now against the offline value at {md(str(feast.get('moment')), limit=40)} "
        f"({_limit(report)}):"
    )
    rows = [
        _line(
            _icon(m, report),
            md_code(m.feature, limit=60),
            f"{m.compared:,}",
            f"{m.differing:,}",
            _rate(m, report),
            f"{m.missing_online:,} · {m.missing_offline:,}",
            f"{m.stale:,}",
            f"{m.expected_ttl:,} · {m.expected_lag:,}",
            _differences(m),
            _staleness(m),
            _keys(m.examples),
        )
        for m in report.mismatches
    ]
    return Table(
        intro=intro,
        header="| | Feature | Keys | Unexpected | Rate (interval) | Missing online · offline "
        "| Stale | Expected: TTL · lag | SMAPE · largest Δ | Behind offline: median · p99 · max "
        "| Keys |\n|:--|:--|--:|--:|--:|--:|--:|--:|--:|--:|:--|",
        rows=rows,
        notes=(
            "Expected, not counted: an online value older than the view's TTL (Feast still "
            "serves it), or one behind the newest offline value by at most max_lag "
            f"({_seconds(float(feast.get('max_lag_seconds', 0)))}) that equals the offline "
            "value at its own event time. Unexpected: a different value, a value missing on "
            "one side, or one behind by more than max_lag. "
            + md(str(feast.get("created_filter", "")), limit=200).capitalize()
            + "."
        ),
    )


def _training(report: DriftReport, feast: dict[str, Any]) -> Table:
    intro = (
        f"{_count(int(feast.get('rows', 0)), 'training row')} ({_sample(feast.get('sample'))}) "
        f"against the offline values at each row's {md_code(str(feast.get('timestamp')))} "
        f"by {md_code(report.key or '')} ({_limit(report)}; leakage "
        f"{'fails' if report.leakage_fails else 'warns'}):"
    )
    rows = [
        _line(
            ICONS[Status.FAIL if report.leakage_fails else Status.WARN]
            if m.leaked
            else _icon(m, report),
            md_code(m.feature, limit=60),
            f"{m.compared:,}",
            f"{m.differing:,}",
            _rate(m, report),
            f"{m.leaked:,} ({m.leaked / m.compared:.1%})" if m.compared else "0",
            f"{m.missing_online:,} · {m.missing_offline:,}",
            _differences(m),
            _keys(m.leak_examples or m.examples),
        )
        for m in report.mismatches
    ]
    return Table(
        intro=intro,
        header="| | Feature | Rows | Differing | Rate (interval) | Leaked | Missing in training · "
        "offline | SMAPE · largest Δ | Keys |\n|:--|:--|--:|--:|--:|--:|--:|--:|:--|",
        rows=rows,
        notes="Leaked: the training value differs from the offline value at the row's time "
        "and equals a later one — the table was joined on later values. Keys show leaked "
        "rows first.",
    )


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _line(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _icon(mismatch: Mismatch, report: DriftReport) -> str:
    against = report.against(mismatch)
    if against is Against.ABOVE:
        return ICONS[Status.FAIL if report.mismatch_fails else Status.WARN]
    return ICONS[Status.WARN] if against is Against.INCONCLUSIVE else ICONS[Status.PASS]


def _rate(mismatch: Mismatch, report: DriftReport) -> str:
    low, high = mismatch.interval(report.confidence)
    return f"{mismatch.share:.2%} [{low:.2%}, {high:.2%}]"


def _limit(report: DriftReport) -> str:
    when = _WHEN.get(report.mode, "its rate")
    limit = report.max_mismatch or 0.0
    return f"a rate fails above {limit:.2%} by {when} at {report.confidence:.0%}"


def _keys(keys: tuple[str, ...]) -> str:
    return ", ".join(md_code(k, limit=40) for k in keys[:3])


def _differences(mismatch: Mismatch) -> str:
    if mismatch.smape is None:
        return "—"
    return f"{_n(mismatch.smape)} · {_n(mismatch.max_abs_diff)}"


def _staleness(mismatch: Mismatch) -> str:
    points = dict(mismatch.staleness)
    if not points:
        return "—"
    return " · ".join(_seconds(points[q]) for q in ("0.5", "0.99", "1") if q in points)


def _sample(sample: Any) -> str:
    value = float(sample or 0)
    return f"a key-hash sample of {value:.0%}" if value <= 1 else f"at most {int(value):,} keys"


def _seconds(value: float) -> str:
    if value < 120:
        return f"{value:.0f}s"
    if value < 7200:
        return f"{value / 60:.0f}m"
    if value < 172_800:
        return f"{value / 3600:.1f}h"
    return f"{value / 86400:.1f}d"


def _n(value: float | None) -> str:
    return "—" if value is None or math.isnan(value) else number(value, digits=3)


def mismatch_lines(report: DriftReport) -> list[str]:
    """The terminal's lines: each feature that differs, with its rate and interval."""
    lines = []
    unit = "keys" if report.settings.get("feast", {}).get("check") == "online" else "rows"
    for m in report.mismatches:
        if not (m.differing or m.leaked or m.expected_ttl or m.expected_lag):
            continue
        low, high = m.interval(report.confidence)
        text = (
            f"  {clean(m.feature, limit=40)}: {m.differing:,} of {m.compared:,} {unit} differ "
            f"by {clean(report.key or '', limit=40)} ({m.share:.2%} [{low:.2%}, {high:.2%}]"
        )
        parts = [
            f"{count:,} {word}"
            for count, word in (
                (m.missing_online, "missing online" if unit == "keys" else "missing in training"),
                (m.missing_offline, "missing offline"),
                (m.stale, "stale"),
                (m.leaked, "leaked"),
                (m.expected_ttl, "past TTL (expected)"),
                (m.expected_lag, "lagging within max_lag (expected)"),
            )
            if count
        ]
        keys = m.leak_examples or m.examples
        if keys:
            parts.append("e.g. " + ", ".join(clean(k, limit=30) for k in keys[:3]))
        lines.append(text + "".join(f"; {p}" for p in parts) + ")")
    return lines
