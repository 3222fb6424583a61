"""Mutated input files through the real commands: every format mlgate reads, from a valid
example, broken the ways files break (bytes cut or inserted, NUL and invalid UTF-8, another
separator, the header dropped, a line doubled, a value replaced) — the answer must be a
decision or an input error (exit 0, 1 or 2; the canary's inconclusive is a decision, 5), never an internal error (exit 4) or a
traceback. Shared by tests/cli/test_fuzz_inputs.py and benchmarks/fuzz_inputs.py."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner
from hypothesis import strategies as st

from mlgate.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
INPUT_ERROR = 2
CANARY_CONFIG = b"""model: churn-classifier
canary:
  rules:
    error_rate: {max_rise: 0.05}
    latency_p95: {max_rise_pct: 50}
    accuracy: {max_drop: 0.1}
    output_drift: {max: 0.5}
"""


@dataclass(frozen=True)
class Format:
    """One file format: the valid example it starts from, and the command that reads it
    (``{file}`` is the mutated copy, under a name of its own; the others are valid files in
    the same folder, which no format mutates)."""

    name: str
    example: str  # the file name the mutated bytes are written as
    seed: Callable[[Path], bytes]  # the valid example's bytes, made in the folder
    args: tuple[str, ...]
    decisions: tuple[int, ...] = (0, 1)  # the command's decisions (the canary's: and 5)


def _head(path: Path, lines: int) -> bytes:
    return b"".join(path.read_bytes().splitlines(keepends=True)[:lines])


def _same_ids(path: Path, like: bytes) -> bytes:
    """The rows of ``path`` whose id (first column) is among ``like``'s, with its header."""
    wanted = {line.split(b",", 1)[0] for line in like.splitlines()[1:]}
    lines = path.read_bytes().splitlines(keepends=True)
    return b"".join([lines[0], *(line for line in lines[1:] if line.split(b",", 1)[0] in wanted)])


CANDIDATE_ROWS = 300


def _candidate_predictions(_: Path) -> bytes:
    return _head(EXAMPLES / "predictions" / "candidate.csv", CANDIDATE_ROWS)


def _quickstart(name: str) -> Callable[[Path], bytes]:
    return lambda _: (EXAMPLES / "quickstart" / name).read_bytes()


def _verdict(folder: Path) -> bytes:
    out = folder / "seed-verdict.json"
    _run(
        folder,
        "compare",
        "-c",
        str(EXAMPLES / "quickstart" / "mlgate.yml"),
        "--candidate",
        str(EXAMPLES / "quickstart" / "candidate.json"),
        "--baseline",
        str(EXAMPLES / "quickstart" / "production.json"),
        "--out",
        str(out),
        "--report",
        str(folder / "seed.md"),
        "--print",
        "none",
    )
    return out.read_bytes()


def _drift_report(folder: Path) -> bytes:
    out = folder / "seed-drift.json"
    _run(
        folder,
        "drift",
        "--reference",
        "reference.csv",
        "--current",
        "current.csv",
        "--out",
        str(out),
        "--report",
        str(folder / "seed-drift.md"),
        "--print",
        "none",
    )
    return out.read_bytes()


def _canary_outcomes(_: Path) -> bytes:
    """600 requests a variant, the canary no worse: a pass the mutations must not break."""
    import numpy as np

    rng = np.random.default_rng(0)
    lines = ["id,variant,error,latency,label,prediction,score"]
    for variant in ("stable", "canary"):
        for i in range(600):
            label = int(rng.random() < 0.4)
            prediction = label if rng.random() < 0.9 else 1 - label
            score = round(float(np.clip(0.2 + 0.6 * prediction + rng.normal(0, 0.1), 0, 1)), 4)
            error = "true" if rng.random() < 0.01 else "false"
            latency = round(float(rng.lognormal(-3, 0.3)), 5)
            lines.append(f"{variant}-{i},{variant},{error},{latency},{label},{prediction},{score}")
    return ("\n".join(lines) + "\n").encode()


def _plan(folder: Path) -> bytes:
    """A one-model plan as ``mlgate plan --format json`` prints it, and that model's verdict
    where the summary looks for it."""
    (folder / "verdicts" / "churn").mkdir(parents=True, exist_ok=True)
    (folder / "verdicts" / "churn" / "verdict.json").write_bytes(_verdict(folder))
    plan = {
        "kind": "mlgate-plan",
        "planned": [
            {
                "model": "churn-classifier",
                "config": "mlgate.yml",
                "working-directory": ".",
                "reason": "changed: mlgate.yml",
            }
        ],
        "removed": [],
        "models": 1,
    }
    return json.dumps(plan, indent=2).encode()


# The deploy section (docs/deploy.md), every key used: checked when mlgate.yml is read.
DEPLOY_SECTION = b"""
deploy:
  repository: acme/churn-deploy
  path: .
  branch: main
  environment: production
  uri: "gs://models/{name}/{version}"
  files:
    - path: deploy/inferenceservice.yaml
      kind: kserve
      canary: 10
    - path: helm/values.yaml
      kind: set
      set: {model.uri: "{uri}", "model.tags[0]": "v{version}"}
  auto_merge: false
"""

COMPARE = (
    "compare",
    "--print",
    "none",
    "--out",
    "verdict.json",
    "--report",
    "report.md",
)
CANARY = ("canary", "--out", "canary.json", "--report", "canary.md", "--print", "none")
ON_QUICKSTART = (
    *COMPARE,
    "-c",
    "mlgate.yml",
    "--candidate",
    "candidate.json",
    "--baseline",
    "production.json",
)
FORMATS = (
    Format(
        name="config",
        example="config-in.yml",
        seed=_quickstart("mlgate.yml"),
        args=(
            *COMPARE,
            "-c",
            "{file}",
            "--candidate",
            "candidate.json",
            "--baseline",
            "production.json",
        ),
    ),
    Format(
        name="deploy config",
        example="deploy-in.yml",
        seed=lambda _: (EXAMPLES / "quickstart" / "mlgate.yml").read_bytes() + DEPLOY_SECTION,
        args=(
            *COMPARE,
            "-c",
            "{file}",
            "--candidate",
            "candidate.json",
            "--baseline",
            "production.json",
        ),
    ),
    Format(
        name="metrics",
        example="candidate-in.json",
        seed=_quickstart("candidate.json"),
        args=(
            *COMPARE,
            "-c",
            "mlgate.yml",
            "--candidate",
            "{file}",
            "--baseline",
            "production.json",
        ),
    ),
    Format(
        name="predictions",
        example="candidate-in.csv",
        seed=_candidate_predictions,
        args=(
            *COMPARE,
            "-c",
            "predictions.yml",
            "--candidate-predictions",
            "{file}",
            "--baseline-predictions",
            "production.csv",
        ),
    ),
    Format(
        name="drift table",
        example="current-in.csv",
        seed=lambda _: _head(EXAMPLES / "drift" / "served.csv", 300),
        args=(
            "drift",
            "-c",
            "drift.yml",
            "--reference",
            "reference.csv",
            "--current",
            "{file}",
            "--out",
            "drift.json",
            "--report",
            "drift.md",
            "--print",
            "none",
        ),
    ),
    Format(
        name="verdict",
        example="verdict-in.json",
        seed=_verdict,
        args=("report", "{file}", "--out", "rendered.md"),
    ),
    Format(
        name="drift report",
        example="drift-in.json",
        seed=_drift_report,
        args=(
            *ON_QUICKSTART,
            "--drift",
            "{file}",
        ),
    ),
    Format(
        name="model tests",
        example="tests.json",
        seed=lambda _: json.dumps(
            {
                "kind": "mlgate-model-tests",
                "schema_version": 1,
                "tests": [{"nodeid": "t.py::test_a", "outcome": "passed", "critical": True}],
            }
        ).encode(),
        args=(
            *ON_QUICKSTART,
            "--model-tests",
            "{file}",
        ),
    ),
    Format(
        name="plan",
        example="plan-in.json",
        seed=_plan,
        args=(
            "summary",
            "--plan",
            "{file}",
            "--platform",
            "local",
            "--out-dir",
            "summary",
            "verdicts",
        ),
    ),
    Format(
        name="canary outcomes",
        example="canary-in.csv",
        seed=_canary_outcomes,
        args=(*CANARY, "-c", "canary.yml", "--outcomes", "{file}"),
        decisions=(0, 1, 5),
    ),
    Format(
        name="canary config",
        example="canary-in.yml",
        seed=lambda _: CANARY_CONFIG,
        args=(*CANARY, "-c", "{file}", "--outcomes", "canary.csv"),
        decisions=(0, 1, 5),
    ),
    Format(
        name="outcomes",
        example="outcomes.csv",
        seed=_candidate_predictions,
        args=(
            "monitor",
            "-c",
            "predictions.yml",
            "--model",
            "churn-classifier",
            "--platform",
            "local",
            "--outcomes",
            "{file}",
            "--performance-reference",
            "production.csv",
            "--out",
            "monitor.json",
            "--report",
            "monitor.md",
            "--print",
            "none",
        ),
    ),
)


def workspace() -> Path:
    """A folder with every valid file the commands need beside the mutated one."""
    folder = Path(tempfile.mkdtemp(prefix="mlgate-fuzz-"))
    for name in ("mlgate.yml", "candidate.json", "production.json"):
        shutil.copy(EXAMPLES / "quickstart" / name, folder / name)
    shutil.copy(EXAMPLES / "predictions" / "mlgate.yml", folder / "predictions.yml")
    (folder / "production.csv").write_bytes(
        _same_ids(EXAMPLES / "predictions" / "production.csv", _candidate_predictions(folder))
    )
    shutil.copy(EXAMPLES / "drift" / "mlgate.yml", folder / "drift.yml")
    (folder / "reference.csv").write_bytes(_head(EXAMPLES / "drift" / "training.csv", 300))
    (folder / "current.csv").write_bytes(_head(EXAMPLES / "drift" / "served.csv", 300))
    (folder / "canary.yml").write_bytes(CANARY_CONFIG)
    (folder / "canary.csv").write_bytes(_canary_outcomes(folder))
    return folder


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` broken by one to three of the ways files break."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                ["cut", "insert", "replace", "separator", "header", "double", "truncate", "token"]
            )
        )
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "cut":
            del data[at : at + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[at:at] = draw(
                st.one_of(
                    st.sampled_from(
                        [b"\x00", b"\xff\xfe", b"\r", b'"', b"\n", b",", b":", b"- ", b"{"]
                    ),
                    st.binary(min_size=1, max_size=8),
                )
            )
        elif kind == "replace" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "separator":
            data = bytearray(
                bytes(data).replace(b",", draw(st.sampled_from([b";", b"\t", b" ", b"|"])))
            )
        elif kind == "header":
            data = bytearray(b"".join(bytes(data).splitlines(keepends=True)[1:]))
        elif kind == "double":
            lines = bytes(data).splitlines(keepends=True)
            if lines:
                line = lines[draw(st.integers(0, len(lines) - 1))]
                lines.insert(draw(st.integers(0, len(lines))), line)
                data = bytearray(b"".join(lines))
        elif kind == "truncate":
            del data[at:]
        elif kind == "token":
            value = draw(
                st.sampled_from(
                    [
                        b"nan",
                        b"-inf",
                        b"1e999",
                        b"",
                        b"null",
                        b"true",
                        b"[]",
                        b"{}",
                        b"-1",
                        b"\xc3\x28",
                        b"x" * 300,
                    ]
                )
            )
            end = at
            while end < len(data) and data[end : end + 1] not in (b",", b"\n", b":", b" "):
                end += 1
            data[at:end] = value
    return bytes(data)


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    output: str


def run_case(folder: Path, fmt: Format, content: bytes) -> Outcome:
    """Write ``content`` as the format's file and run its command in ``folder``."""
    (folder / fmt.example).write_bytes(content)
    args = [a.replace("{file}", fmt.example) for a in fmt.args]
    return _run(folder, *args)


def _run(folder: Path, *args: str) -> Outcome:
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, list(args), prog_name="mlgate", catch_exceptions=True)
    finally:
        os.chdir(previous)
    output = result.output + (f"\n{result.exception!r}" if result.exit_code == 4 else "")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return Outcome(exit_code=4, output=f"{output}\nTraceback: {result.exception!r}")
    return Outcome(exit_code=result.exit_code, output=output)


def acceptable(outcome: Outcome, fmt: Format) -> bool:
    """A decision of the format's command or an input error, and no traceback."""
    allowed = (*fmt.decisions, INPUT_ERROR)
    return outcome.exit_code in allowed and "Traceback" not in outcome.output
