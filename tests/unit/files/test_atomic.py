"""Atomic writes: a reader sees the old file or the new one, never half of one; nothing is
left behind when a write fails; and the file gets ordinary permissions (CI uploads it, a
teammate reads it), not the owner-only ones of a temporary file."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from mlgate.errors import InputError
from mlgate.files.atomic import write_text_atomic


def test_writes_the_text_and_the_folders_it_needs(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "report.md"
    write_text_atomic(path, "# mlgate ✅\n")
    assert path.read_text(encoding="utf-8") == "# mlgate ✅\n"


def test_the_file_gets_the_permissions_an_ordinary_write_would(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "verdict.json", "{}")
        ordinary = tmp_path / "ordinary"
        ordinary.write_text("{}")
    finally:
        os.umask(previous)
    mode = stat.S_IMODE((tmp_path / "verdict.json").stat().st_mode)
    assert mode == stat.S_IMODE(ordinary.stat().st_mode) == 0o644


def test_replacing_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "verdict.json"
    for i in range(3):
        write_text_atomic(path, f"{i}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["verdict.json"]
    assert path.read_text() == "2\n"


def test_a_reader_never_sees_half_a_file(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    big = ["a" * 200_000 + "\n", "b" * 200_000 + "\n"]
    write_text_atomic(path, big[0])
    seen: set[str] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(path.read_text())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(40):
            write_text_atomic(path, big[i % 2])
    finally:
        stop.set()
        reader.join()
    assert seen <= set(big)


def test_a_folder_in_the_way_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.mkdir()
    with pytest.raises(InputError, match=r"report.md: cannot write: "):
        write_text_atomic(path, "x")
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
