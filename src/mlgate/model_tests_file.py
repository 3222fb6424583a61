"""The model-test results file (``mlgate-tests.json``): written by the pytest plugin, read
by evaluate, gate and compare, which fold it into the verdict.

Its body is the verdict's ``tests`` object (``$defs/model_tests`` in the verdict schema)
plus a header: ``kind``, ``schema_version``, and the versions and exit status of the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.core.model_tests import ModelTests
from mlgate.documents import format_path, load_document
from mlgate.errors import InputError

KIND = "mlgate-model-tests"
SCHEMA_VERSION = 1


def results_document(results: ModelTests, **header: Any) -> dict[str, Any]:
    return {"kind": KIND, "schema_version": SCHEMA_VERSION, **header, **results.to_dict()}


def read_results(path: Path) -> ModelTests:
    """Results from ``path``; a missing or malformed file is an InputError naming it."""
    import jsonschema

    from mlgate.verdict_file import schema

    document = load_document(path, what="model test results")
    data = document.data
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise document.error(
            (), "not a model test results file (expected the JSON that mlgate test writes)"
        )
    version = data.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise document.error(
            ("schema_version",),
            f"written by a newer mlgate (schema {version}; this one reads {SCHEMA_VERSION}); "
            "upgrade mlgate",
        )
    definition = {**schema()["$defs"]["model_tests"], "$defs": schema()["$defs"]}
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(definition).iter_errors(data)
    )
    if error is not None:
        where = format_path(tuple(error.absolute_path))
        raise InputError(f"{document.source}: {where}: {error.message[:200]}")
    return ModelTests.from_dict({**data, "source": str(path)})
