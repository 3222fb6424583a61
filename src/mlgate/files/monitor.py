"""Writing monitoring reports (``mlgate-monitor.json``): drift, the model's outputs and
live performance in one document (docs/monitoring.md lists its fields)."""

from __future__ import annotations

import json
from pathlib import Path

from mlgate.core.monitoring import MonitorReport
from mlgate.files.atomic import write_text_atomic


def write_monitor(path: Path, report: MonitorReport) -> None:
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
    write_text_atomic(path, text + "\n")
