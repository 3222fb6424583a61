"""The one place errors become exit codes (cli/errors.py): each kind of error gets its
documented code and one line of stderr — never a traceback, unless MLGATE_DEBUG asks — and
nothing but a rejected gate ever exits 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mlgate.cli import cli
from mlgate.cli.errors import MlgateGroup
from mlgate.errors import ConfigError, ExitCode, InputError, ServiceError, UsageError


def group(exc: BaseException) -> click.Group:
    @click.group(cls=MlgateGroup)
    def app() -> None:
        pass

    @app.command()
    def boom() -> None:
        raise exc

    return app


@pytest.mark.parametrize(
    ("exc", "code", "stderr"),
    [
        (UsageError("--candidate: give a model"), 2, "mlgate: error: --candidate: give a model\n"),
        (InputError("m.json: metrics: bad"), 2, "mlgate: error: m.json: metrics: bad\n"),
        (ServiceError("registry: 503 after 3 attempts"), 3, "mlgate: error: registry: 503"),
        (
            ConfigError("mlgate.yml:2: a: x\nmlgate.yml:3: b: y"),
            2,
            "mlgate: error: mlgate.yml:2: a: x\nmlgate: error: mlgate.yml:3: b: y\n",
        ),
        (ServiceError(""), 3, "mlgate: error: ServiceError\n"),
    ],
)
def test_mlgate_errors_get_their_code_and_one_line_each(
    exc: Exception, code: int, stderr: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLGATE_DEBUG", raising=False)
    result = CliRunner().invoke(group(exc), ["boom"])
    assert result.exit_code == code
    assert result.stderr.startswith(stderr)
    assert "Traceback" not in result.stderr


def test_a_bug_exits_4_in_one_line_and_says_how_to_see_the_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MLGATE_DEBUG", raising=False)
    result = CliRunner().invoke(group(KeyError("multi\nline\n" + "x" * 2000)), ["boom"])
    assert result.exit_code == ExitCode.INTERNAL == 4
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("mlgate: internal error: KeyError: ")
    assert lines[0].endswith(
        "(a bug in mlgate; rerun with MLGATE_DEBUG=1 for the traceback and report it)"
    )
    assert len(lines[0]) < 700


def test_mlgate_debug_lets_the_traceback_through(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLGATE_DEBUG", "1")
    result = CliRunner().invoke(group(KeyError("bug")), ["boom"])
    assert isinstance(result.exception, KeyError)


def test_ctrl_c_is_never_read_as_a_rejected_gate() -> None:
    result = CliRunner().invoke(group(KeyboardInterrupt()), ["boom"])
    assert result.exit_code == ExitCode.INTERRUPTED == 130
    assert result.stderr == "mlgate: interrupted\n"


def test_a_closed_pipe_is_not_an_error() -> None:
    result = CliRunner().invoke(group(BrokenPipeError()), ["boom"])
    assert result.exit_code == 0


def test_click_usage_errors_keep_exit_2() -> None:
    result = CliRunner().invoke(cli, ["compare", "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option '--no-such-option'" in result.stderr


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["promte"])
    assert result.exit_code == 2
    assert "No such command 'promte'" in result.stderr


def test_exit_codes_are_in_the_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    for code in (
        "0  passed",
        "1  the gate rejected",
        "2  usage",
        "3  an outside",
        "4  an internal",
        "130  interrupted",
    ):
        assert code in result.output


def test_python_dash_m_mlgate_runs_the_cli(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mlgate", "report", str(tmp_path / "missing.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("mlgate: error: ")
    assert "missing.json" in done.stderr and "Traceback" not in done.stderr
