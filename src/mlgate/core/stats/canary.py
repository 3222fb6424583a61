"""The canary's measurements: the two variants are different requests in the same window,
so every interval is unpaired.

- **error rate**: Newcombe's hybrid score interval for the difference of two proportions
  (:func:`mlgate.core.stats.unpaired.newcombe`), Wilson's for the canary's own rate.
- **latency quantiles**: from histogram bucket counts (Prometheus's ``_bucket`` series,
  or raw values binned at the pooled sample's quantiles), a multinomial bootstrap of each
  variant's counts independently, each redraw's quantile interpolated linearly inside its
  bucket as Prometheus's ``histogram_quantile`` does; the percentile interval of the
  redraws' differences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlgate.core.canary import Measurement
from mlgate.core.interval import Interval
from mlgate.core.stats.intervals import percentile_interval
from mlgate.core.stats.unpaired import newcombe, wilson

Array = Any
RAW_BINS = 2048  # bins for raw values: the pooled sample's quantiles
# A quantile's bootstrap interval is too narrow when few observations lie beyond it: each
# variant needs TAIL of them (p95: 200 requests, p99: 1,000) before it is judged.
TAIL = 10
# Below this many requests a variant's error rate is not judged: a score interval on a
# handful of requests rejects too often when a canary is polled again and again.
MIN_REQUESTS = 100


@dataclass(frozen=True, kw_only=True)
class Histogram:
    """Cumulative bucket counts as Prometheus keeps them: ``bounds`` ascending upper bounds
    (the last is +Inf), ``cumulative`` the count at or below each."""

    bounds: tuple[float, ...]
    cumulative: tuple[float, ...]

    @property
    def total(self) -> int:
        return round(self.cumulative[-1]) if self.cumulative else 0

    def counts(self) -> Array:
        """Per-bucket counts, rounded (``increase()`` extrapolates to fractions)."""
        cum = np.rint(np.asarray(self.cumulative, dtype=float))
        return np.diff(np.concatenate([[0.0], cum])).clip(min=0).astype(np.int64)


def error_rate(
    stable: tuple[int, int], canary: tuple[int, int], *, confidence: float
) -> Measurement:
    """``(errors, requests)`` per variant → the error rate's change."""
    (e_s, n_s), (e_c, n_c) = stable, canary
    if n_c <= 0 or n_s <= 0:
        side = "canary" if n_c <= 0 else "stable version"
        return Measurement(
            name="error_rate", n_stable=n_s, n_canary=n_c, missing=f"no traffic to the {side}"
        )
    if min(n_s, n_c) < MIN_REQUESTS:
        return _too_few("error_rate", n_s, n_c, MIN_REQUESTS, "for the score intervals to hold")
    low, high = wilson(e_c, n_c, confidence=confidence)
    rate = e_c / n_c
    return Measurement(
        name="error_rate",
        stable=e_s / n_s,
        canary=rate,
        interval=newcombe((e_c, n_c), (e_s, n_s), at=0.0, confidence=confidence),
        value_interval=Interval(low=low, high=high, confidence=confidence, method="Wilson"),
        n_stable=n_s,
        n_canary=n_c,
        method="Newcombe (Wilson), unpaired",
    )


def raw_histograms(stable: Array, canary: Array) -> tuple[Histogram, Histogram]:
    """Both variants' raw values counted into shared buckets: the pooled sample's
    quantiles (at most ``RAW_BINS``), so each bucket holds a sliver of the data."""
    pooled = np.sort(np.concatenate([stable, canary]))
    edges = np.unique(np.quantile(pooled, np.linspace(0, 1, RAW_BINS + 1)[1:]))
    bounds = (*edges.tolist()[:-1], math.inf)

    def counted(values: Array) -> Histogram:
        cum = np.searchsorted(np.sort(values), edges[:-1], side="right").tolist()
        return Histogram(bounds=bounds, cumulative=(*map(float, cum), float(len(values))))

    return counted(stable), counted(canary)


def quantile(hist: Histogram, q: float) -> tuple[float, bool]:
    """``histogram_quantile(q)`` of one histogram, and whether it fell in the +Inf bucket
    (then the value is the highest finite bound: a lower bound on the truth)."""
    values, censored = _quantiles(hist, hist.counts()[None, :], q)
    return float(values[0]), bool(censored[0])


def _quantiles(hist: Histogram, counts: Array, q: float) -> tuple[Array, Array]:
    bounds = np.asarray(hist.bounds, dtype=float)
    finite = bounds[np.isfinite(bounds)]
    top = float(finite[-1]) if len(finite) else 0.0
    lower = np.concatenate([[min(0.0, bounds[0])], bounds[:-1]])
    cum = np.cumsum(counts, axis=1)
    total = cum[:, -1]
    target = q * total
    index = np.argmax(cum >= target[:, None], axis=1)
    rows = np.arange(len(counts))
    before = np.where(index > 0, cum[rows, np.maximum(index - 1, 0)], 0)
    inside = counts[rows, index]
    share = np.where(inside > 0, (target - before) / np.maximum(inside, 1), 1.0)
    upper = bounds[index]
    censored = ~np.isfinite(upper)
    value = np.where(
        censored, top, lower[index] + share * (np.where(censored, 0, upper) - lower[index])
    )
    return value, censored


def latency(
    name: str,
    q: float,
    stable: Histogram,
    canary: Histogram,
    *,
    confidence: float,
    resamples: int,
    rng: Any,
    points: tuple[float, float] | None = None,
) -> Measurement:
    """The ``q`` quantile's change, canary − stable. ``points`` replaces the point
    estimates (raw values' exact quantiles) while the interval comes from the buckets."""
    n_s, n_c = stable.total, canary.total
    if n_c <= 0 or n_s <= 0:
        side = "canary" if n_c <= 0 else "stable version"
        return Measurement(
            name=name, n_stable=n_s, n_canary=n_c, missing=f"no traffic to the {side}"
        )
    floor = tail_floor(q)
    if min(n_s, n_c) < floor:
        return _too_few(name, n_s, n_c, floor, f"so that {TAIL:g} fall beyond its {name}")
    (p_s, cen_s), (p_c, cen_c) = quantile(stable, q), quantile(canary, q)
    draws_s, out_s = _redraws(stable, q, resamples, rng)
    draws_c, out_c = _redraws(canary, q, resamples, rng)
    if points is not None:
        p_s, p_c = points
    interval = percentile_interval(
        draws_c - draws_s, confidence, "multinomial bootstrap", resamples
    )
    own = percentile_interval(draws_c, confidence, "multinomial bootstrap", resamples)
    censored_c, censored_s = (
        cen_c or bool(out_c.mean() > (1 - confidence) / 2),
        cen_s or bool(out_s.mean() > (1 - confidence) / 2),
    )
    censored = "canary" if censored_c else ("stable" if censored_s else None)
    if censored_c and censored_s:
        return Measurement(
            name=name,
            n_stable=n_s,
            n_canary=n_c,
            missing=f"both variants' {name} lie beyond the highest histogram bucket "
            f"(le={_top(stable)}): add buckets above it",
        )
    return Measurement(
        name=name,
        stable=p_s,
        canary=p_c,
        interval=interval,
        value_interval=own,
        n_stable=n_s,
        n_canary=n_c,
        censored=censored,
        method=(
            f"multinomial bootstrap over {len(stable.bounds)} buckets, unpaired, "
            "linear interpolation inside a bucket"
        ),
    )


def _too_few(name: str, n_s: int, n_c: int, floor: int, why: str) -> Measurement:
    side = "canary" if n_c < floor else "stable version"
    wanting = max(floor - n_c, 0) + max(floor - n_s, 0)
    return Measurement(
        name=name,
        n_stable=n_s,
        n_canary=n_c,
        missing=f"too little traffic to the {side} to judge {name}: {min(n_s, n_c):,} requests, "
        f"at least {floor:,} needed {why}",
        wanting=wanting,
    )


def tail_floor(q: float) -> int:
    """The fewest requests a variant needs for its ``q`` quantile to be judged."""
    return math.ceil(TAIL / min(q, 1 - q) - 1e-9)


def _redraws(hist: Histogram, q: float, resamples: int, rng: Any) -> tuple[Array, Array]:
    counts = hist.counts()
    n = int(counts.sum())
    drawn = rng.multinomial(n, counts / n, size=resamples)
    return _quantiles(hist, drawn, q)


def _top(hist: Histogram) -> str:
    finite = [b for b in hist.bounds if math.isfinite(b)]
    return f"{finite[-1]:g}" if finite else "none"
