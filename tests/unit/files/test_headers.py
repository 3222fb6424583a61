"""A table's column names, checked before its values: the usual ways a file was read wrongly
are one-line input errors saying what to do; ordinary names pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.errors import InputError
from mlgate.files.headers import check_header


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ([], "no columns: is the file empty?"),
        (["a", ""], "column 2 has no name: does the file have a header row?"),
        (["a", " "], "column 2 has no name"),
        (["a\x00b"], "holds a NUL byte"),
        (["a", "a"], "column 'a' appears more than once"),
        (["1.0", "2.5", "3"], "the first row (1.0, 2.5, 3) looks like data, not column names"),
        (["5", "3"], "looks like data"),
        (["a;b;c"], "is the file separated by semicolons?"),
        (["a\tb"], "is the file separated by tabs?"),
        (["a|b"], "is the file separated by bars?"),
        (["1.0 2.0 3"], "is the file separated by spaces?"),
        (["age income score"], "is the file separated by spaces?"),
        (["1.5 2"], "is the file separated by spaces?"),
    ],
)
def test_a_file_read_wrongly_is_an_input_error(names: list[str], message: str) -> None:
    with pytest.raises(InputError) as raised:
        check_header(Path("served.csv"), names)
    assert str(raised.value).startswith("served.csv: ")
    assert message in str(raised.value)


@pytest.mark.parametrize(
    "names",
    [["age", "income"], ["monthly charges"], ["score"], ["0", "1", "2"], ["id", "2024"]],
)
def test_ordinary_names_pass(names: list[str]) -> None:
    check_header(Path("served.csv"), names)
