"""Drift on data bigger than the memory budget: `mlgate drift` on 20,000,000 rows × 50
features (40 numeric, 10 categorical; reference and current both 20M rows, Parquet with
row groups of 1,000,000, written by this script a row group at a time), against the same
command on 1,000,000 rows in the same run — which fits `drift.memory_mb` (1,024 by
default) and is compared in memory, exactly.

Targets (2-core machine): the 20M run's peak resident memory ≤ 1.5 GB, and its time
≤ 25× the 1M run's (linear). The script also reports the largest KS error bound the
streamed run states (`settings.ks_error`) and how far its PSI/KS lie from the 1M run's
on the features that do not drift (they estimate the same distributions).

    .venv/bin/python benchmarks/drift_stream.py [--rows 20000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROW_GROUP = 1_000_000
TARGET_PEAK_MB = 1536.0
TARGET_RATIO = 25.0


def write(path: Path, rows: int, *, seed: int, drifted: bool) -> None:
    """Row group by row group (bounded memory), drift_report.py's distributions."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    from drift_report import feature_columns

    rng = np.random.default_rng(seed)
    writer = None
    for start in range(0, rows, ROW_GROUP):
        table = pa.table(feature_columns(rng, min(ROW_GROUP, rows - start), drifted=drifted))
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema, compression="snappy")
        writer.write_table(table, row_group_size=ROW_GROUP)
    assert writer is not None
    writer.close()


def run(folder: Path, rows: int) -> dict[str, object]:
    exe = str(Path(sys.executable).parent / "mlgate")
    argv = [
        exe,
        "drift",
        "--reference",
        f"reference-{rows}.parquet",
        "--current",
        f"current-{rows}.parquet",
        "--out",
        f"drift-{rows}.json",
        "--report",
        f"drift-{rows}.md",
        "--print",
        "none",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=folder, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"mlgate drift failed on {rows:,} rows")
    report = json.loads((folder / f"drift-{rows}.json").read_text())
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "report": report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the data in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="mlgate-stream-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for rows in (1_000_000, args.rows):
        for name, seed, drifted in (("reference", 1, False), ("current", 2, True)):
            path = folder / f"{name}-{rows}.parquet"
            if not path.exists():
                started = time.perf_counter()
                write(path, rows, seed=seed, drifted=drifted)
                print(f"wrote {path.name} in {time.perf_counter() - started:.0f} s", flush=True)
    small, large = run(folder, 1_000_000), run(folder, args.rows)
    ratio = float(large["seconds"]) / float(small["seconds"])  # type: ignore[arg-type]
    settings = large["report"]["settings"]  # type: ignore[index]
    steady = {
        f["name"]: f
        for f in small["report"]["features"]  # type: ignore[index]
        if f["status"] == "ok" and f["psi"] is not None
    }
    gaps = [
        (
            abs(f["psi"] - steady[f["name"]]["psi"]),
            abs(f["distance"] - steady[f["name"]]["distance"]),
        )
        for f in large["report"]["features"]  # type: ignore[index]
        if f["name"] in steady and f["psi"] is not None
    ]
    print()
    print("| run | rows | streamed | wall s | peak MB | target |")
    print("|---|---:|---|---:|---:|---|")
    print(
        f"| 1M (in memory) | 1,000,000 | {small['report']['settings'].get('streamed', False)} | "  # type: ignore[index]
        f"{small['seconds']:.2f} | {small['peak_mb']:.0f} | reference |"
    )
    print(
        f"| {args.rows / 1e6:.0f}M | {args.rows:,} | {settings.get('streamed', False)} | "
        f"{large['seconds']:.2f} | {large['peak_mb']:.0f} | ≤ {TARGET_PEAK_MB:.0f} MB, "
        f"≤ {TARGET_RATIO:.0f}× |"
    )
    print()
    print(f"time ratio {args.rows / 1e6:.0f}M / 1M: {ratio:.1f}× (rows ×{args.rows / 1e6:.0f})")
    print(f"KS error bound stated by the streamed run: {settings.get('ks_error', 0):.2e}")
    if gaps:
        print(
            f"non-drifting features, streamed {args.rows / 1e6:.0f}M vs in-memory 1M: "
            f"max |ΔPSI| {max(g[0] for g in gaps):.2e}, max |ΔKS D| {max(g[1] for g in gaps):.2e}"
        )
    drifted = [f["name"] for f in large["report"]["features"] if f["status"] == "drift"]  # type: ignore[index]
    print(f"drifting in the {args.rows / 1e6:.0f}M run: {', '.join(drifted)}")
    ok = float(large["peak_mb"]) <= TARGET_PEAK_MB and ratio <= TARGET_RATIO  # type: ignore[arg-type]
    print("targets met" if ok else "TARGETS MISSED")


if __name__ == "__main__":
    main()
