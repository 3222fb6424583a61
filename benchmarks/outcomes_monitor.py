"""Performance monitoring at scale: `mlgate monitor --outcomes` on 1,000,000 served
outcomes (binary, with scores; 30 days of timestamps, labels still arriving for the last
days) against 1,000,000 evaluation-time predictions, with `monitor.window: day` and rules on
accuracy, F1 and ROC AUC — every interval computed overall and for each of the 30 windows.

Reference, measured in the same run: scipy.stats.bootstrap (independent samples,
`paired=False`, 1,000 resamples, `vectorized=True`) of the accuracy difference alone, on a
100,000-row subsample of each side, its time scaled ×10 to the full size.

Target (2-core machine): ≤ 2 s for the monitoring work (reading excluded), and the whole
process reported beside it.

    .venv/bin/python benchmarks/outcomes_monitor.py [--rows 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 2.0
CONFIG = """model: churn
monitor:
  window: day
  performance:
    accuracy: {max_drop: 0.01}
    f1: {max_drop: 0.01}
    roc_auc: {max_drop: 0.01}
"""


def write(folder: Path, rows: int) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    def side(seed: int, accuracy: float, *, served: bool) -> pa.Table:
        rng = np.random.default_rng(seed)
        labels = rng.integers(0, 2, rows)
        right = rng.random(rows) < accuracy
        predicted = np.where(right, labels, 1 - labels)
        score = np.clip(np.where(predicted == 1, 0.7, 0.3) + rng.normal(0, 0.15, rows), 0, 1)
        columns: dict[str, object] = {
            "id": np.arange(rows) + (10**9 if served else 0),
            "label": labels.astype(float),
            "prediction": predicted,
            "score": score,
        }
        if served:
            day = np.sort(rng.integers(0, 30, rows))
            seconds = 1_793_491_200 + day * 86_400 + rng.integers(0, 86_400, rows)
            late = rng.random(rows) < np.clip((day - 23) / 7, 0, 1)  # labels still arriving
            columns["label"] = np.where(late, np.nan, labels.astype(float))
            columns["timestamp"] = pa.array(seconds * 1_000_000, type=pa.timestamp("us"))
        return pa.table(columns)

    pq.write_table(side(1, 0.90, served=False), folder / "reference.parquet")
    pq.write_table(side(2, 0.88, served=True), folder / "outcomes.parquet")
    (folder / "mlgate.yml").write_text(CONFIG)


def in_process(folder: Path) -> tuple[float, object]:
    from mlgate.files.config import load_config
    from mlgate.files.predictions import read_predictions
    from mlgate.monitor.performance import Reference, judge_outcomes

    config = load_config(folder / "mlgate.yml")
    reference = Reference(
        label="reference.parquet",
        columns=read_predictions(folder / "reference.parquet", role="reference"),
    )
    outcomes = read_predictions(folder / "outcomes.parquet", role="outcomes")
    started = time.perf_counter()
    found = judge_outcomes(
        outcomes,
        path=folder / "outcomes.parquet",
        reference=reference,
        config=config,
        settings=config.monitor.performance,
    )
    return time.perf_counter() - started, found


def whole_process(folder: Path) -> float:
    exe = str(Path(sys.executable).parent / "mlgate")
    started = time.perf_counter()
    subprocess.run(
        [
            exe,
            "monitor",
            "--outcomes",
            "outcomes.parquet",
            "--performance-reference",
            "reference.parquet",
            "--platform",
            "local",
            "--print",
            "none",
        ],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def scipy_reference(folder: Path, subsample: int, rows: int) -> float:
    import numpy as np
    import pyarrow.parquet as pq
    from scipy import stats

    rng = np.random.default_rng(0)
    sides = []
    for name in ("reference", "outcomes"):
        table = pq.read_table(folder / f"{name}.parquet", columns=["label", "prediction"])
        label = table["label"].to_numpy(zero_copy_only=False)
        right = (label == table["prediction"].to_numpy()).astype(float)[~np.isnan(label)]
        sides.append(rng.choice(right, size=subsample, replace=False))
    started = time.perf_counter()
    stats.bootstrap(
        (sides[1], sides[0]),
        lambda a, b, axis: a.mean(axis=axis) - b.mean(axis=axis),
        paired=False,
        vectorized=True,
        n_resamples=1000,
        batch=20,
        method="percentile",
        random_state=0,
    )
    return (time.perf_counter() - started) * rows / subsample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlgate-outcomes-bench-") as tmp:
        folder = Path(tmp)
        write(folder, args.rows)
        times, found = [], None
        for _ in range(args.runs):
            seconds, found = in_process(folder)
            times.append(seconds)
        process = statistics.median(whole_process(folder) for _ in range(args.runs))
        reference = scipy_reference(folder, 100_000, args.rows)
    work = statistics.median(times)
    report = found.performance  # type: ignore[attr-defined]
    intervals = len(report.rows) * (1 + len(report.windows))
    rows = [
        (
            f"mlgate: live metrics and {intervals} intervals, overall and "
            f"{len(report.windows)} windows (median of {args.runs})",
            work,
            f"≤ {TARGET_S:g}",
        ),
        ("mlgate monitor --outcomes, whole process (reading, report)", process, ""),
        ("scipy.stats.bootstrap, one accuracy Δ (unpaired, 1,000 resamples, ×10)", reference, ""),
    ]
    print("| what | seconds | target |")
    print("|---|---:|---|")
    for what, seconds, target in rows:
        print(f"| {what} | {seconds:.2f} | {target} |")
    print()
    print(f"ratio scipy (one interval) / mlgate ({intervals} intervals): {reference / work:.1f}×")
    print(f"served {report.served:,}, labelled {report.labelled:,} ({report.coverage:.0%})")
    print(report.headline())
    print("target met" if work <= TARGET_S else "TARGET MISSED")


if __name__ == "__main__":
    main()
