"""Online against offline in a Feast repository: for sampled entity keys, what the online
store serves now (``get_online_features``, with event times) against the point-in-time
offline value at the same moment (``get_historical_features``). Each key and feature is one
of:

- the same (within skew.tolerance), or absent on both sides (not counted);
- expected — an online value older than the view's TTL (Feast serves it: feast#6821), or an
  online value behind the newest offline one by at most skew.feast.max_lag that equals the
  offline value at its own event time (materialization lag);
- unexpected — behind by more than max_lag (stale), missing online or offline, or a different
  value (the offline value at the online value's own time differs too: a transformation bug).

The unexpected share per feature, with its Wilson interval, is what skew.max_mismatch gates.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mlgate.adapters.feast_store import ROW, TIME, FeastStore, View
from mlgate.core.drift import DataSide, DriftReport, Kind
from mlgate.core.drift_settings import SkewSettings
from mlgate.core.mismatch import Mismatch
from mlgate.core.significance import Significance
from mlgate.errors import InputError
from mlgate.monitor.feast_compare import (
    Pair,
    hide_keys,
    quantiles,
    sampled,
    seconds,
    shown_keys,
    spent,
)

# Each key × feature's class, assigned in this order (first match wins).
ABSENT, SAME, TTL, LAG, STALE, MISMATCH, MISSING_ONLINE, MISSING_OFFLINE = range(8)
_OPEN = -1


def online_consistency(
    *,
    repo: Path,
    entities: Path | None,
    skew: SkewSettings,
    significance: Significance,
    model: str | None,
    now: datetime | None = None,
) -> DriftReport:
    """The report: one Mismatch per feature, the worst first."""
    from mlgate.files.frames import read_frame

    settings = skew.feast
    moment = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    store = FeastStore(repo)
    started = time.perf_counter()
    frame = read_frame(entities, role="entity file") if entities is not None else None
    columns = set(map(str, frame.columns)) if frame is not None else None
    views = store.views(settings.selection, columns=columns)
    rows: list[Mismatch] = []
    keys_checked = 0
    for view in views:
        newest = store.latest(view, end=moment)
        keys = _keys(store, frame, view, newest, entities)
        keys = sampled(keys, view.join_keys, settings.sample)
        keys_checked = max(keys_checked, len(keys))
        if len(keys):
            rows += _view_mismatches(store, view, keys, newest, moment=moment, skew=skew)
    if not settings.show_keys:
        rows = [hide_keys(m) for m in rows]
    label = f"{repo} online store ({store.online_kind})"
    return DriftReport(
        kind=Kind.SKEW,
        reference=DataSide(label=f"{repo} offline store ({store.offline_kind})", rows=keys_checked),
        current=DataSide(label=label, rows=keys_checked),
        features=(),
        mismatches=tuple(sorted(rows, key=lambda m: (-m.share, -m.differing, m.feature))),
        key=", ".join(dict.fromkeys(k for v in views for k in v.join_keys)),
        max_mismatch=skew.max_mismatch,
        mismatch_fails=skew.fail,
        mode=significance.mode.value,
        confidence=significance.confidence,
        settings={
            "feast": {
                "check": "online",
                "repo": str(repo),
                "moment": moment.isoformat(),
                "entities": str(entities) if entities is not None else "the views' sources",
                "sample": settings.sample,
                "keys": keys_checked,
                "max_lag_seconds": settings.max_lag,
                "tolerance": skew.tolerance,
                "ttl_seconds": {v.name: v.ttl for v in views},
                "seconds": spent(store, started),
                "created_filter": _created_filter(store, views),
            }
        },
        model=model,
        created_at=moment.isoformat(),
    )


def _keys(store: FeastStore, frame: Any, view: View, newest: Any, entities: Path | None) -> Any:
    """The distinct keys of the entity file, else of the view's source."""
    if frame is None:
        return newest[list(view.join_keys)].drop_duplicates().reset_index(drop=True)
    missing = [k for k in view.join_keys if k not in frame.columns]
    if missing:
        raise InputError(
            f"{entities}: no join key column {missing[0]!r} for feature view {view.name}"
        )
    keys = frame[list(view.join_keys)]
    if keys.isna().any().any():
        column = str(keys.columns[keys.isna().any()][0])
        raise InputError(f"{entities}: column {column} has rows without a key")
    return store.typed_keys(view, keys, path=entities).drop_duplicates().reset_index(drop=True)


def _view_mismatches(
    store: FeastStore, view: View, keys: Any, newest: Any, *, moment: datetime, skew: SkewSettings
) -> list[Mismatch]:
    import numpy as np

    online = store.online(view, keys)
    entity = keys.assign(**{TIME: moment, ROW: np.arange(len(keys))})
    offline = store.historical(view, entity)
    latest = keys.merge(newest, on=list(view.join_keys), how="left")
    newest_at = seconds(latest[TIME])
    out = []
    for feature in view.features:
        column = view.column(feature)
        pair = Pair(
            left=online[column].to_numpy(dtype=object),
            right=offline[column].to_numpy(dtype=object),
            numeric=feature in view.numeric,
        )
        online_at = online[f"{column}__ts"].to_numpy(dtype=np.float64)
        online_at[online_at <= 0] = np.nan
        classes = _classify(
            pair,
            online_at=online_at,
            newest_at=newest_at,
            at_own_time=lambda rows, at=online_at, name=feature: _offline_at(
                store, view, keys, rows, at, feature=name
            ),
            moment=moment.timestamp(),
            ttl=view.ttl,
            skew=skew,
        )
        out.append(
            _mismatch(
                view, feature, pair, classes, keys=keys, online_at=online_at, newest_at=newest_at
            )
        )
    return out


def _classify(
    pair: Pair,
    *,
    online_at: Any,
    newest_at: Any,
    at_own_time: Any,
    moment: float,
    ttl: float | None,
    skew: SkewSettings,
) -> Any:
    import numpy as np

    tolerance, max_lag = skew.tolerance, skew.feast.max_lag
    on, off = pair.left_has, pair.right_has
    same = pair.same(tolerance)
    behind = newest_at - online_at
    with np.errstate(invalid="ignore"):
        lagging = on & (behind > 0)
        expired = on & (moment - online_at > ttl) if ttl else np.zeros(len(on), dtype=bool)
        fresh = moment - newest_at <= max_lag
    classes = np.full(len(on), _OPEN)
    _assign(classes, ~on & ~off, ABSENT)
    _assign(classes, same, SAME)
    # An online value behind the offline one, or past its TTL, is expected only if it is
    # the offline value at its own event time.
    check = (classes == _OPEN) & (lagging | expired)
    ok = np.zeros(len(on), dtype=bool)
    rows = np.flatnonzero(check)
    if len(rows):
        then = Pair(left=pair.left[rows], right=at_own_time(rows), numeric=pair.numeric)
        ok[rows] = then.same(tolerance)
    _assign(classes, check & ok & expired & ~off, TTL)
    with np.errstate(invalid="ignore"):
        _assign(classes, check & ok & lagging & (behind <= max_lag), LAG)
        _assign(classes, check & ok & lagging, STALE)
    _assign(classes, check, MISMATCH)
    _assign(classes, ~on & off & fresh, LAG)  # a new key not materialized yet
    _assign(classes, ~on & off, MISSING_ONLINE)
    _assign(classes, on & ~off, MISSING_OFFLINE)
    _assign(classes, classes == _OPEN, MISMATCH)
    return classes


def _assign(classes: Any, where: Any, value: int) -> None:
    classes[where & (classes == _OPEN)] = value


def _offline_at(
    store: FeastStore, view: View, keys: Any, rows: Any, at: Any, *, feature: str
) -> Any:
    """The offline value of ``feature`` at each row's online event time (no created-time
    filter: a row is usually created after its event time)."""
    import numpy as np
    import pandas as pd

    entity = keys.iloc[rows].reset_index(drop=True)
    entity = entity.assign(
        **{TIME: pd.to_datetime(at[rows], unit="s", utc=True), ROW: np.arange(len(rows))}
    )
    single = View(**{**view.__dict__, "features": (feature,), "created_column": None})
    return store.historical(single, entity)[view.column(feature)].to_numpy(dtype=object)


def _mismatch(
    view: View,
    feature: str,
    pair: Pair,
    classes: Any,
    *,
    keys: Any,
    online_at: Any,
    newest_at: Any,
) -> Mismatch:
    import numpy as np

    counts = np.bincount(classes, minlength=8)
    unexpected = np.isin(classes, (STALE, MISMATCH, MISSING_ONLINE, MISSING_OFFLINE))
    smape, largest = pair.differences(np.isin(classes, (SAME, MISMATCH)))
    behind = newest_at - online_at
    known = ~np.isnan(behind)
    return Mismatch(
        feature=view.ref(feature),
        compared=int(len(classes) - counts[ABSENT]),
        differing=int(unexpected.sum()),
        examples=shown_keys(keys, view.join_keys, np.flatnonzero(unexpected)),
        missing_online=int(counts[MISSING_ONLINE]),
        missing_offline=int(counts[MISSING_OFFLINE]),
        stale=int(counts[STALE]),
        expected_ttl=int(counts[TTL]),
        expected_lag=int(counts[LAG]),
        smape=smape,
        max_abs_diff=largest,
        staleness=quantiles(np.clip(behind[known], 0, None)),
    )


def _created_filter(store: FeastStore, views: list[View]) -> str:
    with_column = [v.name for v in views if v.created_column]
    if not with_column:
        return "no view has a created timestamp column"
    if store.filters_created:
        return "offline values filtered by their created timestamp"
    return (
        f"the {store.offline_kind} offline store does not filter by created timestamp: "
        "a backfilled value counts as known"
    )
