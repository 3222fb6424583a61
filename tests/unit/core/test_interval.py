"""Intervals and numbers as the verdict stores them: non-finite values survive the JSON
round trip as strings (the file stays standard JSON), and the normal-approximation
helpers behave at their edges."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgate.core.interval import Interval, normal_p_value, z_value
from mlgate.core.numbers import decode_number, decode_required, encode_number


@pytest.mark.parametrize(
    ("value", "encoded"),
    [(1.5, 1.5), (None, None), (math.nan, "NaN"), (math.inf, "Infinity"), (-math.inf, "-Infinity")],
)
def test_non_finite_numbers_are_written_as_strings(value: float | None, encoded: object) -> None:
    assert encode_number(value) == encoded
    back = decode_number(encode_number(value))  # type: ignore[arg-type]
    assert back == value or (value is not None and math.isnan(value) and math.isnan(back or 0))


def test_a_required_number_cannot_be_missing() -> None:
    assert decode_required("Infinity") == math.inf
    with pytest.raises(ValueError, match="a number is required here"):
        decode_required(None)  # type: ignore[arg-type]


def test_an_unknown_string_is_not_a_number() -> None:
    with pytest.raises(KeyError):
        decode_number("nan")


@given(
    low=st.floats(allow_nan=True, allow_infinity=True),
    high=st.floats(allow_nan=True, allow_infinity=True),
    p=st.one_of(st.none(), st.floats(min_value=0, max_value=1)),
    resamples=st.one_of(st.none(), st.integers(min_value=1, max_value=10**6)),
)
def test_an_interval_survives_standard_json(
    low: float, high: float, p: float | None, resamples: int | None
) -> None:
    interval = Interval(
        low=low, high=high, confidence=0.95, method="bootstrap", resamples=resamples, p_value=p
    )
    text = json.dumps(interval.to_dict(), allow_nan=False)
    again = Interval.from_dict(json.loads(text))
    for a, b in ((again.low, low), (again.high, high)):
        assert a == b or (math.isnan(a) and math.isnan(b))
    assert (again.p_value, again.resamples, again.method) == (p, resamples, "bootstrap")


@pytest.mark.parametrize(("confidence", "z"), [(0.95, 1.959964), (0.8, 1.281552), (0.99, 2.575829)])
def test_z_values(confidence: float, z: float) -> None:
    assert z_value(confidence) == pytest.approx(z, abs=1e-6)


def test_p_values_at_the_edges() -> None:
    assert normal_p_value(0.0, 1.0) == 1.0
    assert normal_p_value(1.959964, 1.0) == pytest.approx(0.05, abs=1e-6)
    assert normal_p_value(-1.959964, 1.0) == pytest.approx(0.05, abs=1e-6)
    assert normal_p_value(0.3, 0.0) == 0.0, "no spread and a change: certain"
    assert normal_p_value(0.0, 0.0) == 1.0, "no spread and no change: nothing to see"
