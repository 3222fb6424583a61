"""The online check's classes, on plain arrays: every key × feature gets exactly one, in the
documented order; a value is expected only when it is the offline value at its own time."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.core.drift_settings import FeastSettings, SkewSettings
from mlgate.monitor.feast_compare import Pair
from mlgate.monitor.feast_online import (
    ABSENT,
    LAG,
    MISMATCH,
    MISSING_OFFLINE,
    MISSING_ONLINE,
    SAME,
    STALE,
    TTL,
    _classify,
)

NOW = 1_000_000.0
DAY = 86_400.0


def classify(online: list[Any], offline: list[Any], online_at: list[float], newest_at: list[float],
             then: list[Any] | None = None, *, ttl: float | None = DAY, max_lag: float = 3600) -> list[int]:  # fmt: skip
    pair = Pair(left=np.array(online, dtype=object), right=np.array(offline, dtype=object),
                numeric=True)  # fmt: skip
    values = np.array(then if then is not None else online, dtype=object)
    return list(
        _classify(
            pair,
            online_at=np.array(online_at, dtype=float),
            newest_at=np.array(newest_at, dtype=float),
            at_own_time=lambda rows: values[rows],
            moment=NOW,
            ttl=ttl,
            skew=SkewSettings(feast=FeastSettings(max_lag=max_lag)),
        )
    )


def test_each_class_on_its_case() -> None:
    nan = float("nan")
    found = classify(
        online=[1.0, None, 1.0, 2.0, 2.0, 2.0, None, None, 5.0, 1.0],
        offline=[1.0, None, 1.5, 3.0, 3.0, None, 4.0, 4.0, None, 1.0 + 1e-9],
        online_at=[NOW - 10, nan, NOW - 10, NOW - 1800, NOW - 7200, NOW - 2 * DAY, nan, nan,
                   NOW - 60, NOW - 10],
        newest_at=[NOW - 10, nan, NOW - 10, NOW - 10, NOW - 10, NOW - 2 * DAY, NOW - 600,
                   NOW - DAY / 2, nan, NOW - 10],
    )  # fmt: skip
    assert found == [SAME, ABSENT, MISMATCH, LAG, STALE, TTL, LAG, MISSING_ONLINE,
                     MISSING_OFFLINE, SAME]  # fmt: skip


def test_a_lagging_value_that_was_never_the_offline_one_is_a_mismatch() -> None:
    found = classify(online=[2.0, 2.0], offline=[3.0, 3.0], online_at=[NOW - 60, NOW - 60],
                     newest_at=[NOW - 10, NOW - 10], then=[2.0, 2.5])  # fmt: skip
    assert found == [LAG, MISMATCH]


values = st.one_of(st.none(), st.floats(-5, 5, allow_nan=False))
times = st.one_of(st.just(float("nan")), st.floats(NOW - 5 * DAY, NOW))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(values, values, times, times, values), min_size=1, max_size=30),
       st.one_of(st.none(), st.floats(60, 3 * DAY)), st.floats(0, 2 * DAY))  # fmt: skip
def test_every_cell_gets_one_class_and_expected_ones_match_at_their_own_time(
    rows: list[tuple[Any, ...]], ttl: float | None, max_lag: float
) -> None:
    online, offline, online_at, newest_at, then = map(list, zip(*rows, strict=True))
    online_at = [t if v is not None else float("nan") for v, t in zip(online, online_at, strict=True)]  # fmt: skip
    found = classify(online, offline, online_at, newest_at, then, ttl=ttl, max_lag=max_lag)
    assert all(c in range(8) for c in found)
    for c, on, off, then_value in zip(found, online, offline, then, strict=True):
        if c == ABSENT:
            assert on is None and off is None
        if c in (TTL, LAG, STALE) and on is not None:
            assert then_value is not None and abs(then_value - on) <= 1e-6 * abs(on)
        if c == MISSING_ONLINE:
            assert on is None and off is not None
        if c == SAME:
            assert (on is None) == (off is None)


def test_times_in_any_unit_or_zone_are_the_same_seconds() -> None:
    import pandas as pd

    from mlgate.monitor.feast_compare import nanoseconds, seconds

    utc = pd.Series(pd.to_datetime(["2026-12-07T10:00:00Z", None], utc=True))
    expected = pd.Timestamp("2026-12-07T10:00:00Z").timestamp()
    for times in (utc.dt.as_unit("us"), utc.dt.as_unit("ns"), utc.dt.tz_localize(None)):
        found = seconds(times)
        assert found[0] == expected and np.isnan(found[1])
        assert nanoseconds(times[:1])[0] == int(expected) * 10**9
