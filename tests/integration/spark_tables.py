"""The tables the Spark engine is compared with the local one on: 200,000 rows × 20
features per side — numbers (normal, with ties, with missing values), integers, categories
(one with missing values), a shifted number, a category that appears only in the current
data — and the current rows also as a day-partitioned Parquet folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np

ROWS = 200_000
DAYS = ("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04")


def table(rows: int, *, seed: int, shifted: bool) -> object:
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {}
    for i in range(10):
        values = rng.normal(0.3 if shifted and i == 3 else 0.0, 1.0, rows)
        if i == 5:
            values = np.round(values * 2)  # ties
        if i in (0, 4):
            values[rng.random(rows) < (0.08 if shifted and i == 4 else 0.03)] = np.nan
        columns[f"num{i}"] = pa.array(values, from_pandas=True)
    for i in range(4):
        columns[f"int{i}"] = pa.array(rng.integers(0, 40 + 20 * (shifted and i == 2), rows))
    labels = np.array(["basic", "pro", "max", "team", "edu"], dtype=object)
    for i in range(6):
        picked = labels[rng.choice(5, rows, p=[0.4, 0.3, 0.15, 0.1, 0.05])]
        if shifted and i == 1:
            picked[rng.random(rows) < 0.03] = "enterprise"  # new in the current data
        if i == 2:
            picked[rng.random(rows) < 0.02] = None
        columns[f"cat{i}"] = pa.array(picked.tolist(), type=pa.string())
    return pa.table(columns)


def write_tables(folder: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(table(ROWS, seed=1, shifted=False), folder / "reference.parquet")
    current = table(ROWS, seed=2, shifted=True)
    pq.write_table(current, folder / "current.parquet")
    day = np.asarray(DAYS, dtype=object)[np.arange(ROWS) % len(DAYS)]
    partitioned = current.append_column("day", pa.array(day.tolist(), type=pa.string()))
    pq.write_to_dataset(partitioned, folder / "served", partition_cols=["day"])
