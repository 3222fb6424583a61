"""``mlgate report``, ``mlgate config``, ``--version``, ``--help`` and the error handler."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from mlgate import __version__
from mlgate.cli import cli
from mlgate.cli.errors import MlgateGroup

Run = Callable[..., Result]


@pytest.fixture
def verdict_path(run: Run, quickstart: Path, workdir: Path) -> Path:
    run(
        "compare",
        "-c",
        str(quickstart / "mlgate.yml"),
        "--candidate",
        str(quickstart / "candidate-regressed.json"),
        "--baseline",
        str(quickstart / "production.json"),
        "--print",
        "none",
    )
    return workdir / "verdict.json"


def test_report_prints_markdown_and_exits_0_even_for_a_failed_verdict(
    run: Run, verdict_path: Path, workdir: Path
) -> None:
    result = run("report", str(verdict_path))
    assert result.exit_code == 0
    assert result.stdout == (workdir / "report.md").read_text()


def test_report_to_file_with_budget_and_text_format(
    run: Run, verdict_path: Path, workdir: Path
) -> None:
    assert (
        run("report", str(verdict_path), "--out", "small.md", "--max-chars", "2000").exit_code == 0
    )
    assert len((workdir / "small.md").read_text()) <= 2000
    text = run("report", str(verdict_path), "--format", "text").stdout
    assert text.startswith("mlgate · churn-classifier: FAILED")


def test_report_rejects_what_is_not_a_verdict(run: Run, workdir: Path) -> None:
    (workdir / "v.json").write_text('{"schema_version": 1, "status": "maybe"}')
    result = run("report", "v.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("mlgate: error: v.json: ")


def test_config_schema_prints_the_shipped_schema(run: Run) -> None:
    schema = json.loads(run("config", "schema").stdout)
    assert schema["title"] == "mlgate.yml"
    verdict_schema = json.loads(run("config", "schema", "--verdict").stdout)
    assert verdict_schema["title"] == "mlgate verdict.json"


def test_config_check(run: Run, quickstart: Path, workdir: Path) -> None:
    result = run("config", "check", "-c", str(quickstart / "mlgate.yml"))
    assert result.exit_code == 0
    assert "valid — model churn-classifier, 6 gated metrics" in result.stdout
    assert (
        "  latency_p95_ms: rise ≤ 10%, ≤ 50 (lower is better, from the metric catalogue)"
        in result.stdout
    )
    assert "  with per-example predictions: mode significant, 95% intervals" in result.stdout
    (workdir / "mlgate.yml").write_text(
        "significance: {mode: point, confidence: 0.9}\nslices: {columns: [country]}\n"
        "tests: {paths: [model_tests]}\n"
    )
    summary = run("config", "check").stdout
    assert "mode point, 90% intervals, 2000 resamples, slices by country" in summary
    assert "  model tests: model_tests → mlgate-tests.json" in summary
    (workdir / "mlgate.yml").write_text("metrics: 3\n")
    bad = run("config", "check")
    assert bad.exit_code == 2
    assert bad.stderr == "mlgate: error: mlgate.yml:1: metrics: expected a mapping, got 3\n"


def test_config_check_without_a_config(run: Run) -> None:
    result = run("config", "check")
    assert result.exit_code == 2
    assert "no mlgate.yml in this folder" in result.stderr


def test_version(run: Run) -> None:
    assert run("--version").stdout == f"mlgate {__version__}\n"


@pytest.mark.parametrize(
    "command", [[], ["compare"], ["report"], ["config"], ["config", "schema"], ["config", "check"]]
)
def test_every_command_has_help(run: Run, command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: mlgate" in result.stdout
    if command:
        assert "Example" in result.stdout


def test_internal_errors_are_one_line_with_exit_4(monkeypatch: pytest.MonkeyPatch) -> None:
    group = MlgateGroup("t")

    @group.command()
    def boom() -> None:
        raise RuntimeError("kaput")

    result = CliRunner().invoke(group, ["boom"])
    assert result.exit_code == 4
    assert result.stderr.startswith("mlgate: internal error: RuntimeError: kaput (a bug in mlgate;")
    monkeypatch.setenv("MLGATE_DEBUG", "1")
    assert isinstance(CliRunner().invoke(group, ["boom"]).exception, RuntimeError)


def test_console_script_and_module_entry_points(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "mlgate"
    for argv in ([str(exe), "--version"], [sys.executable, "-m", "mlgate", "--version"]):
        done = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, check=False)
        assert (done.returncode, done.stdout) == (0, f"mlgate {__version__}\n")


def test_cli_start_up_imports_nothing_heavy() -> None:
    code = "import sys, mlgate.cli; print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {'yaml','jinja2','jsonschema','deepdiff','numpy','mlflow','github','gitlab','pyarrow','pandas','pytest','_pytest','scipy'})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
    assert isinstance(cli, click.Group)
