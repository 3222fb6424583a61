"""``mlgate-canary.json``: one canary decision, written atomically, and its JSON Schema
(``schemas/canary.schema.json``, printed by ``mlgate config schema --canary``)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mlgate.core.canary import CanaryReport
from mlgate.files.atomic import write_text_atomic


@cache
def schema() -> dict[str, Any]:
    text = resources.files("mlgate.schemas").joinpath("canary.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def write_canary(path: Path, report: CanaryReport) -> None:
    write_text_atomic(path, json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
