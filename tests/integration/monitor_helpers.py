"""What the monitor's integration tests share: the environment of a scheduled GitHub
Actions run against the fake GitHub, and an outcomes file of a known accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from github_server import FakeGitHub

REPO = "acme/churn"
N = 3000


def in_scheduled_github_run(
    github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The environment of a scheduled GitHub Actions run (run 77) talking to the fake."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"schedule": "0 6 * * 1"}))
    for key, value in {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_API_URL": github.api_url,
        "GITHUB_TOKEN": "actions-token",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_RUN_ID": "77",
    }.items():
        monkeypatch.setenv(key, value)


def outcomes_file(path: Path, *, accuracy: float, labelled: bool = True, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, N)
    right = rng.random(N) < accuracy
    predicted = np.where(right, labels, 1 - labels)
    shown = [str(v) if labelled else "" for v in labels]
    lines = ["id,label,prediction"] + [f"{i},{shown[i]},{predicted[i]}" for i in range(N)]
    path.write_text("\n".join(lines) + "\n")
    return path
