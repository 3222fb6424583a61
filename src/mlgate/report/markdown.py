"""Verdict → GitHub-flavoured Markdown, within a size budget.

The template runs in Jinja2's immutable sandbox, so a user's ``--template`` cannot reach
Python internals. The per-model marker is added here, outside the template, so no
template can drop it. When the rendering would exceed ``max_chars`` it is redone with
less detail, step by step; the headline and the failing rows go last.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.core.checks import Status
from mlgate.core.verdict import Verdict
from mlgate.errors import InputError
from mlgate.report.templates import builtin, compile_template
from mlgate.report.view import Detail, build_context, link

if TYPE_CHECKING:
    from jinja2 import Template

MIN_CHARS = 1_000
DEFAULT_MAX_CHARS = 65_536
MARKER_PREFIX = "<!-- mlgate:report model="
_MARKER_SAFE = re.compile(r"[^A-Za-z0-9._/-]")
_SHORTER = (
    {"ungated": False, "skipped_tests": False},
    {"param_changes": False},
    {"minor_signature": False},
    {"charts": False, "drift_rows": 3},
    {"passing_rows": False},
    {"warning_rows": False, "name_limit": 80, "test_failure_limit": 5},
)


def marker(model: str | None) -> str:
    """The hidden line that identifies mlgate's report for ``model`` in a PR/MR thread."""
    name = _MARKER_SAFE.sub(
        lambda m: "%" + "%".join(f"{b:02X}" for b in m.group().encode()), model or ""
    )
    return f"{MARKER_PREFIX}{name} -->"


def marked_model(line: str) -> str | None:
    """The model a report's marker line names (what :func:`marker` wrote); None for a line
    that is not a report marker."""
    from urllib.parse import unquote

    if not (line.startswith(MARKER_PREFIX) and line.endswith(" -->")):
        return None
    return unquote(line[len(MARKER_PREFIX) : -len(" -->")])


def render_markdown(
    verdict: Verdict,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    template: Path | None = None,
    chart: bool = True,
    full_report: str | None = None,
    full_report_url: str | None = None,
) -> str:
    """The report, never longer than ``max_chars`` characters."""
    if max_chars < MIN_CHARS:
        raise ValueError(f"max_chars must be at least {MIN_CHARS}")
    from jinja2 import TemplateError

    compiled = _load_template(template)
    head = marker(verdict.model) + "\n"
    budget = max_chars - len(head)

    def attempt(detail: Detail) -> str:
        context, _ = build_context(
            verdict,
            detail=detail,
            chart=chart,
            full_report=full_report,
            full_report_url=full_report_url,
        )
        try:
            return _tidy(compiled.render(**context))
        except TemplateError as exc:
            raise InputError(f"{template or 'report.md.j2'}: template error: {exc}") from None

    detail = Detail()
    text = attempt(detail)
    for step in _SHORTER:
        if len(text) <= budget:
            return head + text
        detail = replace(detail, **step)
        text = attempt(detail)
    if len(text) <= budget:
        return head + text
    text = _fit_failing_rows(verdict, detail, attempt, budget)
    if len(text) > budget:
        text = _truncate(text, budget, full_report=link(full_report, full_report_url))
    return head + text


def _fit_failing_rows(
    verdict: Verdict, detail: Detail, attempt: Callable[[Detail], str], budget: int
) -> str:
    """Keep as many failing rows (worst first) as fit; binary search on the count."""
    failing = sum(1 for row in verdict.metrics if row.gated and row.status is Status.FAIL)
    low, high = 0, failing
    best = attempt(replace(detail, row_limit=0, name_limit=40))
    while low < high:
        mid = (low + high + 1) // 2
        text = attempt(replace(detail, row_limit=mid, name_limit=40))
        if len(text) <= budget:
            low, best = mid, text
        else:
            high = mid - 1
    return best


def _truncate(text: str, budget: int, *, full_report: str | None) -> str:
    """Last resort (a very verbose custom template, a tiny budget): cut at a line, close
    what is open, and say where the whole report is."""
    where = f" Full details: {full_report}." if full_report else ""
    notice = f"\n\n> ✂️ Report truncated to fit the size limit.{where}\n"
    room = budget - len(notice) - len("\n```\n</details>\n")
    cut = text[: max(room, 0)]
    if "\n" in cut:
        cut = cut[: cut.rfind("\n")]
    if cut.count("```") % 2:
        cut += "\n```"
    if cut.count("<details>") > cut.count("</details>"):
        cut += "\n</details>"
    return (cut + notice)[:budget]


def _tidy(text: str) -> str:
    """Collapse the blank lines that template conditionals leave behind."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _load_template(path: Path | None) -> Template:
    if path is None:
        return builtin("report.md.j2")
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: report template not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read report template: {exc}") from None
    return compile_template(source, origin=str(path))
