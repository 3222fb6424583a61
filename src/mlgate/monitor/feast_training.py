"""Point-in-time correctness of a training table against a Feast repository: each row's
feature values against the offline values at the row's own time
(``get_historical_features``, created-time filtered where the store can). A value that
differs and equals one of the key's *later* offline values is leakage — the table was
joined on the latest value, not the one known then — and fails by default
(skew.feast.fail_leakage); other differences gate as skew.max_mismatch says."""

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
    equal,
    hide_keys,
    nanoseconds,
    sampled,
    shown_keys,
    spent,
)

_LATER = "mlgate_later_at"
_AT = "mlgate_row_at"


def training_consistency(
    *,
    repo: Path,
    training: Path,
    skew: SkewSettings,
    significance: Significance,
    model: str | None,
    label: str | None = None,
) -> DriftReport:
    from mlgate.files.frames import read_frame, times_of

    settings = skew.feast
    moment = datetime.now(timezone.utc).replace(microsecond=0)
    frame = read_frame(training, role="training table")
    times = times_of(frame, settings.timestamp, path=training, option="skew.feast.timestamp")
    store = FeastStore(repo)
    started = time.perf_counter()
    views = store.views(settings.selection, columns=set(map(str, frame.columns)))
    frame = frame.assign(**{TIME: times})
    rows: list[Mismatch] = []
    checked = 0
    for view in views:
        columns = _columns(view, frame)
        if not columns:
            continue
        _no_missing_keys(frame, view, training)
        table = sampled(
            store.typed_keys(view, frame, path=training), view.join_keys, settings.sample
        )
        checked = max(checked, len(table))
        rows += _view_rows(store, view, table, columns, tolerance=skew.tolerance, end=moment)
    if not rows:
        names = ", ".join(f"{v.name}:{f}" for v in views for f in v.features)
        raise InputError(
            f"{training}: no column for any feature compared ({names[:200]}); name them "
            "FEATURE or VIEW__FEATURE"
        )
    if not settings.show_keys:
        rows = [hide_keys(m) for m in rows]
    return DriftReport(
        kind=Kind.SKEW,
        reference=DataSide(label=f"{repo} offline store ({store.offline_kind})", rows=checked),
        current=DataSide(label=label or str(training), rows=checked),
        features=(),
        mismatches=tuple(sorted(rows, key=lambda m: (-m.leaked, -m.share, m.feature))),
        key=", ".join(dict.fromkeys(k for v in views for k in v.join_keys)),
        max_mismatch=skew.max_mismatch,
        mismatch_fails=skew.fail,
        mode=significance.mode.value,
        confidence=significance.confidence,
        leakage_fails=settings.fail_leakage,
        settings={
            "feast": {
                "check": "training",
                "repo": str(repo),
                "training": label or str(training),
                "timestamp": settings.timestamp,
                "sample": settings.sample,
                "rows": checked,
                "tolerance": skew.tolerance,
                "seconds": spent(store, started),
                "created_filter": store.filters_created,
            }
        },
        model=model,
        created_at=moment.isoformat(),
    )


def _no_missing_keys(frame: Any, view: View, path: Path) -> None:
    for key in view.join_keys:
        if frame[key].isna().any():
            row = int(frame[key].isna().to_numpy().nonzero()[0][0])
            raise InputError(f"{path}: column {key}: row {row + 2} has no key")


def _columns(view: View, frame: Any) -> dict[str, str]:
    """Each of the view's features found in the table: ``VIEW__FEATURE``, else ``FEATURE``."""
    found = {}
    for feature in view.features:
        for name in (view.column(feature), feature):
            if name in frame.columns:
                found[feature] = name
                break
    return found


def _view_rows(
    store: FeastStore,
    view: View,
    table: Any,
    columns: dict[str, str],
    *,
    tolerance: float,
    end: datetime,
) -> list[Mismatch]:
    import numpy as np

    keys = list(view.join_keys)
    entity = table[keys].assign(**{TIME: table[TIME], ROW: np.arange(len(table))})
    offline = store.historical(view, entity)
    history = store.history(view, start=table[TIME].min().to_pydatetime(), end=end)
    pairs = {
        feature: Pair(
            left=table[column].to_numpy(),
            right=offline[view.column(feature)].to_numpy(),
            numeric=feature in view.numeric,
        )
        for feature, column in columns.items()
    }
    differing = {f: ~p.same(tolerance) & (p.left_has | p.right_has) for f, p in pairs.items()}
    leaked = _leaked(table, view, pairs, differing, history=history, tolerance=tolerance)
    out = []
    for feature, pair in pairs.items():
        differ, leak = differing[feature], leaked[feature]
        smape, largest = pair.differences(pair.left_has & pair.right_has)
        out.append(
            Mismatch(
                feature=view.ref(feature),
                compared=int((pair.left_has | pair.right_has).sum()),
                differing=int(differ.sum()),
                examples=shown_keys(table, view.join_keys, np.flatnonzero(differ & ~leak)),
                missing_online=int((~pair.left_has & pair.right_has).sum()),
                missing_offline=int((pair.left_has & ~pair.right_has & ~leak).sum()),
                leaked=int(leak.sum()),
                leak_examples=shown_keys(table, view.join_keys, np.flatnonzero(leak)),
                smape=smape,
                max_abs_diff=largest,
            )
        )
    return out


def _leaked(
    table: Any,
    view: View,
    pairs: dict[str, Pair],
    differing: dict[str, Any],
    *,
    history: Any,
    tolerance: float,
) -> dict[str, Any]:
    """For each feature, the differing rows whose value equals an offline value of the same
    key from after the row's time (one join of those rows with the key's later rows)."""
    import numpy as np

    leaked = {f: np.zeros(len(table), dtype=bool) for f in pairs}
    suspect = np.zeros(len(table), dtype=bool)
    for feature, pair in pairs.items():
        suspect |= differing[feature] & pair.left_has
    rows = np.flatnonzero(suspect)
    if not len(rows) or not len(history):
        return leaked
    keys = list(view.join_keys)
    at = nanoseconds(table[TIME])
    candidates = table.iloc[rows][keys].assign(**{ROW: rows, _AT: at[rows]})
    later = history[[*keys, *pairs]].assign(**{_LATER: nanoseconds(history[TIME])})
    joined = candidates.merge(later, on=keys, how="inner")
    joined = joined[joined[_LATER].to_numpy() > joined[_AT].to_numpy()]
    row_of = joined[ROW].to_numpy()
    for feature, pair in pairs.items():
        mine = differing[feature][row_of] & pair.left_has[row_of]
        if not mine.any():
            continue
        same = equal(
            pair.left[row_of[mine]],
            joined[feature].to_numpy()[mine],
            numeric=pair.numeric,
            tolerance=tolerance,
        )
        leaked[feature][row_of[mine][same]] = True  # repeated rows: set twice
    return leaked
