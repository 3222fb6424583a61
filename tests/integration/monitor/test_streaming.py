"""Drift on data past the memory budget streams in bounded memory and agrees with the
in-memory run: 2,000,000 current rows × 22 features against a 200,000-row reference with
`drift.memory_mb: 256` — the process's peak resident memory measured (wait4), and every
feature's result compared with the same files read whole."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow
BUDGET_MB = 256
# Above the budget (docs/monitoring.md states it): the interpreter with numpy and pyarrow
# loaded (~70 MB), the Parquet reader's decoding buffers and the allocator's slack.
OVERHEAD_MB = 200
NUMERIC = 20


def write(path: Path, rows: int, *, seed: int, shifted: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    for i in range(NUMERIC):
        values = rng.normal(0.3 if shifted and i < 3 else 0.0, 1.0, rows)
        if i == 5:
            values = np.round(values * 2)  # ties
        if i == 7:
            values[rng.random(rows) < (0.08 if shifted else 0.02)] = np.nan
        columns[f"num_{i:02d}"] = values
    labels = np.array(["a", "b", "c", "d"])
    p = [0.25, 0.25, 0.3, 0.2] if shifted else [0.4, 0.3, 0.2, 0.1]
    columns["plan"] = labels[rng.choice(4, rows, p=p)]
    columns["region"] = labels[rng.choice(4, rows)]
    pq.write_table(pa.table(columns), path, row_group_size=250_000)


def drift(folder: Path, memory_mb: int, out: str) -> tuple[dict[str, object], float]:
    (folder / f"{out}.yml").write_text(f"drift:\n  memory_mb: {memory_mb}\n")
    argv = [
        str(Path(sys.executable).parent / "mlgate"),
        "drift",
        "--config",
        f"{out}.yml",
        "--reference",
        "reference.parquet",
        "--current",
        "current.parquet",
        "--out",
        f"{out}.json",
        "--report",
        f"{out}.md",
        "--print",
        "none",
    ]
    # Measured by a small launcher: a child forked from this (large) test process would
    # count the copy of it it starts as into its own peak.
    launcher = (
        "import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:]); "
        "_, s, u = os.wait4(p.pid, 0); print(os.waitstatus_to_exitcode(s), u.ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", launcher, *argv],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    code, peak_kb = (int(word) for word in done.stdout.split())
    assert code == 0, done.stderr
    return json.loads((folder / f"{out}.json").read_text()), peak_kb / 1024


def test_two_million_rows_stream_within_the_budget_and_match_the_in_memory_run(
    tmp_path: Path,
) -> None:
    write(tmp_path / "reference.parquet", 200_000, seed=1, shifted=False)
    write(tmp_path / "current.parquet", 2_000_000, seed=2, shifted=True)
    streamed, peak_mb = drift(tmp_path, BUDGET_MB, "streamed")
    whole, whole_peak_mb = drift(tmp_path, 8192, "whole")
    assert streamed["settings"]["streamed"] is True and "streamed" not in whole["settings"]
    assert peak_mb < BUDGET_MB + OVERHEAD_MB, (peak_mb, whole_peak_mb)
    assert peak_mb < whole_peak_mb
    # 20 sketches of 200,000 values do not fit a quarter of 256 MB: KS comes from the
    # compacted sketch, within the bound the report states; the bins are the sketch's
    # deciles (counted exactly), so PSI moves by as little.
    bound = streamed["settings"]["ks_error"]
    assert 0 < bound < 1e-3
    ours = {f["name"]: f for f in streamed["features"]}
    for theirs in whole["features"]:
        mine = ours[theirs["name"]]
        assert mine["status"] == theirs["status"], theirs["name"]
        if theirs["kind"] == "categorical":
            assert (mine["psi"], mine["distance"]) == (theirs["psi"], theirs["distance"])
            continue
        assert abs(mine["distance"] - theirs["distance"]) <= bound, theirs["name"]
        assert mine["psi"] == pytest.approx(theirs["psi"], rel=0.02, abs=1e-4), theirs["name"]
        for key in ("reference_rows", "current_rows", "reference_missing", "current_missing"):
            assert mine[key] == theirs[key], (theirs["name"], key)
    assert [f["name"] for f in streamed["features"] if f["status"] == "drift"] == [
        f["name"] for f in whole["features"] if f["status"] == "drift"
    ]
