"""What a production registry costs a CI job: `mlgate evaluate` and `mlgate promote` on MLflow
with PostgreSQL + S3 behind basic-auth (artifacts reached directly), against sqlite + local
artifacts (served by the tracking server), on the same scenario in the same run; and the
HTTP requests each command sends to the tracking server and to the object store.

Each repetition registers a new version (not timed), then times `mlgate evaluate` on it
(logged predictions of both versions → paired intervals; the verdict recorded) and
`mlgate promote` of it — each a whole CLI process, as a CI job runs it. Requests are counted
by a loopback proxy in front of each server (the same proxy on both sides).

    python benchmarks/production_registry.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "integration"), str(ROOT / "tests" / "fakes")]

from fault_proxy import FaultyProxy  # noqa: E402
from mlflow_service import running_mlflow_server  # noqa: E402
from production_helpers import MLGATE, SHA, job_environment, log_and_register  # noqa: E402
from production_registry import running_production_registry  # noqa: E402
from registry_helpers import frame  # noqa: E402


@dataclass
class Backend:
    name: str
    url: str
    env: dict[str, str]
    tracking: FaultyProxy
    s3: FaultyProxy | None


@contextmanager
def sqlite_backend(root: Path) -> Iterator[Backend]:
    with running_mlflow_server(root) as url:
        proxy = FaultyProxy(url)
        try:
            yield Backend(
                "sqlite + local", proxy.url, {"MLFLOW_TRACKING_URI": proxy.url}, proxy, None
            )
        finally:
            proxy.close()


@contextmanager
def production_backend(root: Path) -> Iterator[Backend]:
    with running_production_registry(root) as registry:
        yield Backend(
            "PostgreSQL + S3 (basic-auth)",
            registry.url,
            registry.env(),
            registry.tracking,
            registry.s3,
        )


def train(backend: Backend, model: str, strength: float) -> str:
    """A training run with logged predictions, registered as a new version (the admin);
    MLflow's run links and notices are not printed."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        os.environ.update(backend.env)
        return log_and_register(backend.url, model, strength=strength, data=frame(seed=1)).version


def timed(backend: Backend, cwd: Path, *args: str) -> tuple[float, int, int]:
    import subprocess

    backend.tracking.reset_counts()
    if backend.s3:
        backend.s3.reset_counts()
    env = job_environment(backend.env, home=cwd / ".home")
    started = time.perf_counter()
    done = subprocess.run(
        [str(MLGATE), *args],
        cwd=cwd, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(
            f"{backend.name}: mlgate {args[0]} exited {done.returncode}: {done.stderr}"
        )
    return elapsed, backend.tracking.count(), backend.s3.count() if backend.s3 else 0


def scenario(backend: Backend, root: Path, repeat: int) -> dict[str, list[tuple[float, int, int]]]:
    model = "bench-churn"
    cwd = root / "job"
    cwd.mkdir()
    frame(seed=1).to_csv(cwd / "eval.csv", index=False)
    (cwd / "mlgate.yml").write_text(
        f"model: {model}\nmetrics:\n  accuracy: {{max_drop: 0.5}}\napproval: {{required: 1}}\n"
    )
    results: dict[str, list[tuple[float, int, int]]] = {"evaluate": [], "promote": []}
    for i in range(repeat + 1):
        version = train(backend, model, strength=1.0 / (i + 1))
        evaluated = timed(backend, cwd, "evaluate", "--candidate", f"models:/{model}/{version}",
                          "--commit", SHA, "--print", "none")  # fmt: skip
        promoted = timed(backend, cwd, "promote", "--version", version, "--approved-by", "bench",
                         "--commit", SHA)  # fmt: skip
        if i:  # the first round has no production model yet: a warm-up, not measured
            results["evaluate"].append(evaluated)
            results["promote"].append(promoted)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    logging.getLogger("mlflow").setLevel(logging.ERROR)  # the training's run links
    warnings.simplefilter("ignore")
    measured = {}
    for make in (sqlite_backend, production_backend):
        with tempfile.TemporaryDirectory() as folder, make(Path(folder)) as backend:
            measured[backend.name] = scenario(backend, Path(folder), options.repeat)
    local, production = measured.values()
    print(f"production_registry: median of {options.repeat}, each a whole `mlgate` process")
    print(f"{'command':<10} {'sqlite + local':>15} {'PG + S3 + auth':>15} {'ratio':>7}"
          f" {'tracking req.':>14} {'S3 req.':>8} {'sqlite req.':>12}")  # fmt: skip
    for command in ("evaluate", "promote"):
        a = statistics.median(t for t, _, _ in local[command])
        b = statistics.median(t for t, _, _ in production[command])
        tracking = statistics.median(r for _, r, _ in production[command])
        s3 = statistics.median(r for _, _, r in production[command])
        here = statistics.median(r for _, r, _ in local[command])
        print(f"{command:<10} {a:>14.2f}s {b:>14.2f}s {b / a:>6.2f}x {tracking:>14.0f}"
              f" {s3:>8.0f} {here:>12.0f}")  # fmt: skip
    per_job = sum(
        statistics.median(r for _, r, _ in production[c])
        + statistics.median(r for _, _, r in production[c])
        for c in ("evaluate", "promote")
    )
    print(f"100 CI jobs an hour (evaluate + promote each): {100 * per_job:,.0f} requests an hour")
    print("(sqlite req.: the same commands against a tracking server that also serves the")
    print(" artifacts, so its count includes what S3 answers on the production side)")


if __name__ == "__main__":
    main()
