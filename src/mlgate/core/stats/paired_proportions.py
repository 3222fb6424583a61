"""Intervals for the difference of two proportions measured on the same examples, with
correct coverage when the two models rarely or never disagree.

The bootstrap cannot show uncertainty about disagreements it never observed: two models
right on the same 54 of 54 examples give Δ accuracy = 0 with a bootstrap interval [0, 0],
although 54 examples cannot rule out a true difference of several points. Here:

- **accuracy, recall, micro averages** (a share of a fixed set of examples): Newcombe's
  score interval for paired proportions (his method 10, Stat. Med. 1998;17:2635), from the
  two Wilson intervals and the φ correlation of the paired 2×2 table. With 0 discordant
  pairs in 54 it gives about ±0.066. Its p-value is the exact McNemar test on the
  discordant pairs.
- **precision** (a share of each model's *own* predicted positives, so not one 2×2 table):
  the same recovery of the two Wilson limits (MOVER, Zou & Donner 2008), with the
  correlation of the two precisions taken from the multinomial bootstrap; its p-value is
  the bootstrap's.

``benchmarks/interval_coverage.py`` measures their coverage against the bootstrap's.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from mlgate.core.interval import Interval
from mlgate.core.stats.unpaired import wilson

Array = Any
NEWCOMBE = "Newcombe (paired score)"
MOVER = "MOVER (Wilson, paired)"
_EXACT_UP_TO = 1_000  # discordant pairs; beyond, McNemar's normal approximation


def newcombe_paired(
    both: int, only_candidate: int, only_baseline: int, neither: int, *, confidence: float
) -> Interval:
    """Δ = p_candidate − p_baseline from the paired table: right on ``both``, only the
    candidate right, only the baseline right, ``neither`` right."""
    a, b, c, d = both, only_candidate, only_baseline, neither
    n = a + b + c + d
    if n == 0:
        return Interval(low=-1.0, high=1.0, confidence=confidence, method=NEWCOMBE, p_value=1.0)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    # Newcombe's φ with its continuity correction: a positive association is shrunk by
    # n/2, so that few examples with no disagreement are not read as certainty.
    association = float(a * d - b * c)
    if association > 0:
        association = max(association - n / 2, 0.0)
    phi = association / math.sqrt(margins) if margins > 0 else 0.0
    low, high = mover(
        ((a + b) / n, wilson(a + b, n, confidence=confidence)),
        ((a + c) / n, wilson(a + c, n, confidence=confidence)),
        correlation=phi,
    )
    return Interval(
        low=low,
        high=high,
        confidence=confidence,
        method=NEWCOMBE,
        p_value=mcnemar_exact(b, c),
    )


def mover(
    first: tuple[float, tuple[float, float]],
    second: tuple[float, tuple[float, float]],
    *,
    correlation: float,
) -> tuple[float, float]:
    """The interval for p₁ − p₂ recovered from each proportion's own interval (estimate,
    (low, high)) and their correlation."""
    p1, (l1, u1) = first
    p2, (l2, u2) = second
    r = min(1.0, max(-1.0, correlation)) if math.isfinite(correlation) else 0.0
    delta = p1 - p2
    below = (p1 - l1) ** 2 - 2 * r * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2
    above = (u1 - p1) ** 2 - 2 * r * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2
    return (
        max(-1.0, delta - math.sqrt(max(below, 0.0))),
        min(1.0, delta + math.sqrt(max(above, 0.0))),
    )


def mcnemar_exact(only_candidate: int, only_baseline: int) -> float:
    """Two-sided exact McNemar p-value: the discordant pairs against a fair coin."""
    m = only_candidate + only_baseline
    if m == 0:
        return 1.0
    k = min(only_candidate, only_baseline)
    if m > _EXACT_UP_TO:  # the binomial is normal there; continuity-corrected
        z = (abs(only_candidate - only_baseline) - 1) / math.sqrt(m)
        return min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2)))
    tail = Fraction(sum(math.comb(m, i) for i in range(k + 1)), 2**m)
    return min(1.0, float(2 * tail))


def ratio_interval(
    candidate: tuple[int, int],
    baseline: tuple[int, int],
    *,
    draws: tuple[Array, Array],
    confidence: float,
    p_value: float | None,
) -> Interval:
    """Δ of two shares of different denominators on the same examples (precision):
    ``(successes, trials)`` per model, and each model's bootstrap draws for the
    correlation."""
    (x1, n1), (x2, n2) = candidate, baseline
    p1 = x1 / n1 if n1 else 0.0
    p2 = x2 / n2 if n2 else 0.0
    low, high = mover(
        (p1, wilson(x1, n1, confidence=confidence)),
        (p2, wilson(x2, n2, confidence=confidence)),
        correlation=_correlation(*draws),
    )
    return Interval(low=low, high=high, confidence=confidence, method=MOVER, p_value=p_value)


def _correlation(first: Array, second: Array) -> float:
    first, second = np.asarray(first, float), np.asarray(second, float)
    if np.array_equal(first, second):
        return 1.0
    if first.std() == 0 or second.std() == 0:
        return 0.0
    return float(np.corrcoef(first, second)[0, 1])


def table_from_cube(cube: Array, *, label: int | None = None) -> tuple[int, int, int, int]:
    """The paired table of correctness from the joint counts ``cube[label, candidate,
    baseline]``: over every example, or over the examples of one ``label`` (recall)."""
    k = cube.shape[0]
    rows = range(k) if label is None else (label,)
    a = b = c = 0
    total = 0
    for truth in rows:
        plane = cube[truth]
        total += int(plane.sum())
        a += int(plane[truth, truth])
        b += int(plane[truth, :].sum() - plane[truth, truth])
        c += int(plane[:, truth].sum() - plane[truth, truth])
    return a, b, c, total - a - b - c
