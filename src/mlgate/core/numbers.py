"""Numbers in mlgate's JSON documents: non-finite values (a NaN metric, an undefined AUC)
are written as the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"``, so the files stay
standard JSON."""

from __future__ import annotations

import math

_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def encode_number(value: float | None) -> float | str | None:
    if value is None or math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def decode_number(value: float | str | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        return _NON_FINITE[value]
    return float(value)


def decode_required(value: float | str) -> float:
    decoded = decode_number(value)
    if decoded is None:
        raise ValueError("a number is required here")
    return decoded
