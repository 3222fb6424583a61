"""``mlgate test``: run pytest with mlgate's plugin on the configured test paths and the
candidate, then judge the results the way the gate will."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from mlgate.core.checks import Check, Status
from mlgate.core.model_test_gate import judge_model_tests
from mlgate.core.model_tests import ModelTests
from mlgate.core.verdict import Identity
from mlgate.errors import ExitCode, InputError, UsageError
from mlgate.testing.results import annotation_lines

# pytest's exit codes (pytest.ExitCode), without importing pytest to read them.
_PYTEST_INTERNAL, _PYTEST_USAGE, _PYTEST_NO_TESTS = 3, 4, 5


@dataclass(frozen=True, kw_only=True)
class TestRun:
    """What ``mlgate test`` was asked to run."""

    __test__ = False  # not a pytest test class

    paths: tuple[Path, ...]
    results: Path
    candidate: str | None = None
    baseline: str | None = None
    model: str | None = None
    data: Path | None = None
    junit: Path | None = None
    tags: tuple[str, ...] = ()
    tracking_uri: str | None = None
    required: bool = True
    pytest_args: tuple[str, ...] = field(default_factory=tuple)
    capture: bool = False  # keep pytest's output (TestOutcome.output) instead of printing it


@dataclass(frozen=True, kw_only=True)
class TestOutcome:
    __test__ = False

    results: ModelTests
    check: Check
    exit_code: ExitCode
    output: str = ""


def pytest_command(run: TestRun) -> list[str]:
    command = [sys.executable, "-m", "pytest", *map(str, run.paths)]
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        command += ["-p", "mlgate.pytest_plugin"]
    options = {
        "--mlgate-candidate": run.candidate,
        "--mlgate-baseline": run.baseline,
        "--mlgate-model": run.model,
        "--mlgate-data": str(run.data) if run.data else None,
        "--mlgate-results": str(run.results),
        "--junitxml": str(run.junit) if run.junit else None,
    }
    for option, value in options.items():
        if value:
            command.append(f"{option}={value}")
    for tag in run.tags:
        command.append(f"--mlgate-tag={tag}")
    return [*command, *run.pytest_args]


def check_options(run: TestRun) -> None:
    """What can be checked before pytest starts: the test paths, the candidate reference
    and the data file — a refusal leaves the previous results as they were."""
    from mlgate.adapters.models import ModelLoadError, resolve_uri
    from mlgate.testing.data import DataError, check_data_path

    missing = [str(path) for path in run.paths if not path.exists()]
    if missing:
        raise UsageError(
            f"tests.paths: {', '.join(missing)} not found (mlgate.yml `tests.paths`, relative "
            "to the config's folder); nothing was run"
        )
    if run.candidate:
        try:
            resolve_uri(run.candidate)
        except ModelLoadError as exc:
            raise UsageError(f"--candidate: {exc}; nothing was run") from None
    if run.data is not None:
        try:
            check_data_path(run.data)
        except DataError as exc:
            raise UsageError(f"--data: {exc}; nothing was run") from None
    if not run.results.parent.is_dir() and run.results.parent != Path():
        try:
            run.results.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{run.results}: cannot write: {exc.strerror or exc}") from None


def run_model_tests(run: TestRun) -> TestOutcome:
    """Run the tests (their output goes straight to the terminal), then read what the
    plugin wrote. The plugin writes beside the results file and the file is replaced only
    when the tests ran, so a refusal never leaves an incomplete file in its place, and a
    stale one is never mistaken for this run's (it carries its candidate)."""
    from mlgate.files.model_tests import read_results

    check_options(run)
    final = run.results
    partial = run.results.with_name(run.results.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
    except OSError as exc:
        raise InputError(f"{partial}: cannot replace: {exc.strerror or exc}") from None
    run = replace(run, results=partial)
    env = dict(os.environ)
    if run.tracking_uri:
        env["MLFLOW_TRACKING_URI"] = run.tracking_uri
    in_actions = env.get("GITHUB_ACTIONS") == "true" and not run.capture
    resume = secrets.token_hex(16)
    if in_actions:
        # The tests' output (PR code, messages from data) must not be read as workflow
        # commands; mlgate's own, escaped annotations follow once commands are back on.
        print(f"::stop-commands::{resume}", flush=True)
    try:
        done = subprocess.run(
            pytest_command(run), env=env, check=False, capture_output=run.capture, text=True
        )
    finally:
        if in_actions:
            print(f"::{resume}::", flush=True)
    code, output = done.returncode, (done.stdout or "") + (done.stderr or "")
    where = "in its output:\n" + output.strip()[-2000:] if run.capture else "(its error is above)"
    kept = f"; {final} was left as it was" if final.exists() else ""
    if code == _PYTEST_USAGE:
        partial.unlink(missing_ok=True)
        raise UsageError(f"pytest could not start the model tests {where}{kept}")
    if code == _PYTEST_INTERNAL:
        partial.unlink(missing_ok=True)
        raise UsageError(f"pytest failed with an internal error {where}{kept}")
    if not partial.exists():
        raise UsageError(f"pytest exited with {code} without writing {final}{kept}")
    results = read_results(partial)
    if code == _PYTEST_NO_TESTS and not results.tests:
        partial.unlink(missing_ok=True)
        where = ", ".join(map(str, run.paths))
        raise UsageError(
            f"no model tests were collected in {where}"
            + (f" with tags {', '.join(run.tags)}" if run.tags else "")
            + f" (check tests.paths in mlgate.yml){kept}"
        )
    try:
        os.replace(partial, final)
    except OSError as exc:
        raise InputError(f"{final}: cannot replace: {exc.strerror or exc}") from None
    if in_actions:
        for line in annotation_lines(results.tests):
            print(line, flush=True)
    check = judge_model_tests(
        results, candidate=Identity(label="candidate"), required=run.required, tie=False
    )
    exit_code = ExitCode.GATE_REJECTED if check.status is Status.FAIL else ExitCode.OK
    return TestOutcome(results=results, check=check, exit_code=exit_code, output=output)
