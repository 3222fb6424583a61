"""Naming the evaluation data: what it costs mlgate to identify a file (its md5, streamed,
no parsing) against the references a project would otherwise use — MLflow's dataset
digest (`mlflow.data.from_pandas(df).digest`, after reading the CSV into pandas, which
is what a training script logging its data pays) and DVC's own file hash (`dvc add`'s
md5, through dvc-data), measured side by side, interleaved, in one run.

    python benchmarks/eval_data_identity.py [--rows 1000000] [--repeat 3]

Target: identifying a 200 MB evaluation file adds well under a second to a gate run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET_S = 1.0


def write_csv(path: Path, rows: int) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(rows, 10)), columns=[f"f{i}" for i in range(10)])
    frame["label"] = rng.integers(0, 2, rows)
    frame.to_csv(path, index=False)


def mlgate_identity(path: Path) -> str:
    from mlgate.evaluate.data import locate

    found = locate(str(path), name=None, workdir=path.parent, what="bench")
    return found.dataset.digest or ""


def mlflow_digest(path: Path) -> str:
    import warnings

    import mlflow.data
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MLflow's note on how it reads a local source
        return str(mlflow.data.from_pandas(pd.read_csv(path), source=str(path)).digest)


def dvc_md5(path: Path) -> str:
    from dvc_data.hashfile.hash import file_md5
    from dvc_objects.fs.local import LocalFileSystem

    return str(file_md5(str(path), LocalFileSystem()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: dict[str, Callable[[Path], str]] = {"mlgate (md5, streamed)": mlgate_identity}
    rows["MLflow from_pandas digest (read_csv + digest)"] = mlflow_digest
    try:
        import dvc_data  # noqa: F401

        rows["DVC file md5 (dvc-data)"] = dvc_md5
    except ImportError:
        print("dvc-data not installed: its row is skipped", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "eval.csv"
        write_csv(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        times: dict[str, list[float]] = {name: [] for name in rows}
        digests: dict[str, str] = {}
        for _ in range(args.repeat):
            for name, run in rows.items():
                started = time.perf_counter()
                digests[name] = run(path)
                times[name].append(time.perf_counter() - started)
    ours = statistics.median(times["mlgate (md5, streamed)"])
    print(f"\n{args.rows:,} rows × 11 columns, CSV {size_mb:,.0f} MB; median of {args.repeat}\n")
    print("| identify the evaluation data | median | best | × mlgate | digest |")
    print("|---|---:|---:|---:|---|")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(
            f"| {name} | {median:.3f} s | {min(samples):.3f} s | {median / ours:.1f} "
            f"| `{digests[name][:12]}` |"
        )
    same = digests.get("DVC file md5 (dvc-data)") in (None, digests["mlgate (md5, streamed)"])
    print(f"\nmlgate's digest equals DVC's: {same}; target < {TARGET_S:.0f} s: {ours < TARGET_S}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
