"""A verdict.json made from the quick-start example files, for the publishing tests."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mlgate.cli import cli

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart"


def quickstart_verdict(folder: Path, candidate: str) -> str:
    result = CliRunner().invoke(
        cli,
        [
            "compare",
            "-c",
            str(QUICKSTART / "mlgate.yml"),
            "--candidate",
            str(QUICKSTART / candidate),
            "--baseline",
            str(QUICKSTART / "production.json"),
            "--out",
            str(folder / "verdict.json"),
            "--report",
            str(folder / "report.md"),
            "--print",
            "none",
        ],
        prog_name="mlgate",
    )
    assert result.exit_code in (0, 1), result.output
    return str(folder / "verdict.json")
