"""YAML and JSON documents as every file reader sees them: where each key was written,
and one line naming the file (and line) for every way a document can be wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.errors import InputError
from mlgate.files import documents
from mlgate.files.documents import (
    Document,
    describe_value,
    format_path,
    load_document,
    parse_json,
    parse_yaml,
)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), "(top level)"),
        (("metrics", "f1", "min"), "metrics.f1.min"),
        (("slices", 0), "slices[0]"),
        (("metrics", "latency p95"), 'metrics."latency p95"'),
        (("metrics", ""), 'metrics.""'),
        (("a.b",), '"a.b"'),
        (("métrique",), "métrique"),
    ],
)
def test_key_paths_read_as_a_user_wrote_them(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "nothing (null)"),
        (True, "a boolean (true)"),
        ("1%", 'text "1%"'),
        ("x" * 100, f'text "{"x" * 60}"'),
        ({}, "an empty mapping"),
        ({"a": 1}, "a mapping"),
        ([1], "a list"),
        (0.5, "0.5"),
    ],
)
def test_values_are_described_in_words(value: object, words: str) -> None:
    assert describe_value(value) == words


def test_yaml_keeps_the_line_of_every_key_and_item() -> None:
    document = parse_yaml(
        "model: churn\nmetrics:\n  acc:\n    min: 0.8\nslices:\n  - country\n", source="m.yml"
    )
    assert document.data["metrics"]["acc"]["min"] == 0.8
    assert document.lines[("metrics", "acc", "min")] == 4
    assert document.lines[("slices", 0)] == 6
    assert document.where(("metrics", "acc", "min")) == "m.yml:4"


def test_an_error_points_at_the_deepest_known_line() -> None:
    document = parse_yaml("metrics:\n  acc: {min: 2}\n", source="m.yml")
    error = document.error(("metrics", "acc", "min", "extra"), "too big")
    assert str(error) == "m.yml:2: metrics.acc.min.extra: too big"
    assert str(document.error((), "not settings")) == "m.yml: not settings"


def test_json_has_no_lines_so_errors_name_the_file() -> None:
    document = parse_json('{"metrics": {"acc": 1}}', source="m.json")
    assert document.where(("metrics", "acc")) == "m.json"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', 'm.json: duplicate key "a"'),
        ('{"a": {"b": 1, "b": 1}}', 'm.json: duplicate key "b"'),
        ('{"a": 1,}', "m.json:1: invalid JSON: Expecting property name enclosed in double quotes"),
        ("\ufeff{}", "m.json:1: invalid JSON: Unexpected UTF-8 BOM"),
        ("", "m.json:1: invalid JSON: Expecting value (column 1)"),
        ("[" * 100_000 + "]" * 100_000, "m.json: invalid JSON: nested too deeply"),
    ],
)
def test_bad_json_is_one_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_json(text, source="m.json")
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\n---\nb: 2\n", "m.yml:2: invalid YAML: expected a single document"),
        ("a: !!python/object:os.system x\n", "m.yml:1: invalid YAML: "),
        ("a: *nowhere\n", "m.yml:1: invalid YAML: "),
        ("? [a, b]\n: 1\n", "m.yml:1: keys must be plain text"),
        ("a:\n  b: 1\n  b: 2\n", "m.yml:3: a.b: duplicate key"),
        ("a: 'unterminated\n", "m.yml:2: invalid YAML: "),
        ("\t- a\n", "m.yml:1: invalid YAML: "),
    ],
)
def test_bad_yaml_is_one_line_with_its_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_yaml(text, source="m.yml")
    assert str(raised.value).startswith(message), str(raised.value)
    assert "\n" not in str(raised.value)


def test_yaml_merge_keys_are_expanded() -> None:
    text = "base: &base {max_drop: 0.01}\nmetrics:\n  acc: {<<: *base, min: 0.8}\n"
    data = parse_yaml(text, source="m.yml").data
    assert data["metrics"]["acc"] == {"max_drop": 0.01, "min": 0.8}


def test_an_empty_yaml_document_is_none() -> None:
    assert parse_yaml("# only a comment\n", source="m.yml").data is None
    assert parse_yaml("", source="m.yml").data is None


def test_the_file_kind_follows_the_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"x": 1}', encoding="utf-8")
    (tmp_path / "a.JSON").write_text('{"x": 2}', encoding="utf-8")
    (tmp_path / "a.yml").write_text("x: 3\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("x: 4\n", encoding="utf-8")
    assert [
        load_document(tmp_path / n, what="t").data["x"] for n in ("a.json", "a.yml", "a.txt")
    ] == [1, 3, 4]
    assert load_document(tmp_path / "a.JSON", what="t").data == {"x": 2}


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 10)
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"x": "y" * 20}), encoding="utf-8")
    with pytest.raises(InputError, match=r"big.json: metrics file is 29 bytes; the limit is 10"):
        load_document(path, what="metrics file")


def test_unreadable_files_name_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.json: metrics file not found"):
        load_document(tmp_path / "nope.json", what="metrics file")
    with pytest.raises(InputError, match=r"is a directory \(metrics file expected\)"):
        load_document(tmp_path, what="metrics file")
    binary = tmp_path / "b.json"
    binary.write_bytes(b'{"a": "\xc3\x28"}')
    with pytest.raises(InputError, match=r"b.json: metrics file is not UTF-8 text \(byte 7\)"):
        load_document(binary, what="metrics file")


def test_a_document_is_plain_data() -> None:
    document = Document(source="x", data={"a": [1, 2]})
    assert document.where(("a", 0)) == "x"


def test_a_nul_byte_or_an_unprintable_character_is_an_input_error(tmp_path: Path) -> None:
    from mlgate.errors import InputError
    from mlgate.files.documents import load_document

    (tmp_path / "nul.yml").write_bytes(b"model: x\n\x00\n")
    with pytest.raises(InputError, match=r"nul\.yml:2: config holds a NUL byte"):
        load_document(tmp_path / "nul.yml", what="config")
    (tmp_path / "bell.yml").write_bytes(b"model: x\x07\n")
    with pytest.raises(InputError, match="invalid YAML: unacceptable character"):
        load_document(tmp_path / "bell.yml", what="config")
