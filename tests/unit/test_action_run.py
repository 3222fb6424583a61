"""action/run.sh, the action's last step: mlgate's exit code becomes the step's, except exit 1
under fail-on-regression: false (a rejected candidate, or a critical model test failing),
which passes with a warning that says which. Run with a stand-in mlgate."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "action" / "run.sh"


def run(tmp_path: Path, command: str, code: int, fail_on_regression: str) -> tuple[int, str, str]:
    mlgate = tmp_path / "mlgate"
    mlgate.write_text(f"#!/bin/bash\nexit {code}\n")
    mlgate.chmod(0o755)
    output = tmp_path / "output.txt"
    done = subprocess.run(
        ["bash", str(SCRIPT)],
        env={
            "PATH": "/usr/bin:/bin",
            "MLGATE_BIN": str(mlgate),
            "MLGATE_ACTION_COMMAND": command,
            "MLGATE_FAIL_ON_REGRESSION": fail_on_regression,
            "GITHUB_OUTPUT": str(output),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout, output.read_text()


@pytest.mark.parametrize(
    ("command", "warning"),
    [
        ("gate", "the gate rejected the candidate"),
        ("test", "a critical model test failed"),
    ],
)
def test_exit_1_passes_with_a_warning_naming_what_failed(
    tmp_path: Path, command: str, warning: str
) -> None:
    code, printed, output = run(tmp_path, command, 1, "false")
    assert code == 0
    assert f"::warning title=mlgate::{warning}; fail-on-regression is false" in printed
    assert "exit-code=1" in output


@pytest.mark.parametrize(("code", "fail_on_regression"), [(1, "true"), (2, "false"), (3, "false")])
def test_other_exits_fail_the_step(tmp_path: Path, code: int, fail_on_regression: str) -> None:
    returned, printed, output = run(tmp_path, "test", code, fail_on_regression)
    assert returned == code
    assert "::warning" not in printed
    assert f"exit-code={code}" in output
