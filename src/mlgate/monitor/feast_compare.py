"""Value against value for the feature-store checks (feast_online.py, feast_training.py):
equality under skew.tolerance, SMAPE and the largest difference, the entity keys as text,
and the keys sampled by their hash."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mlgate.core.key_sample import chosen, key_text
from mlgate.core.mismatch import STALENESS_QUANTILES, Mismatch

EXAMPLES = 5
HIDDEN = "(hidden: skew.feast.show_keys is false)"


@dataclass(frozen=True, kw_only=True)
class Pair:
    """One feature's two sides, row for row: ``left`` is what is checked (served or trained
    on), ``right`` the offline value it should equal."""

    left: Any
    right: Any
    numeric: bool

    @property
    def left_has(self) -> Any:
        return _present(self.left)

    @property
    def right_has(self) -> Any:
        return _present(self.right)

    def same(self, tolerance: float) -> Any:
        """Equal within ``tolerance`` (relative, numbers), or missing on both sides."""
        return equal(self.left, self.right, numeric=self.numeric, tolerance=tolerance)

    def differences(self, rows: Any) -> tuple[float | None, float | None]:
        """SMAPE and the largest absolute difference over ``rows`` (numbers on both sides)."""
        import numpy as np

        if not self.numeric:
            return None, None
        a, b = _numbers(self.left)[rows], _numbers(self.right)[rows]
        both = ~(np.isnan(a) | np.isnan(b))
        a, b = a[both], b[both]
        if not len(a):
            return None, None
        scale = np.abs(a) + np.abs(b)
        terms = np.divide(2 * np.abs(a - b), scale, out=np.zeros_like(a), where=scale > 0)
        return float(terms.mean()), float(np.abs(a - b).max())


def equal(left: Any, right: Any, *, numeric: bool, tolerance: float) -> Any:
    import numpy as np

    if numeric:
        a, b = _numbers(left), _numbers(right)
        with np.errstate(invalid="ignore"):
            return np.isclose(a, b, rtol=tolerance, atol=0.0) | (np.isnan(a) & np.isnan(b))
    a_has, b_has = _present(left), _present(right)
    a_text = np.array([str(v) for v in left], dtype=object)
    b_text = np.array([str(v) for v in right], dtype=object)
    return (a_has & b_has & (a_text == b_text)) | (~a_has & ~b_has)


def _numbers(values: Any) -> Any:
    import numpy as np
    import pandas as pd

    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=np.float64)


def _present(values: Any) -> Any:
    import pandas as pd

    return pd.notna(pd.Series(values)).to_numpy()


def key_column(frame: Any, join_keys: tuple[str, ...]) -> Any:
    """Each row's key as text (key_sample.key_text)."""
    import numpy as np

    if len(join_keys) == 1:
        return np.array([str(v) for v in frame[join_keys[0]]], dtype=object)
    parts = zip(*(frame[k] for k in join_keys), strict=True)
    return np.array([key_text(p) for p in parts], dtype=object)


def shown_keys(frame: Any, join_keys: tuple[str, ...], rows: Any) -> tuple[str, ...]:
    """A few keys for the report: ``1001``, or ``driver_id=1001, customer_id=7``."""
    picked = frame.iloc[rows[:EXAMPLES]]
    if len(join_keys) == 1:
        return tuple(str(v) for v in picked[join_keys[0]])
    return tuple(
        ", ".join(f"{k}={v}" for k, v in zip(join_keys, row, strict=True))
        for row in picked[list(join_keys)].itertuples(index=False)
    )


def sampled(frame: Any, join_keys: tuple[str, ...], sample: float) -> Any:
    """The rows whose key the hash keeps (a key's rows together), in their order."""
    keys = key_column(frame, join_keys)
    kept = chosen(set(keys.tolist()), sample)
    import numpy as np

    mask = np.fromiter((k in kept for k in keys), dtype=bool, count=len(keys))
    return frame[mask].reset_index(drop=True)


def hide_keys(mismatch: Mismatch) -> Mismatch:
    """skew.feast.show_keys: false — the counts stay, the keys go."""
    return replace(
        mismatch,
        examples=(HIDDEN,) if mismatch.examples else (),
        leak_examples=(HIDDEN,) if mismatch.leak_examples else (),
    )


def quantiles(values: Any) -> tuple[tuple[str, float], ...]:
    """The staleness distribution: median, 90th, 99th percentile and the largest."""
    import numpy as np

    if not len(values):
        return ()
    points = np.quantile(values, [float(q) for q in STALENESS_QUANTILES])
    return tuple((q, float(p)) for q, p in zip(STALENESS_QUANTILES, points, strict=True))


def spent(store: Any, started: float) -> dict[str, float]:
    """Seconds in the online store, the offline store and the comparison (the rest)."""
    import time

    total = time.perf_counter() - started
    online, offline = store.seconds["online"], store.seconds["offline"]
    return {
        "online": round(online, 3),
        "offline": round(offline, 3),
        "compare": round(max(total - online - offline, 0.0), 3),
    }


def nanoseconds(times: Any) -> Any:
    """Times (any unit, naive taken as UTC) as int64 nanoseconds since the epoch; NaT as
    the smallest int64."""
    import numpy as np
    import pandas as pd

    stamps = pd.Series(pd.to_datetime(times, utc=True)).dt.as_unit("ns")
    return stamps.astype("int64").to_numpy(dtype=np.int64)


def seconds(times: Any) -> Any:
    """Times as float seconds since the epoch, NaN where there is none."""
    import numpy as np
    import pandas as pd

    stamps = pd.Series(pd.to_datetime(times, utc=True))
    out = nanoseconds(stamps) / 1e9
    out[stamps.isna().to_numpy()] = np.nan
    return out
