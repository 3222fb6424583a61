"""Editing Kubernetes manifests and Helm values as text, so that a reviewer's diff shows
exactly the lines that changed: comments, key order, quoting, indentation and every
other byte stay as written.

The file is composed with PyYAML (libyaml when present), whose nodes carry the character
span of every scalar; an edit replaces one scalar's span, or adds or removes one whole
``key: value`` line. The result is parsed again and must equal the original data with
exactly the edits applied — anything else is mlgate's bug, never a silent change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlgate.errors import InputError

Key = str | int
KeyPath = tuple[Key, ...]
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_./+~-][A-Za-z0-9_./:@+=~,-]*")


@dataclass(frozen=True, kw_only=True)
class Edit:
    """Set ``path`` in document ``document`` (0-based) to ``value``; ``None`` with
    ``remove`` deletes the key. Only the last key may be new, and only with ``create``."""

    document: int
    path: KeyPath
    value: str | int | None = None
    remove: bool = False
    create: bool = False


@dataclass(frozen=True)
class Manifest:
    source: str  # the file, as errors name it
    text: str
    nodes: list[Any]  # each document's root node (None: an empty document)
    data: list[Any]  # each document as plain data
    bom: bool = False  # the file starts with a byte-order mark (not in ``text``)

    def describe(self, index: int) -> str:
        """``document 2 (InferenceService churn)``, for errors."""
        doc = self.data[index] if index < len(self.data) else None
        what = ""
        if isinstance(doc, dict) and doc.get("kind"):
            metadata = doc.get("metadata")
            name = metadata.get("name") if isinstance(metadata, dict) else None
            what = f" ({_short(doc['kind'])}{' ' + _short(name) if name else ''})"
        return f"document {index + 1}{what}"

    def error(self, index: int, path: KeyPath, problem: str) -> InputError:
        where = f"{self.source}: {self.describe(index)}"
        return InputError(
            f"{where}: {format_path(path)}: {problem}" if path else f"{where}: {problem}"
        )


def _short(value: Any) -> str:
    """A name from the file, as one short line."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def format_path(path: Sequence[Key]) -> str:
    out = ""
    for key in path:
        if isinstance(key, int):
            out += f"[{key}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", key):
            out += f".{key}" if out else key
        else:
            out += f"[{json.dumps(key)}]"
    return out


def parse_manifest(source: str, text: str) -> Manifest:
    """A file of one or more YAML documents; InputError when it is not YAML, repeats a key
    or has a key that is not text. A byte-order mark is kept aside (libyaml does not count
    it in the spans)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    bom = text.startswith("\ufeff")
    body = text[1:] if bom else text
    try:
        nodes = list(yaml.compose_all(body, Loader=loader))
        data = list(yaml.load_all(body, Loader=loader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise InputError(f"{source}{line}: not valid YAML: {_short(problem)}") from None
    except (ValueError, TypeError, AttributeError) as exc:  # PyYAML's constructors, on a bad tag
        raise InputError(f"{source}: cannot be read as YAML: {_short(exc)}") from None
    manifest = Manifest(source, body, nodes, data, bom=bom)
    for index, node in enumerate(nodes):
        _reject_duplicates(manifest, index, node, ())
        _reject_odd_keys(manifest, index, data[index], ())
    return manifest


def _reject_odd_keys(manifest: Manifest, index: int, value: Any, path: KeyPath) -> None:
    """Kubernetes objects and Helm values have text keys; YAML also allows null, numbers,
    dates or bytes as keys, which no manifest means."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise manifest.error(
                    index, path, f"a key that is not text ({_short(repr(key))}); quote it"
                )
            _reject_odd_keys(manifest, index, item, (*path, key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _reject_odd_keys(manifest, index, item, (*path, position))


def _reject_duplicates(manifest: Manifest, index: int, node: Any, path: KeyPath) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                raise manifest.error(
                    index, (*path, name), "duplicate key (YAML keeps only the last)"
                )
            seen.add(name)
            _reject_duplicates(manifest, index, value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _reject_duplicates(manifest, index, item, (*path, position))


def value_at(manifest: Manifest, index: int, path: KeyPath) -> Any:
    """The plain value at ``path`` in document ``index``; KeyError when it is not there."""
    node: Any = manifest.data[index]
    for key in path:
        if isinstance(key, int):
            if not isinstance(node, list) or not 0 <= key < len(node):
                raise KeyError(key)
        elif not isinstance(node, dict) or key not in node:
            raise KeyError(key)
        node = node[key]
    return node


def apply_edits(manifest: Manifest, edits: Sequence[Edit]) -> str:
    """The file's text with ``edits`` made; InputError naming the document and key path of
    an edit the file cannot take (a missing key, a value that is not a scalar), or when the
    result would read back as anything but the original with exactly these edits."""
    import copy

    import yaml

    replacements: list[tuple[int, int, str]] = []
    expected = copy.deepcopy(manifest.data)
    for edit in edits:
        start, end, new, value = _replacement(manifest, edit)
        replacements.append((start, end, new))
        _apply_plain(expected, edit, value)
    text = manifest.text
    for start, end, new in sorted(replacements, reverse=True):
        text = text[:start] + new + text[end:]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        same = list(yaml.load_all(text, Loader=loader)) == expected
    except yaml.YAMLError:
        same = False
    if not same:  # a layout a one-span edit cannot keep (a comment or value sharing lines)
        paths = ", ".join(format_path(edit.path) for edit in edits)
        raise manifest.error(
            edits[0].document,
            (),
            f"cannot change {paths} without changing the lines around it; edit the file "
            "by hand once (one key per line), then deploy again",
        )
    return ("\ufeff" if manifest.bom else "") + text


def _apply_plain(documents: list[Any], edit: Edit, value: Any) -> None:
    parent: Any = documents[edit.document]
    for key in edit.path[:-1]:
        parent = parent[key]
    last = edit.path[-1]
    if edit.remove:
        parent.pop(last, None)
    else:
        parent[last] = value


def _node_at(manifest: Manifest, edit: Edit, path: KeyPath) -> Any:
    import yaml

    node = manifest.nodes[edit.document] if edit.document < len(manifest.nodes) else None
    for depth, key in enumerate(path):
        if isinstance(key, int):
            found = (
                node.value[key]
                if isinstance(node, yaml.SequenceNode) and 0 <= key < len(node.value)
                else None
            )
        else:
            pairs = node.value if isinstance(node, yaml.MappingNode) else []
            found = next((v for k, v in pairs if str(k.value) == key), None)
        if found is None:
            raise manifest.error(
                edit.document,
                path[: depth + 1],
                "no such key in the file; mlgate edits values and does not invent structure — "
                "add it to the file, or fix deploy.files",
            )
        node = found
    return node


def _replacement(manifest: Manifest, edit: Edit) -> tuple[int, int, str, Any]:
    """(start, end, new text, the value YAML reads from it)."""
    import yaml

    parent = _node_at(manifest, edit, edit.path[:-1])
    last = edit.path[-1]
    pair = None
    if isinstance(parent, yaml.MappingNode) and isinstance(last, str):
        pair = next(((k, v) for k, v in parent.value if str(k.value) == last), None)
    elif (
        isinstance(parent, yaml.SequenceNode)
        and isinstance(last, int)
        and 0 <= last < len(parent.value)
    ):
        pair = (None, parent.value[last])
    if edit.remove:
        return (0, 0, "", None) if pair is None else (*_removal(manifest, edit, pair), None)
    if pair is None:
        if edit.create and isinstance(parent, yaml.MappingNode) and isinstance(last, str):
            return (*_insertion(manifest, edit, parent, last), edit.value)
        _node_at(manifest, edit, edit.path)  # raises, naming the missing key
    assert pair is not None
    node = pair[1]
    if not isinstance(node, yaml.ScalarNode):
        raise manifest.error(
            edit.document, edit.path, "holds a mapping or a list, not a value mlgate can set"
        )
    text = scalar_text(edit.value, node, flow=_in_flow(parent))
    value = int(text) if isinstance(edit.value, str) and text.isdigit() else edit.value
    if node.start_mark.index == node.end_mark.index:  # `key:` with no value written
        return (*_after_colon(manifest, edit, pair[0], text), value)
    span = manifest.text[node.start_mark.index : node.end_mark.index]
    tail = span[len(span.rstrip("\n\r ")) :] if node.style in ("|", ">") else ""
    return node.start_mark.index, node.end_mark.index, text + tail, value


def _after_colon(manifest: Manifest, edit: Edit, key: Any, text: str) -> tuple[int, int, str]:
    colon = manifest.text.find(":", key.end_mark.index) if key is not None else -1
    if colon < 0 or manifest.text[key.end_mark.index : colon].strip():
        raise manifest.error(edit.document, edit.path, "has no value to replace; write one first")
    return colon + 1, colon + 1, " " + text


def _in_flow(node: Any) -> bool:
    return bool(getattr(node, "flow_style", False))


def scalar_text(value: str | int | None, old: Any, *, flow: bool = False) -> str:
    """``value`` written as YAML in the style of the scalar it replaces: a plain int stays
    an int, quotes stay the quotes they were, a plain string stays plain when YAML reads it
    back as the same string; anything else is double-quoted (every character escaped)."""
    import yaml

    if isinstance(value, int):
        return str(value)
    text = "" if value is None else value
    style = None if old is None else (old.style or None)  # libyaml says "" for plain
    was_int = old is not None and old.tag == "tag:yaml.org,2002:int" and style is None
    if was_int and re.fullmatch(r"[1-9][0-9]{0,17}|0", text):
        return text
    printable = text.isprintable()
    if style == "'" and printable:
        return "'" + text.replace("'", "''") + "'"
    plain = style is None and not flow and printable and _PLAIN_SAFE.fullmatch(text)
    if plain and not text.endswith(":") and _reads_as(text, yaml):
        return text
    return double_quoted(text)


def _reads_as(text: str, yaml: Any) -> bool:
    """YAML reads ``text`` written plain back as the same string (not 7, true or null)."""
    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


def double_quoted(text: str) -> str:
    """A YAML double-quoted scalar: every character that is not plainly printable (line
    and paragraph separators, controls, a byte-order mark) escaped."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable() and ch not in "\x85\u2028\u2029\ufeff":
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out) + '"'


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _removal(manifest: Manifest, edit: Edit, pair: tuple[Any, Any]) -> tuple[int, int, str]:
    key, value = pair
    text = manifest.text
    start = _line_start(text, key.start_mark.index)
    end = _line_end(text, max(value.end_mark.index - 1, value.start_mark.index))
    rest = text[value.end_mark.index : end].strip()
    if text[start : key.start_mark.index].strip() or (rest and not rest.startswith("#")):
        raise manifest.error(
            edit.document, edit.path, "shares its line with other keys; remove it by hand"
        )
    return start, end, ""


def _insertion(manifest: Manifest, edit: Edit, parent: Any, key: str) -> tuple[int, int, str]:
    text = manifest.text
    for first, _ in parent.value:
        start = _line_start(text, first.start_mark.index)
        if not text[start : first.start_mark.index].strip() and not _in_flow(parent):
            indent = text[start : first.start_mark.index]
            return start, start, f"{indent}{key}: {scalar_text(edit.value, None)}\n"
    raise manifest.error(
        edit.document, edit.path, "cannot add this key here (a flow mapping); add it by hand"
    )
