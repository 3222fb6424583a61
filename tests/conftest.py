from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"


@pytest.fixture
def quickstart() -> Path:
    return QUICKSTART


# pytester runs pytest sessions in-process: how mlgate's plugin is tested.
pytest_plugins = ["pytester"]
