"""The model-test results file (``mlgate-tests.json``): written by the pytest plugin, read
by evaluate, gate and compare, which fold it into the verdict.

Its body is the verdict's ``tests`` object (``$defs/model_tests`` in the verdict schema)
plus a header: ``kind``, ``schema_version``, and the versions and exit status of the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.core.model_tests import ModelTests

KIND = "mlgate-model-tests"
SCHEMA_VERSION = 1


def results_document(results: ModelTests, **header: Any) -> dict[str, Any]:
    return {"kind": KIND, "schema_version": SCHEMA_VERSION, **header, **results.to_dict()}


def read_results(path: Path) -> ModelTests:
    """Results from ``path``; a missing or malformed file is an InputError naming it."""
    from mlgate.files.verdict import read_part

    data = read_part(
        path,
        kind=KIND,
        schema_version=SCHEMA_VERSION,
        definition="model_tests",
        what="model test results",
        writer="mlgate test",
    )
    return ModelTests.from_dict({**data, "source": str(path)})
