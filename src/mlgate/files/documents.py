"""Reading YAML and JSON documents, keeping where each key was written.

Errors name the file, the key path and (for YAML) the line, so a user can go straight to
the mistake. Duplicate keys are an error: YAML would silently keep the last one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate.core.refs import first_line
from mlgate.errors import InputError

Key = str | int
KeyPath = tuple[Key, ...]

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
MAX_YAML_VALUES = 1_000_000


def format_path(path: KeyPath) -> str:
    """``("metrics", "f1", "min")`` → ``metrics.f1.min``; odd keys are quoted."""
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
            continue
        text = key if _is_plain_key(key) else json.dumps(key, ensure_ascii=False)
        out += f".{text}" if out else text
    return out or "(top level)"


def describe_value(value: Any) -> str:
    """What a user wrote, in words, for "expected X, got Y" messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"text {json.dumps(value[:60], ensure_ascii=False)}"
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _is_plain_key(key: str) -> bool:
    return bool(key) and all(ch.isalnum() or ch in "_-" for ch in key)


@dataclass(frozen=True)
class Document:
    """A parsed file: its data and the 1-based line of each key path (YAML only)."""

    source: str
    data: Any
    lines: Mapping[KeyPath, int] = field(default_factory=dict)

    def where(self, path: KeyPath) -> str:
        """``file:line`` for the deepest part of ``path`` whose line is known."""
        for depth in range(len(path), 0, -1):
            line = self.lines.get(path[:depth])
            if line is not None:
                return f"{self.source}:{line}"
        return self.source

    def error(self, path: KeyPath, problem: str, cls: type[InputError] = InputError) -> InputError:
        field_text = format_path(path) if path else None
        where = self.where(path)
        return cls(f"{where}: {field_text}: {problem}" if field_text else f"{where}: {problem}")


def read_text(path: Path, *, what: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(
                f"{path}: {what} is {size:,} bytes; the limit is {MAX_DOCUMENT_BYTES:,}"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory ({what} expected)") from None
    except PermissionError:
        raise InputError(f"{path}: cannot read {what}: permission denied") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: {what} is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(f"{path}:{line}: {what} holds a NUL byte: is it a text file?")
    return text


def load_document(path: Path, *, what: str) -> Document:
    """Parse ``path`` as JSON (``.json``) or YAML (anything else)."""
    text = read_text(path, what=what)
    if path.suffix.lower() == ".json":
        return parse_json(text, source=str(path))
    return parse_yaml(text, source=str(path))


def parse_json(text: str, *, source: str) -> Document:
    def reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise InputError(f"{source}: duplicate key {json.dumps(key)}")
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=reject_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{source}:{exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})"
        ) from None
    except RecursionError:
        raise InputError(f"{source}: invalid JSON: nested too deeply") from None
    return Document(source=source, data=data)


def parse_yaml(text: str, *, source: str) -> Document:
    import yaml  # PyYAML is imported only where a YAML file is read.

    try:
        loader = yaml.SafeLoader(text)  # its reader rejects unprintable characters here
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: invalid YAML: {first_line(exc, limit=200)}") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(source=source, data=None)
        lines: dict[KeyPath, int] = {}
        _index_lines(node, (), lines, source, budget=[MAX_YAML_VALUES])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise InputError(f"{source}{line}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: invalid YAML: {exc}") from None
    except RecursionError:
        raise InputError(f"{source}: invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    return Document(source=source, data=data, lines=lines)


def _index_lines(
    node: Any, path: KeyPath, lines: dict[KeyPath, int], source: str, *, budget: list[int]
) -> None:
    import yaml

    # Aliases can make a small file expand exponentially ("billion laughs"); count every
    # value as it will be expanded and stop early.
    budget[0] -= 1
    if budget[0] < 0:
        raise InputError(f"{source}: YAML expands to more than {MAX_YAML_VALUES:,} values")

    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(
                    f"{source}:{key_node.start_mark.line + 1}: keys must be plain text"
                )
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                raise InputError(
                    f"{source}:{key_node.start_mark.line + 1}: {format_path(child)}: "
                    "duplicate key (YAML would silently keep only the last one)"
                )
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _index_lines(value_node, child, lines, source, budget=budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _index_lines(item, child, lines, source, budget=budget)
