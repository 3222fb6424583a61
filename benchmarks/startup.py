"""CLI start-up: `mlgate --help` must start in under 0.3 s (no heavy imports at start-up).

Each command runs REPEAT times, interleaved so machine noise hits every row alike; the
table shows the median and the best, and the ratio of the median to the bare interpreter's
and to `import click` (the floor any click CLI pays).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPEAT = 15
ROOT = Path(__file__).resolve().parent.parent
QUICK = ROOT / "examples" / "quickstart"
TARGET_S = 0.3


def commands(workdir: Path) -> dict[str, list[str]]:
    mlgate = str(Path(sys.executable).parent / "mlgate")
    rows = {
        "python -c pass (interpreter)": [sys.executable, "-c", "pass"],
        "python -c 'import click' (floor)": [sys.executable, "-c", "import click"],
        "mlgate --version": [mlgate, "--version"],
        "mlgate --help": [mlgate, "--help"],
        "mlgate compare (quick-start files)": [
            mlgate,
            "compare",
            "-c",
            str(QUICK / "mlgate.yml"),
            "--candidate",
            str(QUICK / "candidate.json"),
            "--baseline",
            str(QUICK / "production.json"),
            "--out",
            str(workdir / "v.json"),
            "--report",
            str(workdir / "r.md"),
            "--print",
            "none",
        ],
    }
    for name in ("mlflow", "dvc"):
        found = shutil.which(name)
        if found:
            rows[f"{name} --help (reference, if installed)"] = [found, "--help"]
    return rows


def measure(rows: dict[str, list[str]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in rows}
    for _ in range(REPEAT):
        for name, argv in rows.items():
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - start)
    return times


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        times = measure(commands(Path(tmp)))
    base = statistics.median(times["python -c pass (interpreter)"])
    floor = statistics.median(times["python -c 'import click' (floor)"])
    print(f"CLI start-up, {REPEAT} runs each, interleaved\n")
    print(f"| {'command':<40} | median s | best s | × interpreter | × click floor |")
    print(f"|{'-' * 42}|---------:|-------:|--------------:|--------------:|")
    for name, samples in times.items():
        median = statistics.median(samples)
        ratios = f"{median / base:13.1f} | {median / floor:13.2f}"
        print(f"| {name:<40} | {median:8.3f} | {min(samples):6.3f} | {ratios} |")
    help_median = statistics.median(times["mlgate --help"])
    verdict = "meets" if help_median < TARGET_S else "MISSES"
    print(f"\n`mlgate --help` median {help_median:.3f} s {verdict} the {TARGET_S} s target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
