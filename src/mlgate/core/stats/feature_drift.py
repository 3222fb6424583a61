"""One feature's reference and current samples → the drift measures (no thresholds here).

Missing values are a bin of their own in PSI and a category of their own in chi-squared
and Jensen–Shannon, so a feature that starts arriving empty drifts; KS compares the values
that are present.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mlgate.core.drift import Measured
from mlgate.core.stats.distance import (
    TestResult,
    bin_counts,
    chi_squared,
    jensen_shannon,
    kolmogorov_smirnov,
    psi,
    quantile_edges,
    uniform_edges,
)

Array = Any
MISSING = "(missing)"


def measure_numeric(reference: Array, current: Array, *, bins: int, binning: str) -> Measured:
    """``reference`` and ``current``: float arrays, NaN where a value is missing; both are
    sorted in place (pass copies you may lose)."""
    ref, ref_missing = _present_sorted(reference)
    cur, cur_missing = _present_sorted(current)
    ks = kolmogorov_smirnov(ref, cur)
    if binning == "uniform":
        edges = uniform_edges(ref, cur, bins or None)
    else:
        edges = quantile_edges(ref, bins or 10)
    return measured_numeric(
        ks,
        (bin_counts(ref, edges), ref_missing, len(ref)),
        (bin_counts(cur, edges), cur_missing, len(cur)),
        summaries=(median_text(ref), median_text(cur)),
    )


def measured_numeric(
    ks: TestResult,
    reference: tuple[Array, int, int],
    current: tuple[Array, int, int],
    *,
    summaries: tuple[str, str],
) -> Measured:
    """The measures from what they derive from — the KS test, and per side the bin counts,
    the missing count and the present count — however those were counted (in memory, or
    streamed: monitor/streamed.py)."""
    ref_counts, ref_missing, ref_present = reference
    cur_counts, cur_missing, cur_present = current
    p_value, test = ks.p_value, "ks"
    if ref_missing or cur_missing:
        ref_counts = np.append(ref_counts, ref_missing)
        cur_counts = np.append(cur_counts, cur_missing)
        # Did the share of missing values change? Chi-squared on present/missing, and
        # Bonferroni for the two tests ("same distribution" and "same missing share").
        gaps = chi_squared(
            np.array([ref_present, ref_missing]), np.array([cur_present, cur_missing])
        ).p_value
        p_value, test = min(1.0, 2 * min(ks.p_value, gaps)), "ks+missing"
    return Measured(
        psi=psi(ref_counts, cur_counts) if ref_present and cur_present else float("nan"),
        distance=ks.statistic,
        p_value=p_value,
        test=test,
        statistic=ks.statistic,
        reference_rows=ref_present,
        current_rows=cur_present,
        reference_missing=_share(ref_missing, ref_present + ref_missing),
        current_missing=_share(cur_missing, cur_present + cur_missing),
        reference_summary=summaries[0],
        current_summary=summaries[1],
        cells=len(ref_counts),
    )


def _present_sorted(values: Array) -> tuple[Array, int]:
    missing = np.isnan(values)
    if missing.any():
        values = values[~missing]
    values.sort()
    return values, int(missing.sum())


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def median_text(sorted_values: Array) -> str:
    if not len(sorted_values):
        return ""
    middle = len(sorted_values) // 2
    median = sorted_values[middle]
    if len(sorted_values) % 2 == 0:
        median = (sorted_values[middle - 1] + median) / 2
    return f"median {float(median):.4g}"


def measure_categorical(reference: tuple[Array, Array], current: tuple[Array, Array]) -> Measured:
    """Each side as (categories, codes into them, -1 where missing)."""
    return measured_categorical(*aligned_counts(reference, current))


def measured_categorical(labels: list[Any], ref_counts: Array, cur_counts: Array) -> Measured:
    """The measures from counts per category over both sides' labels (``MISSING`` last)."""
    test = chi_squared(ref_counts, cur_counts)
    present = [i for i, label in enumerate(labels) if label is not MISSING]
    return Measured(
        psi=psi(ref_counts, cur_counts),
        distance=jensen_shannon(ref_counts, cur_counts),
        p_value=test.p_value,
        test="chi2",
        statistic=test.statistic,
        reference_rows=int(ref_counts[present].sum()),
        current_rows=int(cur_counts[present].sum()),
        reference_missing=_share(
            int(ref_counts.sum() - ref_counts[present].sum()), int(ref_counts.sum())
        ),
        current_missing=_share(
            int(cur_counts.sum() - cur_counts[present].sum()), int(cur_counts.sum())
        ),
        reference_summary=_top_text(labels, ref_counts),
        current_summary=_top_text(labels, cur_counts),
        cells=int(np.count_nonzero((ref_counts + cur_counts) > 0)),
    )


def aligned_counts(
    reference: tuple[Array, Array], current: tuple[Array, Array]
) -> tuple[list[Any], Array, Array]:
    """Counts per category over the union of both sides' categories (missing last)."""
    ref_categories, ref_codes = reference
    cur_categories, cur_codes = current
    ref_counts = np.bincount(ref_codes[ref_codes >= 0], minlength=len(ref_categories))
    cur_counts = np.bincount(cur_codes[cur_codes >= 0], minlength=len(cur_categories))
    labels: list[Any] = list(ref_categories)
    position = {label: i for i, label in enumerate(labels)}
    for label in cur_categories:
        if label not in position:
            position[label] = len(labels)
            labels.append(label)
    left = np.zeros(len(labels), dtype=np.int64)
    right = np.zeros(len(labels), dtype=np.int64)
    left[: len(ref_counts)] = ref_counts
    right[[position[label] for label in cur_categories]] = cur_counts
    ref_missing, cur_missing = int((ref_codes < 0).sum()), int((cur_codes < 0).sum())
    if ref_missing or cur_missing:
        labels.append(MISSING)
        left = np.append(left, ref_missing)
        right = np.append(right, cur_missing)
    return labels, left, right


def _top_text(labels: list[Any], counts: Array, *, top: int = 2) -> str:
    total = counts.sum()
    if not total:
        return ""
    best = np.argsort(-counts, kind="stable")[:top]
    return ", ".join(f"{labels[i]} {counts[i] / total:.0%}" for i in best if counts[i])
