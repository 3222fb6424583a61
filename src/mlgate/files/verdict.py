"""Writing and reading ``verdict.json``, validated against the shipped schema."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mlgate.core.verdict import SCHEMA_VERSION, Verdict
from mlgate.errors import InputError
from mlgate.files.atomic import write_text_atomic
from mlgate.files.documents import Document, format_path, load_document


@cache
def schema() -> dict[str, Any]:
    text = resources.files("mlgate.schemas").joinpath("verdict.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def verdict_json(verdict: Verdict) -> str:
    return json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_verdict(path: Path, verdict: Verdict) -> None:
    write_text_atomic(path, verdict_json(verdict))


def read_verdict(path: Path) -> Verdict:
    document = load_document(path, what="verdict")
    return parse_verdict(document)


def parse_verdict(document: Document) -> Verdict:
    import jsonschema

    data = document.data
    if not isinstance(data, dict):
        raise document.error((), "not a verdict (expected a JSON object written by mlgate)")
    version = data.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise document.error(
            ("schema_version",),
            f"written by a newer mlgate (schema {version}; "
            f"this one reads {SCHEMA_VERSION}); upgrade mlgate",
        )
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema()).iter_errors(data)
    )
    if error is not None:
        where = format_path(tuple(error.absolute_path))
        raise InputError(
            f"{document.source}: {where}: not a valid mlgate verdict: {error.message[:200]}"
        )
    return Verdict.from_dict(data)


def read_part(
    path: Path, *, kind: str, schema_version: int, definition: str, what: str, writer: str
) -> dict[str, Any]:
    """A file holding one part of the verdict (``$defs/<definition>``) under a ``kind``
    header — model-test results, drift reports — checked; problems name the file."""
    import jsonschema

    document = load_document(path, what=what)
    data = document.data
    if not isinstance(data, dict) or data.get("kind") != kind:
        raise document.error((), f"not a {what} file (expected the JSON that {writer} writes)")
    version = data.get("schema_version")
    if isinstance(version, int) and version > schema_version:
        raise document.error(
            ("schema_version",),
            f"written by a newer mlgate (schema {version}; this one reads {schema_version}); "
            "upgrade mlgate",
        )
    rules = {**schema()["$defs"][definition], "$defs": schema()["$defs"]}
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(rules).iter_errors(data)
    )
    if error is not None:
        where = format_path(tuple(error.absolute_path))
        raise InputError(f"{document.source}: {where}: {error.message[:200]}")
    return data
