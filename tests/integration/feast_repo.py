"""A real Feast feature repository for the feature-store tests and the benchmark: the local
provider, the dask offline store over Parquet files, a sqlite online store, ``apply`` and
``materialize`` through Feast's own API.

Two feature views over one entity (``driver_id``): ``driver_stats`` (conv_rate, acc_rate,
trips, city; TTL 7 days), whose numbers change every 6 hours, and ``driver_quality``
(score; TTL 1 day), whose drivers numbered ≥ ``stale_from`` stopped reporting 2 days ago.
Every row is created 5 minutes after its event time.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

STEP = timedelta(hours=6)
CREATED_AFTER = timedelta(minutes=5)
FEATURES = 20  # the benchmark's wide view: f00 … f19


@dataclass(frozen=True)
class Repo:
    path: Path
    now: datetime
    drivers: int
    stale_from: int

    def store(self) -> Any:
        from feast import FeatureStore

        return FeatureStore(repo_path=str(self.path))

    def copy(self, to: Path, *, online: bool = True) -> Repo:
        """The same repository (registry, data and — ``online`` — the online store's
        contents) in another folder."""
        shutil.copytree(self.path, to)
        text = (to / "feature_store.yaml").read_text()
        (to / "feature_store.yaml").write_text(text.replace(str(self.path), str(to)))
        copied = Repo(path=to, now=self.now, drivers=self.drivers, stale_from=self.stale_from)
        if not online:
            (to / "data" / "online.db").unlink()
            store = copied.store()
            store.apply([*store.list_entities(), *store.list_feature_views()])  # empty tables
        return copied

    def materialize(self, *, until: datetime | None = None) -> None:
        self.store().materialize(self.now - timedelta(days=30), until or self.now)


def stats_value(driver: int, step: int, feature: str) -> Any:
    """The value of ``feature`` for ``driver`` at the ``step``-th 6-hour point."""
    if feature == "conv_rate":
        return round((driver % 97) / 100 + step * 0.01, 6)
    if feature == "acc_rate":
        return round(0.5 + (driver % 13) / 100 + step * 0.002, 6)
    if feature == "trips":
        return driver * 10 + step
    return f"city-{driver % 5}"  # city: never changes


def build(folder: Path, *, drivers: int = 200, days: int = 4, now: datetime | None = None) -> Repo:
    """Write the data, the definitions and feature_store.yaml; apply; materialize."""
    import pandas as pd
    from feast import Entity, FeatureStore, FeatureView, Field, FileSource, ValueType
    from feast.types import Float64, Int64, String

    now = now or datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    folder.mkdir(parents=True)
    data = folder / "data"
    data.mkdir()
    (folder / "feature_store.yaml").write_text(
        "project: mlgate_test\n"
        "provider: local\n"
        f"registry: {data / 'registry.db'}\n"
        f"online_store: {{type: sqlite, path: {data / 'online.db'}}}\n"
        "offline_store: {type: dask}\n"
        "entity_key_serialization_version: 3\n"
    )
    steps = days * 4
    stats, quality = [], []
    stale_from = drivers * 3 // 4
    for driver in range(1000, 1000 + drivers):
        for step in range(steps):
            at = now - (steps - step) * STEP + timedelta(minutes=30)
            row = {f: stats_value(driver, step, f) for f in ("conv_rate", "acc_rate", "trips")}
            stats.append({"driver_id": driver, "event_timestamp": at, **row,
                          "city": stats_value(driver, step, "city"),
                          "created": at + CREATED_AFTER})  # fmt: skip
            if driver - 1000 < stale_from or at < now - timedelta(days=2):
                quality.append({"driver_id": driver, "event_timestamp": at,
                                "score": round(driver / 10_000 + step / 100, 6),
                                "created": at + CREATED_AFTER})  # fmt: skip
    pd.DataFrame(stats).to_parquet(data / "driver_stats.parquet")
    pd.DataFrame(quality).to_parquet(data / "driver_quality.parquet")
    driver = Entity(name="driver", join_keys=["driver_id"], value_type=ValueType.INT64)

    def source(name: str) -> Any:
        return FileSource(
            name=name,
            path=str(data / f"{name}.parquet"),
            timestamp_field="event_timestamp",
            created_timestamp_column="created",
        )

    views = [
        FeatureView(
            name="driver_stats",
            entities=[driver],
            ttl=timedelta(days=7),
            schema=[
                Field(name="conv_rate", dtype=Float64),
                Field(name="acc_rate", dtype=Float64),
                Field(name="trips", dtype=Int64),
                Field(name="city", dtype=String),
            ],
            source=source("driver_stats"),
        ),
        FeatureView(
            name="driver_quality",
            entities=[driver],
            ttl=timedelta(days=1),
            schema=[Field(name="score", dtype=Float64)],
            source=source("driver_quality"),
        ),
    ]
    store = FeatureStore(repo_path=str(folder))
    store.apply([driver, *views])
    repo = Repo(path=folder, now=now, drivers=drivers, stale_from=stale_from)
    repo.materialize()
    return repo


def shifted(repo: Repo, drivers: int) -> None:
    """A transformation bug: the online conv_rate of the first ``drivers`` drivers is
    written 0.1 higher than offline, at the same event times."""
    import pandas as pd

    frame = pd.read_parquet(repo.path / "data" / "driver_stats.parquet")
    latest = frame.sort_values("event_timestamp").groupby("driver_id").tail(1)
    wrong = latest[latest["driver_id"] < 1000 + drivers].copy()
    wrong["conv_rate"] += 0.1
    repo.store().write_to_online_store("driver_stats", wrong)


def training_table(repo: Repo, *, rows: int, naive: bool, seed: int = 0) -> Any:
    """Training rows at past times: values joined point in time (the right way) or the
    driver's latest values whatever the row's time (``naive``: leakage)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    drivers = rng.integers(1000, 1000 + repo.drivers, size=rows)
    back = rng.uniform(6, 60, size=rows)  # hours before now: every row has a later value
    times = pd.to_datetime([repo.now - timedelta(hours=float(h)) for h in back], utc=True)
    entity = pd.DataFrame({"driver_id": drivers, "event_timestamp": times})
    features = ["driver_stats:conv_rate", "driver_stats:trips", "driver_stats:city"]
    store = repo.store()
    if naive:
        latest = store.get_online_features(
            features=features, entity_rows=[{"driver_id": int(d)} for d in drivers]
        ).to_dict()
        return entity.assign(
            conv_rate=latest["conv_rate"], trips=latest["trips"], city=latest["city"]
        )
    joined = store.get_historical_features(
        entity_df=entity, features=features, filter_by_created_timestamp=True
    ).to_df()
    return joined.sort_values(["event_timestamp", "driver_id"]).reset_index(drop=True)
