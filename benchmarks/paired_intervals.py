"""Paired intervals at scale: every metric with its 95% interval for 1,000,000 paired
binary-classification examples (with scores) and 1,000,000 regression rows, end to end
from Parquet files — against scipy.stats.bootstrap (paired, percentile, 1,000 resamples,
vectorized, batch=20) on the same accuracy difference, measured in the same run.

Targets (2-core machine): under 2 s in total, at least 20× faster than scipy on the same
metric, peak memory under 1 GB. mlgate's side runs in a child process so its peak resident
memory (pyarrow's buffers included) is measured on its own.

    .venv/bin/python benchmarks/paired_intervals.py [--rows 1000000] [--skip-scipy]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_TOTAL_S = 2.0
TARGET_RATIO = 20.0
TARGET_PEAK_MB = 1024.0


def write_data(folder: Path, rows: int) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    ids = np.arange(rows, dtype=np.int64)
    labels = rng.integers(0, 2, rows)
    baseline = np.clip(0.5 + 0.3 * (labels - 0.5) + rng.normal(0, 0.25, rows), 0, 1)
    candidate = np.clip(baseline + rng.normal(0, 0.05, rows), 0, 1)
    order = rng.permutation(rows)  # the baseline file in another order: a real join
    pq.write_table(
        pa.table({"id": ids, "label": labels, "score": candidate}),
        folder / "binary-candidate.parquet",
    )
    pq.write_table(
        pa.table({"id": ids[order], "label": labels[order], "score": baseline[order]}),
        folder / "binary-baseline.parquet",
    )
    truth = rng.normal(10, 3, rows)
    pq.write_table(
        pa.table({"id": ids, "label": truth, "prediction": truth + rng.normal(0, 1.0, rows)}),
        folder / "regression-candidate.parquet",
    )
    pq.write_table(
        pa.table({"id": ids, "label": truth, "prediction": truth + rng.normal(0, 1.05, rows)}),
        folder / "regression-baseline.parquet",
    )


def run_mlgate(folder: Path) -> dict[str, object]:
    """In this (child) process: both sets end to end, timed, then the peak RSS."""
    t0 = time.perf_counter()
    import numpy  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    with contextlib.suppress(ImportError):
        # pyarrow's Parquet reader imports pandas when it is installed: count it here.
        import pandas  # noqa: F401

    from mlgate.core.stats import estimates, intervals, paired  # noqa: F401
    from mlgate.evaluate.predictions import predicted_metrics
    from mlgate.files.config import Config

    imports_s = time.perf_counter() - t0
    config = Config(source="(benchmark)")
    timings = {}
    results = {}
    started = time.perf_counter()
    for task in ("binary", "regression"):
        t0 = time.perf_counter()
        found = predicted_metrics(
            folder / f"{task}-candidate.parquet",
            folder / f"{task}-baseline.parquet",
            config=config,
        )
        assert found is not None
        timings[task] = time.perf_counter() - t0
        results[task] = {
            name: [e.delta, e.interval.low, e.interval.high, e.interval.method]
            for name, e in found.estimates.items()
        }
    total = time.perf_counter() - started
    # The accuracy interval alone, on arrays already in memory: the like-for-like timing
    # against scipy's bootstrap of the same statistic.
    import numpy as np
    import pyarrow.parquet as pq

    from mlgate.core.stats.intervals import confusion_intervals

    c = pq.read_table(folder / "binary-candidate.parquet").to_pydict()
    labels = np.asarray(c["label"])
    predicted = (np.asarray(c["score"]) >= 0.5).astype(np.int64)
    b = pq.read_table(folder / "binary-baseline.parquet")
    order = np.argsort(np.asarray(b.column("id")))
    baseline = (np.asarray(b.column("score"))[order] >= 0.5).astype(np.int64)
    t0 = time.perf_counter()
    accuracy = confusion_intervals(
        labels, predicted, baseline, classes=2, confidence=0.95, resamples=1000, seed=0
    )["accuracy"]
    accuracy_s = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "timings": timings,
        "total": total,
        "results": results,
        "peak_mb": peak_mb,
        "imports_s": imports_s,
        "accuracy_s": accuracy_s,
        "accuracy": [accuracy[0], accuracy[1].low, accuracy[1].high],
    }


def run_scipy(folder: Path) -> tuple[float, list[float]]:
    import numpy as np
    import pyarrow.parquet as pq
    from scipy import stats

    c = pq.read_table(folder / "binary-candidate.parquet")
    b = pq.read_table(folder / "binary-baseline.parquet")
    labels = np.asarray(c.column("label"))
    predicted = (np.asarray(c.column("score")) >= 0.5).astype(np.int64)
    order = np.argsort(np.asarray(b.column("id")))
    baseline = (np.asarray(b.column("score"))[order] >= 0.5).astype(np.int64)

    def accuracy_delta(y, p, q, axis=-1):  # type: ignore[no-untyped-def]
        return (p == y).mean(axis=axis) - (q == y).mean(axis=axis)

    t0 = time.perf_counter()
    result = stats.bootstrap(
        (labels, predicted, baseline),
        accuracy_delta,
        paired=True,
        vectorized=True,
        batch=20,
        n_resamples=1000,
        method="percentile",
        confidence_level=0.95,
        random_state=np.random.default_rng(0),
    )
    seconds = time.perf_counter() - t0
    return seconds, [float(result.confidence_interval.low), float(result.confidence_interval.high)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-scipy", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_mlgate(Path(args.child))))
        return 0
    with tempfile.TemporaryDirectory(prefix="mlgate-bench-") as tmp:
        folder = Path(tmp)
        write_data(folder, args.rows)
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(folder)],
            capture_output=True,
            text=True,
            check=True,
        )
        ours = json.loads(child.stdout.strip().splitlines()[-1])
        scipy_s, scipy_ci = (float("nan"), [float("nan")] * 2)
        if not args.skip_scipy:
            scipy_s, scipy_ci = run_scipy(folder)
    report(args.rows, ours, scipy_s, scipy_ci)
    return 0


def report(rows: int, ours: dict, scipy_s: float, scipy_ci: list[float]) -> None:  # type: ignore[type-arg]
    timings = ours["timings"]
    print(f"## Paired intervals, {rows:,} binary + {rows:,} regression examples, from Parquet\n")
    print("| step | seconds |")
    print("|---|---:|")
    print(f"| binary: read, join, 6 metrics with intervals | {timings['binary']:.2f} |")
    print(f"| regression: read, join, 3 metrics with intervals | {timings['regression']:.2f} |")
    print(f"| **total: read, join, all metrics and intervals** | **{ours['total']:.2f}** |")
    imports = ours["imports_s"]
    print(
        "| (before that, once per process: importing numpy, pyarrow — and pandas, which "
        f"pyarrow's Parquet reader loads when installed — and mlgate) | {imports:.2f} |"
    )
    print()
    print("| metric | Δ | 95% interval | method |")
    print("|---|---:|---|---|")
    for task in ("binary", "regression"):
        for name, (delta, low, high, method) in ours["results"][task].items():
            print(f"| {task} {name} | {delta:+.5f} | [{low:+.5f}, {high:+.5f}] | {method} |")
    print()
    ratio = scipy_s / ours["accuracy_s"] if ours["accuracy_s"] else float("inf")
    low, high = ours["accuracy"][1], ours["accuracy"][2]
    print("| accuracy Δ interval, 1,000 resamples | seconds | interval |")
    print("|---|---:|---|")
    print(
        f"| mlgate (multinomial bootstrap) | {ours['accuracy_s']:.4f} | [{low:+.5f}, {high:+.5f}] |"
    )
    print(
        f"| scipy.stats.bootstrap (paired, percentile, batch=20) | {scipy_s:.2f} | "
        f"[{scipy_ci[0]:+.5f}, {scipy_ci[1]:+.5f}] |"
    )
    print(f"| **ratio scipy / mlgate** | **{ratio:,.0f}×** | |")
    whole = ours["total"] + ours["imports_s"]
    print(
        f"\nEnd to end — both files, all 9 metrics, imports included ({whole:.2f} s) — against "
        f"scipy's one accuracy interval: {scipy_s / whole:,.1f}×."
    )
    print()
    print(f"Peak resident memory of mlgate's process: {ours['peak_mb']:.0f} MB.")
    verdicts = [
        ("total under 2 s (the work, after the imports)", ours["total"] < TARGET_TOTAL_S),
        ("at least 20× faster than scipy on accuracy", ratio >= TARGET_RATIO),
        ("peak memory under 1 GB", ours["peak_mb"] < TARGET_PEAK_MB),
    ]
    for text, ok in verdicts:
        print(f"- {'meets' if ok else 'MISSES'}: {text}")


if __name__ == "__main__":
    sys.exit(main())
