"""`mlgate demo`: a store it did not make is refused. The demo's own end-to-end run is
checked by `demo_checks.check_demo_run`, which tests/test_docs.py calls after running the
README's commands (the demo among them) — one demo run less in `make test`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mlgate.cli import cli


def test_demo_refuses_a_store_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    result = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path)], prog_name="mlgate")
    assert result.exit_code == 2
    assert "exists and was not made by mlgate demo" in result.stderr
