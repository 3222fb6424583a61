"""GitHub Actions workflow commands and output files, escaped so that nothing from a PR
(metric names, model names, reasons) can end a command early or inject another one."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping

from mlgate.core.checks import Status
from mlgate.core.verdict import Verdict


def escape_data(text: str) -> str:
    """The message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (``title=…``) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_commands(verdict: Verdict) -> list[str]:
    """One ``::error`` per failing gated metric or check, one ``::warning`` per warning."""
    model = verdict.model or "model"
    lines = []
    for row in verdict.metrics:
        if not row.gated or row.status not in (Status.FAIL, Status.WARN):
            continue
        level = "error" if row.status is Status.FAIL else "warning"
        title = escape_property(f"mlgate {model}: {row.name}")
        lines.append(
            f"::{level} title={title}::{escape_data('; '.join(row.reasons) or row.status.value)}"
        )
    for check in verdict.checks:
        if check.status in (Status.FAIL, Status.WARN):
            level = "error" if check.status is Status.FAIL else "warning"
            title = escape_property(f"mlgate {model}: {check.name}")
            lines.append(f"::{level} title={title}::{escape_data(check.summary)}")
    return lines


def mask(value: str) -> str:
    return f"::add-mask::{escape_data(value)}"


def output_block(values: Mapping[str, str]) -> str:
    """``$GITHUB_OUTPUT`` lines; each value in a heredoc whose delimiter it cannot contain."""
    parts = []
    for key, value in values.items():
        delimiter = _delimiter(value)
        parts.append(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(parts)


def _delimiter(value: str) -> str:
    while True:
        candidate = f"MLGATE_EOF_{secrets.token_hex(8)}"
        if candidate not in value:
            return candidate


def lines(items: Iterable[str]) -> str:
    return "".join(f"{item}\n" for item in items)
