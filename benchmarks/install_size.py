"""Install footprint: `pip install mlgate` (runtime: mlflow-skinny) against
`pip install mlgate[local]` (full MLflow + scikit-learn), each in a fresh venv.

The reference is the same set installed side by side in one run; the table shows the
size added to an empty venv, the number of distributions, and the install's wall time
(uv, no cache, as a CI runner without a warm cache would see it). Target: runtime < 200 MB.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MB = 200


def size_mb(folder: Path) -> float:
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def measure(spec: str, workdir: Path, uv: str) -> tuple[float, int, float]:
    env_dir = workdir / spec.replace("[", "-").replace("]", "").replace(".", "runtime")
    venv.create(env_dir, with_pip=False)
    empty = size_mb(env_dir)
    python = str(env_dir / "bin" / "python")
    started = time.perf_counter()
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--no-cache", "--python", python, f"{ROOT}{spec[1:]}"],
        check=True,
    )
    elapsed = time.perf_counter() - started
    listed = subprocess.run(
        [uv, "pip", "list", "--python", python], capture_output=True, text=True, check=True
    )
    count = len(listed.stdout.strip().splitlines()) - 2
    return size_mb(env_dir) - empty, count, elapsed


def main() -> int:
    uv = str(Path(sys.executable).parent / "uv")
    with tempfile.TemporaryDirectory() as tmp:
        rows = {spec: measure(spec, Path(tmp), uv) for spec in (".", ".[local]")}
    print("Install footprint (fresh venvs, uv, no cache)\n")
    print("| install | added size MB | distributions | wall s |")
    print("|---|---:|---:|---:|")
    for spec, (megabytes, count, seconds) in rows.items():
        name = "pip install mlgate" if spec == "." else "pip install 'mlgate[local]'"
        print(f"| {name} | {megabytes:.0f} | {count} | {seconds:.1f} |")
    runtime = rows["."][0]
    print(f"\nruntime / local size ratio: {runtime / rows['.[local]'][0]:.2f}")
    verdict = "meets" if runtime < TARGET_MB else "MISSES"
    print(f"runtime install {runtime:.0f} MB {verdict} the {TARGET_MB} MB target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
