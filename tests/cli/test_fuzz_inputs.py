"""Property: no input a user can produce makes mlgate fail with an internal error. Each
format's valid example is mutated by Hypothesis (tests/cli/fuzz_inputs.py) and read by the
command that reads it; the answer is exit 0, 1 or 2 with no traceback.
`benchmarks/fuzz_inputs.py` runs the same cases many more times and counts them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_inputs import FORMATS, Format, acceptable, mutated, run_case, workspace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    made = workspace()
    yield made
    shutil.rmtree(made, ignore_errors=True)


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_the_valid_example_is_read(folder: Path, fmt: Format) -> None:
    outcome = run_case(folder, fmt, fmt.seed(folder))
    assert outcome.exit_code in fmt.decisions, outcome.output


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_a_mutated_file_is_a_decision_or_an_input_error(folder: Path, fmt: Format) -> None:
    original = fmt.seed(folder)

    @settings(
        max_examples=int(os.environ.get("MLGATE_FUZZ_EXAMPLES", "25")),
        deadline=None,
        derandomize="MLGATE_FUZZ_EXAMPLES" not in os.environ,  # CI: the same cases every run
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        content = data.draw(mutated(original))
        outcome = run_case(folder, fmt, content)
        assert acceptable(outcome, fmt), (
            f"exit {outcome.exit_code} on {content[:300]!r}:\n{outcome.output}"
        )

    check()
