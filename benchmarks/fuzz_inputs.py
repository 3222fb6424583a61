"""How many mutated input files the property tests can run, and what came of them: each
format mlgate reads (tests/cli/fuzz_inputs.py: configs, metrics, predictions, drift tables,
verdicts, drift reports, model-test results, outcomes) mutated by Hypothesis and read by
the command that reads it. Every case must end in exit 0, 1 or 2 with no traceback; the
table counts the exits, the internal errors (exit 4) and the tracebacks, which must be 0.

    .venv/bin/python benchmarks/fuzz_inputs.py [--cases 300] [--seed 0]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "cli"))

from fuzz_inputs import FORMATS, Format, acceptable, mutated, run_case, workspace  # noqa: E402


def fuzz(fmt: Format, folder: Path, *, cases: int, at: int) -> tuple[Counter[int], list[str]]:
    original = fmt.seed(folder)
    exits: Counter[int] = Counter()
    broken: list[str] = []

    @seed(at)
    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        content = data.draw(mutated(original))
        outcome = run_case(folder, fmt, content)
        exits[int(outcome.exit_code)] += 1
        if not acceptable(outcome, fmt):
            broken.append(outcome.output.strip().splitlines()[0][:160] if outcome.output else "")

    run()
    return exits, broken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300, help="mutated files per format")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    folder = workspace()
    rows, total, failures = [], 0, 0
    started = time.perf_counter()
    try:
        for fmt in FORMATS:
            exits, broken = fuzz(fmt, folder, cases=args.cases, at=args.seed)
            count = sum(exits.values())
            total += count
            failures += len(broken)
            rows.append(
                (fmt.name, count, exits[0], exits[1], exits[2], exits[5], len(broken), broken[:1])
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"mutated input files through the real commands (seed {args.seed})\n")
    print("| format | cases | exit 0 | exit 1 | exit 2 | exit 5 | exit 4 or traceback |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name, count, ok, rejected, refused, undecided, bad, example in rows:
        print(f"| {name} | {count} | {ok} | {rejected} | {refused} | {undecided} | {bad} |")
        for line in example:
            print(f"|   first: {line} | | | | | | |")
    elapsed = time.perf_counter() - started
    print(f"\n{total} cases in {elapsed:.0f} s; internal errors or tracebacks: {failures}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
