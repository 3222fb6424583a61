"""The roll-up comment over a pull request's models, as Markdown. Pure.

The first line is the hidden marker that identifies it; rows come failing first, and when
the comment would pass ``max_chars`` the passing rows at the end give way to one line saying
how many were left out (the job summary has them all)."""

from __future__ import annotations

from mlgate.core.summary import Outcome, Row, Summary
from mlgate.report.text import md, md_code

SUMMARY_MARKER = "<!-- mlgate:summary -->"
_ICONS = {Outcome.FAILED: "❌", Outcome.MISSING: "⚠️", Outcome.PASSED: "✅"}


def render_summary(summary: Summary, *, max_chars: int = 65_536, run_url: str | None = None) -> str:
    head = [SUMMARY_MARKER, f"## mlgate: {_title(summary)}", ""]
    tail: list[str] = []
    if summary.removed:
        names = ", ".join(md_code(m, limit=80) for m in summary.removed[:20])
        more = f" and {len(summary.removed) - 20} more" if len(summary.removed) > 20 else ""
        tail += ["", f"Removed in this change (not gated): {names}{more}."]
    if run_url:
        tail += ["", f"[The run]({_url(run_url)}) has every model's job and report."]
    if not summary.rows:
        return "\n".join([*head, "No model's paths changed: nothing to gate.", *tail]) + "\n"
    table = ["| | model | verdict | headline | report |", "|---|---|---|---|---|"]
    rows = [_row(r) for r in summary.rows]
    fixed = len("\n".join([*head, *table, *tail])) + 200  # the cut line's room
    kept: list[str] = []
    used = fixed
    for index, line in enumerate(rows):
        if used + len(line) + 1 > max_chars:
            left = summary.rows[index:]
            failing = sum(1 for r in left if r.outcome is not Outcome.PASSED)
            note = (
                f"| | … {len(left)} more model{'s' if len(left) != 1 else ''}"
                f"{f' ({failing} not passing)' if failing else ''}: see the job summary | | | |"
            )
            kept.append(note)
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join([*head, *table, *kept, *tail]) + "\n"


def _title(summary: Summary) -> str:
    if not summary.rows:
        return "no model changed"
    parts = [f"{len(summary.rows)} model{'s' if len(summary.rows) != 1 else ''}"]
    counts = [
        f"{summary.count(o)} {o.value}"
        for o in (Outcome.FAILED, Outcome.MISSING, Outcome.PASSED)
        if summary.count(o)
    ]
    verdict = "passed" if summary.passed else "not passing"
    return f"{parts[0]} {verdict} ({', '.join(counts)})"


def _row(row: Row) -> str:
    link = f"[report]({_url(row.comment_url)})" if row.comment_url else "—"
    version = f" v{md(row.version, limit=20)}" if row.version else ""
    return (
        f"| {_ICONS[row.outcome]} | {md_code(row.model, limit=100)}{version} | "
        f"{md(row.status, limit=20)} | {md(row.headline, limit=120)} | {link} |"
    )


def _url(url: str | None) -> str:
    """Only http(s) links, with nothing that ends a Markdown link."""
    text = (url or "").strip()
    if not text.startswith(("https://", "http://")):
        return "#"
    return "".join(ch for ch in text if ch not in " ()<>[]\"'`\n\r\t|")
