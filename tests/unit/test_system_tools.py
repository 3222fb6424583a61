"""scripts/system-tools.sh, the first thing `make test` runs: the system tools are found, or
installed from apt when this user may, or named in one line before any test runs. Run here
with a PATH of stand-ins, so nothing is installed on the machine running the tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-tools.sh"
UTILITIES = ("bash", "sed", "cat", "env")  # what the script itself runs


def stub(folder: Path, name: str, body: str = "exit 0") -> None:
    path = folder / name
    path.write_text(f"#!/bin/bash\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A PATH holding the utilities and every tool, as stand-ins that do nothing."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in UTILITIES:
        found = shutil.which(name)
        assert found, name
        (folder / name).symlink_to(found)
    tools = (
        "git",
        "rsync",
        "node",
        "npm",
        "prometheus",
        "promtool",
        "prometheus-pushgateway",
        "java",
    )
    for name in (*tools, "initdb"):
        stub(folder, name)
    stub(folder, "id", 'echo "${FAKE_UID:-1000}"')
    return folder


def run(bin_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT)],
        env={"PATH": str(bin_dir), "PYTHON": sys.executable, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_nothing_to_do_when_every_tool_is_there(bin_dir: Path) -> None:
    done = run(bin_dir)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_a_missing_tool_without_permission_to_install_is_named_in_one_line(
    bin_dir: Path,
) -> None:
    (bin_dir / "rsync").unlink()
    stub(bin_dir, "apt-get", "echo apt-get must not run >&2; exit 9")
    done = run(bin_dir)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "rsync: gitlab-ci-local's shell executor in tests/e2e; " in done.stderr
    assert "sudo apt-get install rsync" in done.stderr


def test_root_installs_what_is_missing_from_apt_and_says_so(bin_dir: Path, tmp_path: Path) -> None:
    (bin_dir / "rsync").unlink()
    (bin_dir / "npm").unlink()
    calls = tmp_path / "apt-calls"
    stub(bin_dir, "apt-get", f'echo "$*" >> {calls}')
    done = run(bin_dir, FAKE_UID="0")
    assert done.returncode == 0, done.stderr
    assert "installing rsync npm from apt" in done.stderr
    lines = calls.read_text().splitlines()
    assert lines[0] == "update -qq"
    assert lines[1] == "install -y -qq --no-install-recommends rsync npm"


def test_postgresql_is_found_off_path_else_installed(bin_dir: Path, tmp_path: Path) -> None:
    (bin_dir / "initdb").unlink()
    debian = tmp_path / "postgresql"
    (debian / "15" / "bin").mkdir(parents=True)
    stub(debian / "15" / "bin", "initdb")
    assert run(bin_dir, PG_LIB_DIR=str(debian)).returncode == 0, "Debian's place is looked in"
    calls = tmp_path / "apt-calls"
    stub(bin_dir, "apt-get", f'echo "$*" >> {calls}')
    done = run(bin_dir, FAKE_UID="0", PG_LIB_DIR=str(tmp_path / "none"))
    assert done.returncode == 0, done.stderr
    assert "installing postgresql from apt" in done.stderr
    assert calls.read_text().splitlines()[1].endswith("--no-install-recommends postgresql")


def test_passwordless_sudo_is_used_when_not_root(bin_dir: Path, tmp_path: Path) -> None:
    (bin_dir / "git").unlink()
    calls = tmp_path / "sudo-calls"
    stub(bin_dir, "sudo", f'echo "$*" >> {calls}')
    stub(bin_dir, "apt-get")
    done = run(bin_dir)
    assert done.returncode == 0, done.stderr
    assert calls.read_text().splitlines() == [
        "-n true",
        "-n apt-get update -qq",
        "-n apt-get install -y -qq --no-install-recommends git",
    ]


def test_without_apt_the_command_to_run_is_named(bin_dir: Path) -> None:
    (bin_dir / "node").unlink()
    done = run(bin_dir, FAKE_UID="0")
    assert done.returncode == 1
    assert "node: gitlab-ci-local" in done.stderr and "nodejs" in done.stderr


def test_an_old_python_stops_it(bin_dir: Path, tmp_path: Path) -> None:
    old = tmp_path / "python3.9"
    old.write_text("#!/bin/bash\nexit 1\n")
    old.chmod(0o755)
    done = run(bin_dir, PYTHON=str(old))
    assert done.returncode == 1
    assert "Python 3.10 or newer" in done.stderr


def test_the_script_passes_shellcheck() -> None:
    shellcheck = Path(sys.executable).parent / "shellcheck"
    done = subprocess.run(
        [str(shellcheck), "--severity=style", str(SCRIPT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
