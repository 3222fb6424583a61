"""A table's column names, checked before its values: the names say whether the file was
read as meant (a header row, commas between values) — the usual ways it was not are input
errors that say so, for every table mlgate reads (predictions, outcomes, feature tables)."""

from __future__ import annotations

from pathlib import Path

from mlgate.errors import InputError


def check_header(path: Path, names: list[str]) -> None:
    """Column names that say the file was not read as meant: a missing header row, another
    separator than the comma, empty or repeated names — each an input error saying so."""
    if not names:
        raise InputError(f"{path}: no columns: is the file empty?")
    for index, name in enumerate(names, 1):
        if not name.strip():
            raise InputError(
                f"{path}: column {index} has no name: does the file have a header row?"
            )
        if "\x00" in name:
            raise InputError(f"{path}: column {index}'s name holds a NUL byte: is it a text file?")
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise InputError(f"{path}: column {duplicated[0]!r} appears more than once")
    if all(_looks_numeric(name) for name in names) and not _positions(names):
        raise InputError(
            f"{path}: the first row ({', '.join(names[:4])}) looks like data, not column "
            "names: add a header row naming the columns"
        )
    if len(names) == 1:
        word = _separator(names[0].strip())
        if word:
            raise InputError(
                f"{path}: one column named {names[0][:60]!r}: is the file separated by "
                f"{word}? mlgate reads comma-separated CSV (or Parquet)"
            )


def _separator(name: str) -> str | None:
    """The separator a lone column name betrays, if any. Spaces count only when they split
    it into three or more parts, or into numbers (a header row that is data): a single
    column may well be called ``monthly charges``."""
    for separator, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
        if separator in name:
            return word
    parts = name.split()
    if len(parts) >= 3 or (len(parts) == 2 and all(_looks_numeric(p) for p in parts)):
        return "spaces"
    return None


def _positions(names: list[str]) -> bool:
    """0, 1, 2 … — the names pandas gives a frame made from an array: a header after all."""
    return names == [str(i) for i in range(len(names))]


def _looks_numeric(name: str) -> bool:
    try:
        float(name)
    except ValueError:
        return False
    return True
