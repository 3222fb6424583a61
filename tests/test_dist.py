"""The release's files as `make dist` builds them: the sdist and the wheel pass `twine check`,
the wheel holds what the runtime reads (schemas, templates, py.typed, the demo's files, the
Grafana dashboard and alert rules), and installed — not editable — into a clean venv it runs
`mlgate --version`, `mlgate config check` and `mlgate compare` on the quick-start files."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import mlgate

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUNTIME_FILES = {
    "mlgate/py.typed",
    "mlgate/schemas/config.schema.json",
    "mlgate/schemas/verdict.schema.json",
    "mlgate/report/templates/report.md.j2",
    "mlgate/report/templates/drift.md.j2",
    "mlgate/demo/mlgate.yml",
    "mlgate/demo/test_model.py",
    "mlgate/monitor/assets/grafana-dashboard.json",
    "mlgate/monitor/assets/prometheus-rules.yml",
}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [str(BIN / "python"), "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    checked = subprocess.run(
        [str(BIN / "twine"), "check", "--strict", *map(str, out.iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return out


@pytest.mark.slow
def test_the_wheel_holds_what_the_runtime_needs_and_runs_from_a_clean_venv(
    dist: Path, tmp_path: Path
) -> None:
    (wheel,) = dist.glob(f"mlgate-{mlgate.__version__}-py3-none-any.whl")
    assert (dist / f"mlgate-{mlgate.__version__}.tar.gz").is_file()
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert names >= RUNTIME_FILES, sorted(RUNTIME_FILES - names)
    modules = {str(p.relative_to(ROOT / "src")) for p in (ROOT / "src" / "mlgate").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)
    # The license text travels with both files (pyproject's license = "Apache-2.0").
    assert f"mlgate-{mlgate.__version__}.dist-info/licenses/LICENSE" in names
    with tarfile.open(dist / f"mlgate-{mlgate.__version__}.tar.gz") as sdist:
        assert f"mlgate-{mlgate.__version__}/LICENSE" in sdist.getnames()

    venv = tmp_path / "venv"
    subprocess.run(
        [str(BIN / "uv"), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True
    )
    subprocess.run(
        [
            str(BIN / "uv"),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            str(wheel),
        ],
        check=True,
    )
    mlgate_exe = str(venv / "bin" / "mlgate")
    quickstart = ROOT / "examples" / "quickstart"

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        # From an empty folder: nothing of the checkout is importable from here.
        return subprocess.run(
            [mlgate_exe, *map(str, args)], cwd=tmp_path, capture_output=True, text=True, check=False
        )

    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"mlgate {mlgate.__version__}"
    located = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import mlgate; print(mlgate.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(venv) in located.stdout  # the installed copy, not the editable checkout
    checked = run("config", "check", "--config", quickstart / "mlgate.yml")
    assert checked.returncode == 0, checked.stderr
    compared = run(
        "compare",
        "--config",
        quickstart / "mlgate.yml",
        "--candidate",
        quickstart / "candidate.json",
        "--baseline",
        quickstart / "production.json",
    )
    assert compared.returncode == 0, compared.stdout + compared.stderr
    assert (tmp_path / "verdict.json").is_file() and (tmp_path / "report.md").is_file()
