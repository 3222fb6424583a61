"""Data drift at scale: `mlgate drift` on 1,000,000 rows × 50 features (40 numeric, 10
categorical), reference and current both in Parquet, end to end (process start, reading,
every statistic, the report files) — against evidently's DataDriftPreset on the same data,
measured in the same run, and the PSI values of the two compared.

evidently 0.7.23 needs pandas < 3, so it runs in a virtual environment of its own
(benchmarks/.venv-evidently, created with uv on first use). Its full run takes minutes
(DESIGN.md: 360 s here), so by default it runs on a random 100,000-row subsample of both
tables and its time is scaled linearly to the full size (`--evidently-rows 0` runs it on
everything). PSI agreement is checked on that subsample, with mlgate set to evidently's
binning (`binning: uniform`, `bins: sturges`).

Targets (2-core machine): under 5 s and under 2 GB peak memory for mlgate.

    .venv/bin/python benchmarks/drift_report.py [--rows 1000000] [--evidently-rows 100000]
        [--skip-evidently] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVIDENTLY_VENV = ROOT / "benchmarks" / ".venv-evidently"
EVIDENTLY = ["evidently==0.7.23", "pandas>=2,<3", "pyarrow>=14"]
TARGET_S = 5.0
TARGET_PEAK_MB = 2048.0
NUMERIC, CATEGORICAL = 40, 10

EVIDENTLY_SCRIPT = """
import json, sys, time
import pandas as pd
from evidently import Dataset, DataDefinition, Report
from evidently.presets import DataDriftPreset

ref = pd.read_parquet(sys.argv[1]); cur = pd.read_parquet(sys.argv[2])
numeric = [c for c in ref.columns if c.startswith("num")]
categorical = [c for c in ref.columns if c.startswith("cat")]
definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
out = {}
for name, preset in (("default", DataDriftPreset()), ("psi", DataDriftPreset(method="psi"))):
    t0 = time.perf_counter()
    snapshot = Report([preset]).run(
        Dataset.from_pandas(cur, data_definition=definition),
        Dataset.from_pandas(ref, data_definition=definition),
    )
    result = snapshot.dict()
    out[name + "_s"] = time.perf_counter() - t0
    if name == "psi":
        out["psi"] = {
            m["metric_name"].split("column=")[1].split(",")[0]: m["value"]
            for m in result["metrics"] if m["metric_name"].startswith("ValueDrift")
        }
print(json.dumps(out))
"""


def feature_columns(rng: object, rows: int, *, drifted: bool) -> dict[str, object]:
    """One table's columns: with ``drifted``, 5 numeric and 2 categorical features shift
    and one numeric feature starts arriving with gaps; the rest stay put."""
    import numpy as np
    import pyarrow as pa

    assert isinstance(rng, np.random.Generator)
    columns: dict[str, object] = {}
    for i in range(NUMERIC):
        shift = 0.25 if drifted and i < 5 else 0.0
        if i % 4 == 0:
            values = rng.lognormal(1 + shift, 0.5, rows)
        elif i % 4 == 1:
            values = rng.gamma(2 + 4 * shift, 1.0, rows)
        else:
            values = rng.normal(shift, 1 + shift, rows)
        if drifted and i == 39:
            values[rng.random(rows) < 0.1] = np.nan
        columns[f"num_{i:02d}"] = values
    for j in range(CATEGORICAL):
        k = 4 + 3 * j
        p = np.ones(k) / k
        if drifted and j < 2:
            p = np.linspace(1, 3, k)
            p /= p.sum()
        labels = np.array([f"v{x}" for x in range(k)])
        columns[f"cat_{j}"] = pa.array(labels[rng.choice(k, rows, p=p)]).dictionary_encode()
    return columns


def write_data(folder: Path, rows: int) -> None:
    """Reference and current tables (see :func:`feature_columns`)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, seed, drifted in (("reference", 1, False), ("current", 2, True)):
        columns = feature_columns(np.random.default_rng(seed), rows, drifted=drifted)
        pq.write_table(pa.table(columns), folder / f"{name}.parquet")


def subsample(folder: Path, rows: int) -> None:
    import numpy as np
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    for name in ("reference", "current"):
        table = pq.read_table(folder / f"{name}.parquet")
        keep = np.sort(rng.choice(table.num_rows, size=rows, replace=False))
        pq.write_table(table.take(keep), folder / f"{name}-sample.parquet")


def run_mlgate(folder: Path, reference: str, current: str, config: Path | None) -> dict[str, float]:
    """One `mlgate drift` process: wall time and its own peak resident memory."""
    exe = str(Path(sys.executable).parent / "mlgate")
    argv = [exe, "drift", "--reference", reference, "--current", current, "--print", "none"]
    if config is not None:
        argv += ["--config", str(config)]
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=folder, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"mlgate drift failed with exit code {process.returncode}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}


def evidently_python() -> Path:
    python = EVIDENTLY_VENV / "bin" / "python"
    if not python.exists():
        uv = Path(sys.executable).parent / "uv"
        subprocess.run(
            [str(uv), "venv", "--quiet", "--python", sys.executable, str(EVIDENTLY_VENV)],
            check=True,
        )
        subprocess.run(
            [str(uv), "pip", "install", "--quiet", "--python", str(python), *EVIDENTLY], check=True
        )
    return python


def run_evidently(folder: Path, suffix: str) -> dict[str, object]:
    done = subprocess.run(
        [
            str(evidently_python()),
            "-c",
            EVIDENTLY_SCRIPT,
            str(folder / f"reference{suffix}.parquet"),
            str(folder / f"current{suffix}.parquet"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--evidently-rows", type=int, default=100_000, help="0: all rows")
    parser.add_argument("--skip-evidently", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlgate-drift-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        write_data(folder, args.rows)
        print(f"(data written in {time.perf_counter() - t0:.1f} s)\n", file=sys.stderr)
        runs = [
            run_mlgate(folder, "reference.parquet", "current.parquet", None)
            for _ in range(args.runs)
        ]
        report = json.loads((folder / "mlgate-drift.json").read_text())
        evidently: dict[str, object] | None = None
        agreement: list[tuple[str, float, float]] = []
        sample_rows = args.evidently_rows or args.rows
        if not args.skip_evidently:
            suffix = ""
            if args.evidently_rows and args.evidently_rows < args.rows:
                subsample(folder, args.evidently_rows)
                suffix = "-sample"
            evidently = run_evidently(folder, suffix)
            config = folder / "evidently-binning.yml"
            config.write_text("drift: {binning: uniform, bins: sturges}\n")
            run_mlgate(folder, f"reference{suffix}.parquet", f"current{suffix}.parquet", config)
            ours = {
                f["name"]: f["psi"]
                for f in json.loads((folder / "mlgate-drift.json").read_text())["features"]
            }
            theirs = evidently["psi"]
            assert isinstance(theirs, dict)
            agreement = [(name, float(ours[name]), float(theirs[name])) for name in sorted(theirs)]
    print_report(
        args.rows, runs, report, evidently=evidently, sample_rows=sample_rows, agreement=agreement
    )
    return 0


def print_report(
    rows: int,
    runs: list[dict[str, float]],
    report: dict,  # type: ignore[type-arg]
    *,
    evidently: dict[str, object] | None,
    sample_rows: int,
    agreement: list[tuple[str, float, float]],
) -> None:
    seconds = statistics.median(r["seconds"] for r in runs)
    peak = max(r["peak_mb"] for r in runs)
    drifted = [f["name"] for f in report["features"] if f["status"] == "drift"]
    features = NUMERIC + CATEGORICAL
    print(f"## Drift report, {rows:,} rows × {features} features ({NUMERIC} numeric, ", end="")
    print(f"{CATEGORICAL} categorical), Parquet\n")
    print("| | seconds | peak memory | target |")
    print("|---|---:|---:|---|")
    each = ", ".join(f"{r['seconds']:.2f}" for r in runs)
    target = f"< {TARGET_S:.0f} s, < {TARGET_PEAK_MB / 1024:.0f} GB"
    print(
        f"| `mlgate drift`, whole process (median of {len(runs)}: {each}) "
        f"| {seconds:.2f} | {peak:,.0f} MB | {target} |"
    )
    if evidently is not None:
        scale = rows / sample_rows
        default_s = float(evidently["default_s"])  # type: ignore[arg-type]
        psi_s = float(evidently["psi_s"])  # type: ignore[arg-type]
        where = "all rows" if scale == 1 else f"{sample_rows:,} rows, × {scale:g} to scale"
        print(f"| evidently `DataDriftPreset()` ({where}) | {default_s * scale:.1f} | | |")
        print(f"| evidently `DataDriftPreset(method='psi')` ({where}) | {psi_s * scale:.1f} | | |")
        print(
            f"\n**mlgate: {default_s * scale / seconds:.0f}× faster than evidently's default "
            f"preset** ({psi_s * scale / seconds:.0f}× its PSI preset) on the same data.\n"
        )
    print(f"Drift found: {', '.join(drifted)} ({len(drifted)} of {len(report['features'])}).\n")
    if agreement:
        print_agreement(agreement, sample_rows, report)


def print_agreement(
    agreement: list[tuple[str, float, float]],
    sample_rows: int,
    report: dict,  # type: ignore[type-arg]
) -> None:
    gaps = {
        f["name"]
        for f in report["features"]
        if (f.get("reference_missing") or 0) or (f.get("current_missing") or 0)
    }
    same = [a for a in agreement if a[0] not in gaps]
    worst = max(same, key=lambda a: abs(a[1] - a[2]))
    relative = max(abs(o - t) / max(abs(t), 1e-12) for _, o, t in same)
    print(
        f"PSI, mlgate (`binning: uniform`, `bins: sturges`) against evidently on the same "
        f"{sample_rows:,} rows: {len(same)} features without missing values agree to "
        f"{abs(worst[1] - worst[2]):.1e} at most ({worst[0]}; relative {relative:.1e})."
    )
    for name, ours, theirs in agreement:
        if name in gaps:
            print(
                f"{name} has missing values: mlgate counts them as a bin of their own "
                f"(PSI {ours:.4f}), evidently drops them (PSI {theirs:.4f})."
            )
    print("\n| feature | mlgate PSI | evidently PSI |")
    print("|---|---:|---:|")
    for name, ours, theirs in agreement[:: max(1, len(agreement) // 10)]:
        print(f"| {name} | {ours:.6f} | {theirs:.6f} |")


if __name__ == "__main__":
    raise SystemExit(main())
