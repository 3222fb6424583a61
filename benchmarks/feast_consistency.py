"""The Feast checks against Feast's own retrieval of the same keys, in one run.

A real repository (local provider, dask offline store over Parquet, sqlite online store)
with one view of 20 numeric features and two rows per key (two days ago and an hour ago),
materialized. Then:

1. The online/offline check (`mlgate skew --feast`, online_consistency) on 10k and 100k
   sampled keys × 20 features, its time split between the online fetch, the offline
   retrieval (point-in-time + the newest row per key) and the comparison — against Feast
   alone: get_online_features + get_historical_features for the same keys (the least any
   such check must read).
2. The leakage check (training_consistency) on a 1M-row training table built with a naive
   latest-value join, against Feast's get_historical_features on the same 1M rows.

    .venv/bin/python benchmarks/feast_consistency.py [--keys 10000,100000]
        [--training-rows 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

FEATURES = [f"f{i:02d}" for i in range(20)]


def build(folder: Path, keys: int) -> tuple[Any, datetime]:
    import numpy as np
    import pandas as pd
    from feast import Entity, FeatureStore, FeatureView, Field, FileSource, ValueType
    from feast.types import Float64

    now = datetime.now(timezone.utc).replace(microsecond=0)
    data = folder / "data"
    data.mkdir(parents=True)
    (folder / "feature_store.yaml").write_text(
        "project: mlgate_bench\nprovider: local\n"
        f"registry: {data / 'registry.db'}\n"
        f"online_store: {{type: sqlite, path: {data / 'online.db'}}}\n"
        "offline_store: {type: dask}\nentity_key_serialization_version: 3\n"
    )
    rng = np.random.default_rng(0)
    ids = np.arange(keys, dtype=np.int64)
    parts = []
    for age in (timedelta(days=2), timedelta(hours=1)):
        frame = pd.DataFrame(rng.normal(size=(keys, len(FEATURES))), columns=FEATURES)
        frame.insert(0, "driver_id", ids)
        frame["event_timestamp"] = pd.Timestamp(now - age)
        parts.append(frame)
    pd.concat(parts, ignore_index=True).to_parquet(data / "wide.parquet")
    driver = Entity(name="driver", join_keys=["driver_id"], value_type=ValueType.INT64)
    view = FeatureView(
        name="wide",
        entities=[driver],
        ttl=timedelta(days=7),
        schema=[Field(name=f, dtype=Float64) for f in FEATURES],
        source=FileSource(path=str(data / "wide.parquet"), timestamp_field="event_timestamp"),
    )
    store = FeatureStore(repo_path=str(folder))
    store.apply([driver, view])
    with contextlib.redirect_stdout(io.StringIO()):
        store.materialize(now - timedelta(days=3), now)
    return store, now


def feast_alone(store: Any, keys: Any, now: datetime) -> tuple[float, float]:
    import pandas as pd

    refs = [f"wide:{f}" for f in FEATURES]
    start = time.perf_counter()
    rows = {"driver_id": keys.tolist()}
    for at in range(0, len(keys), 10_000):
        part = {"driver_id": rows["driver_id"][at : at + 10_000]}
        store.get_online_features(features=refs, entity_rows=part).to_dict()
    online = time.perf_counter() - start
    start = time.perf_counter()
    entity = pd.DataFrame({"driver_id": keys, "event_timestamp": pd.Timestamp(now)})
    store.get_historical_features(entity_df=entity, features=refs).to_df()
    return online, time.perf_counter() - start


def online_check(repo: Path, keys: Any, workdir: Path) -> tuple[float, dict[str, float], int]:
    import pandas as pd

    from mlgate.core.drift_settings import FeastSettings, SkewSettings
    from mlgate.core.significance import Significance
    from mlgate.monitor.feast_online import online_consistency

    entities = workdir / f"entities-{len(keys)}.parquet"
    pd.DataFrame({"driver_id": keys}).to_parquet(entities)
    start = time.perf_counter()
    report = online_consistency(
        repo=repo,
        entities=entities,
        skew=SkewSettings(feast=FeastSettings(sample=len(keys))),
        significance=Significance(),
        model="bench",
    )
    total = time.perf_counter() - start
    differing = sum(m.differing for m in report.mismatches)
    return total, report.settings["feast"]["seconds"], differing


def training_check(repo: Path, store: Any, rows: int, now: datetime, workdir: Path) -> list[str]:
    import numpy as np
    import pandas as pd

    from mlgate.core.drift_settings import FeastSettings, SkewSettings
    from mlgate.core.significance import Significance
    from mlgate.monitor.feast_training import training_consistency

    rng = np.random.default_rng(1)
    source = pd.read_parquet(repo / "data" / "wide.parquet")
    latest = source.sort_values("event_timestamp").groupby("driver_id").tail(1)
    keys = rng.integers(0, len(latest), size=rows)
    hours = rng.uniform(0, 47, size=rows)  # between the two rows: the newer one is the future
    table = pd.DataFrame({"driver_id": keys})
    table["event_timestamp"] = pd.Timestamp(now) - pd.to_timedelta(hours + 1.5, unit="h")
    naive = table.merge(latest.drop(columns="event_timestamp"), on="driver_id", how="left")
    naive.to_parquet(workdir / "train.parquet")
    start = time.perf_counter()
    report = training_consistency(
        repo=repo,
        training=workdir / "train.parquet",
        skew=SkewSettings(feast=FeastSettings(sample=1.0)),
        significance=Significance(),
        model="bench",
    )
    ours = time.perf_counter() - start
    seconds = report.settings["feast"]["seconds"]
    leaked = sum(m.leaked for m in report.mismatches)
    start = time.perf_counter()
    store.get_historical_features(entity_df=table, features=[f"wide:{f}" for f in FEATURES]).to_df()
    theirs = time.perf_counter() - start
    return [
        "| rows | mlgate s | offline s | compare s | Feast historical s | ratio | leaked cells |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {rows:,} | {ours:.1f} | {seconds['offline']:.1f} | {seconds['compare']:.1f} "
        f"| {theirs:.1f} | {ours / theirs:.2f}× | {leaked:,} of {rows * len(FEATURES):,} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", default="10000,100000")
    parser.add_argument("--training-rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    sizes = [int(s) for s in args.keys.split(",")]
    import numpy as np

    with tempfile.TemporaryDirectory(prefix="mlgate-feast-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        repo = workdir / "repo"
        start = time.perf_counter()
        store, now = build(repo, max(sizes))
        print(f"repository: {max(sizes):,} keys × {len(FEATURES)} features, 2 rows a key, "
              f"built and materialized in {time.perf_counter() - start:.1f} s\n")  # fmt: skip
        print("| keys | mlgate s | online s | offline s | compare s | Feast online s "
              "| Feast historical s | ratio | unexpected |")  # fmt: skip
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes:
            keys = np.random.default_rng(size).permutation(max(sizes))[:size].astype(np.int64)
            total, seconds, differing = online_check(repo, keys, workdir)
            online, historical = feast_alone(store, keys, now)
            print(
                f"| {size:,} | {total:.1f} | {seconds['online']:.1f} | {seconds['offline']:.1f} "
                f"| {seconds['compare']:.1f} | {online:.1f} | {historical:.1f} "
                f"| {total / (online + historical):.2f}× | {differing} |",
                flush=True,
            )
        print()
        for line in training_check(repo, store, args.training_rows, now, workdir):
            print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
