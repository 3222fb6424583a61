"""Escaping user text for Markdown and terminals, and formatting numbers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgate.report.text import clean, md, md_code, number, number_pair, signed


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("accuracy", "accuracy"),
        ("eval.f1-macro", "eval.f1-macro"),
        ("a|b", "a\\|b"),
        ("<img src=x onerror=alert(1)>", "\\<img src\\=x onerror\\=alert\\(1\\)\\>"),
        ("**bold** _it_ `code`", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\`"),
        ("[link](http://evil)", "\\[link\\]\\(http\\://evil\\)"),
        ("line1\nline2\r\tx", "line1 line2  x"),
        ("@octocat", "@\u200boctocat"),
        ("fixes #12", "fixes \\#\u200b12"),
        ("$x^2$", "\\$x\\^2\\$"),
        ("&amp;", "\\&amp;"),
        ("\u202egnp.exe", "gnp.exe"),
        ("\x1b[31mred", "\\[31mred"),
    ],
)
def test_md_escapes(raw: str, escaped: str) -> None:
    assert md(raw) == escaped


def test_md_limits_length() -> None:
    assert md("x" * 500, limit=10) == "xxxxxxxxx…"


@pytest.mark.parametrize(
    ("raw", "code"),
    [("abc", "`abc`"), ("a`b", "``a`b``"), ("`x`", "`` `x` ``"), ("a|b", "`a¦b`"), ("", "` `")],
)
def test_md_code(raw: str, code: str) -> None:
    assert md_code(raw) == code


def test_clean_strips_terminal_control_sequences() -> None:
    assert clean("ok\x1b]8;;http://x\x07link") == "ok ]8;;http://x link"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (math.nan, "NaN"),
        (math.inf, "∞"),
        (-math.inf, "−∞"),
        (0.0, "0"),
        (0.91234, "0.9123"),
        (0.9, "0.9"),
        (-0.0123, "−0.0123"),
        (38.2, "38.2"),
        (12345.678, "12,346"),
        (1e-7, "1.000e−07"),
        (2.5e16, "2.500e+16"),
        (1.0, "1"),
    ],
)
def test_number(value: float | None, text: str) -> None:
    assert number(value) == text


def test_number_pair_shows_enough_digits_to_differ() -> None:
    assert number_pair(0.912341, 0.912349) == ("0.91234", "0.91235")
    assert number_pair(0.9123401, 0.9123402) == ("0.9123401", "0.9123402")
    assert number_pair(0.9, 0.9) == ("0.9", "0.9")
    assert number_pair(None, 0.5) == ("—", "0.5")


@pytest.mark.parametrize(
    ("value", "suffix", "text"),
    [
        (0.0123, "", "+0.0123"),
        (-1.5, "%", "−1.5%"),
        (0.0, "%", "0%"),
        (None, "", "—"),
        (math.nan, "", "NaN"),
    ],
)
def test_signed(value: float | None, suffix: str, text: str) -> None:
    assert signed(value, suffix=suffix) == text


@given(st.text(alphabet="0123456789.,; —abc ", min_size=1, max_size=300), st.integers(5, 120))
def test_shortened_text_fits_and_never_ends_inside_a_number(text: str, limit: int) -> None:
    shown = clean(text, limit=limit)
    assert len(shown) <= limit
    if shown.endswith(" …"):  # cut at a clause or a word, not inside one
        kept = shown[: -len(" …")]
        rest = clean(text)[len(kept) :]
        assert clean(text).startswith(kept)
        assert not (kept[-1:].isdigit() and rest[:1].isdigit())
