"""Making user-supplied text and numbers safe and readable in Markdown and terminals.

Everything that came from a user (metric and parameter names, values, model names, file
labels) goes through :func:`md` before it reaches a template, so it can neither break a
table nor inject HTML, links, images, mentions or math.
"""

from __future__ import annotations

import math
import unicodedata

# ASCII punctuation that means something to GitHub-flavoured Markdown (or its extensions:
# tables, strikethrough, math, emoji shortcodes, autolinks). A backslash makes each literal.
_MD_SPECIAL = set("\\`*_{}[]()<>#+!|~&$:\"'=^")
# Zero-width space: breaks @mentions and #123 references without changing how they look.
_ZWSP = "\u200b"
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}
_ASCII_CONTROLS = str.maketrans({chr(c): " " for c in (*range(0x20), 0x7F)})
_MD_ESCAPES = str.maketrans(
    {
        **{ch: "\\" + ch for ch in _MD_SPECIAL},
        "#": "\\#" + _ZWSP,
        "@": "@" + _ZWSP,
    }
)


def clean(text: str, *, limit: int | None = None) -> str:
    """One line of printable text: control and bidi-override characters become spaces."""
    text = str(text)
    if text.isascii():
        line = text.translate(_ASCII_CONTROLS)
    else:
        line = "".join(" " if _is_control(ch) else ch for ch in text)
    line = line.strip()
    if limit is not None and len(line) > limit:
        line = shorten(line, limit)
    return line


_CLAUSES = ("; ", " — ")


def shorten(line: str, limit: int) -> str:
    """``line`` in at most ``limit`` characters, shortened by dropping whole clauses (after
    "; " or " — "), else whole words — never mid-number; only one unbroken token longer
    than the limit (a path, a name) is cut inside."""
    room = max(limit - 1, 0)
    best = -1
    for separator in _CLAUSES:
        at = line.rfind(separator, 0, room + 1)
        best = max(best, at)
    if best > room // 3:
        return line[:best].rstrip(" ;—,") + " …"
    space = line.rfind(" ", 0, room)
    if space > room // 3:
        return line[:space].rstrip(" ;—,") + " …"
    return line[:room].rstrip() + "…"


def _is_control(ch: str) -> bool:
    return ch in _BIDI or (unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch != _ZWSP)


def md(text: str, *, limit: int | None = 200) -> str:
    """Escape ``text`` for a GitHub-flavoured Markdown table cell or paragraph."""
    return clean(text, limit=limit).translate(_MD_ESCAPES)


def md_code(text: str, *, limit: int | None = 200) -> str:
    """``text`` as inline code; no escaping is needed inside a long-enough fence."""
    body = clean(text, limit=limit).replace("|", "¦")  # a pipe still splits a table cell
    if not body:
        return "` `"
    ticks = "`" * (_longest_run(body, "`") + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{ticks}{pad}{body}{pad}{ticks}"


def _longest_run(text: str, ch: str) -> int:
    best = run = 0
    for c in text:
        run = run + 1 if c == ch else 0
        best = max(best, run)
    return best


def number(value: float | None, *, digits: int = 4) -> str:
    """A metric value: ``digits`` significant figures, no scientific notation for
    everyday magnitudes, thousands separators, trailing zeros dropped."""
    if value is None:
        return "—"
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if -4 <= magnitude < 15:
        decimals = max(0, digits - 1 - magnitude)
        text = f"{value:,.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{value:.{digits - 1}e}"
    return text.replace("-", "−")


def number_pair(a: float | None, b: float | None) -> tuple[str, str]:
    """Format two values with enough digits that different values look different."""
    for digits in range(4, 16):
        left, right = number(a, digits=digits), number(b, digits=digits)
        if a is None or b is None or a == b or left != right:
            return left, right
    return number(a, digits=16), number(b, digits=16)


def signed(value: float | None, *, digits: int = 3, suffix: str = "") -> str:
    if value is None:
        return "—"
    if value == 0:
        return f"0{suffix}"
    text = number(abs(value), digits=digits)
    if math.isnan(value):
        return text
    return f"{'+' if value > 0 else '−'}{text}{suffix}"
