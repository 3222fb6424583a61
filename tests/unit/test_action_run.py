"""action/run.sh, the action's last step: mlgate's exit code becomes the step's, except exit 1
under fail-on-regression: false (a rejected candidate, or a critical model test failing),
which passes with a warning that says which. Run with a stand-in mlgate."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "action" / "run.sh"


def run(
    tmp_path: Path, command: str, code: int, fail_on_regression: str, **env: str
) -> tuple[int, str, str]:
    mlgate = tmp_path / "mlgate"
    mlgate.write_text(f"#!/bin/bash\nprintf 'arg=%s\\n' \"$@\"\nexit {code}\n")
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
            "RUNNER_TEMP": str(tmp_path),
            **env,
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
        ("summary", "a planned model did not pass"),
    ],
)
def test_exit_1_passes_with_a_warning_naming_what_failed(
    tmp_path: Path, command: str, warning: str
) -> None:
    code, printed, output = run(tmp_path, command, 1, "false", MLGATE_ACTION_PLAN="{}")
    assert code == 0
    assert f"::warning title=mlgate::{warning}; fail-on-regression is false" in printed
    assert "exit-code=1" in output


@pytest.mark.parametrize(("code", "fail_on_regression"), [(1, "true"), (2, "false"), (3, "false")])
def test_other_exits_fail_the_step(tmp_path: Path, code: int, fail_on_regression: str) -> None:
    returned, printed, output = run(tmp_path, "test", code, fail_on_regression)
    assert returned == code
    assert "::warning" not in printed
    assert f"exit-code={code}" in output


def test_plan_passes_each_shared_glob_as_one_argument(tmp_path: Path) -> None:
    globs = "  libs/**  \n\n requirements *.txt\n$(touch pwned)\n"
    code, printed, _ = run(tmp_path, "plan", 0, "true", MLGATE_ACTION_SHARED=globs)
    assert code == 0
    args = [line[4:] for line in printed.splitlines() if line.startswith("arg=")]
    assert args == [
        "plan",
        "--format",
        "github",
        "--shared",
        "libs/**",
        "--shared",
        "requirements *.txt",
        "--shared",
        "$(touch pwned)",
    ]
    assert not (tmp_path / "pwned").exists()


def test_summary_writes_the_plan_to_a_file_and_needs_one(tmp_path: Path) -> None:
    matrix = '{"include": [{"model": "a"}]}'
    code, printed, _ = run(
        tmp_path, "summary", 0, "true", MLGATE_ACTION_PLAN=matrix, MLGATE_ACTION_VERDICTS="v"
    )
    args = [line[4:] for line in printed.splitlines() if line.startswith("arg=")]
    assert code == 0 and args[:2] == ["summary", "--plan"] and args[3:] == ["--", "v"]
    assert Path(args[2]).read_text() == matrix
    code, printed, output = run(tmp_path, "summary", 0, "true")
    assert code == 2 and "needs the input plan" in printed and "exit-code=2" in output
