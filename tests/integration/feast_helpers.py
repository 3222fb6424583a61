"""What the Feast tests share: the CLI's report read back, mlgate.yml and an entity file
written in the test's folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from feast_repo import Repo


def skew_json(path: str = "mlgate-skew.json") -> dict[str, Any]:
    return dict(json.loads(Path(path).read_text()))


def rows_by_feature(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["feature"]: m for m in report["mismatches"]}


def config(text: str) -> None:
    Path("mlgate.yml").write_text("model: driver-ranker\n" + text)


def entities(repo: Repo, path: str = "drivers.csv", *, drivers: int | None = None) -> str:
    count = drivers or repo.drivers
    Path(path).write_text("driver_id\n" + "".join(f"{1000 + i}\n" for i in range(count)))
    return path
