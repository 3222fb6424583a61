"""Which version a rollback restores, from the promotion history alone."""

from __future__ import annotations

import pytest

from mlgate.core.lineage import LineageError, production_stack, rollback_target


def promote(version: str, replaced: str | None = None) -> dict[str, str | None]:
    return {"event": "promote", "version": version, "replaced": replaced}


def rollback(version: str, replaced: str) -> dict[str, str]:
    return {"event": "rollback", "version": version, "replaced": replaced}


@pytest.mark.parametrize(
    ("history", "stack"),
    [
        ([promote("1"), promote("2", "1"), promote("3", "2")], ["1", "2", "3"]),
        ([promote("1"), promote("2", "1"), rollback("1", "2")], ["1"]),
        ([promote("1"), promote("2", "1"), rollback("1", "2"), promote("3", "1")], ["1", "3"]),
        ([promote("5", "4")], ["4", "5"]),  # a model promoted by hand before mlgate
        ([rollback("2", "3")], ["2"]),
        ([{"event": "unreadable", "tag": "x"}, promote("1")], ["1"]),
    ],
)
def test_production_stack(history: list[dict[str, str | None]], stack: list[str]) -> None:
    assert production_stack(history) == stack


def test_the_target_is_the_version_before_and_never_one_rolled_back() -> None:
    history = [promote("1"), promote("2", "1"), promote("3", "2")]
    target = rollback_target(history, current="3")
    assert (target.version, target.before) == ("2", "1")
    history.append(rollback("2", "3"))
    target = rollback_target(history, current="2")
    assert (target.version, target.before) == ("1", None)
    history.append(rollback("1", "2"))
    with pytest.raises(LineageError, match="first version in the promotion history"):
        rollback_target(history, current="1")


def test_an_alias_moved_outside_mlgate_is_refused() -> None:
    with pytest.raises(LineageError, match="moved outside mlgate"):
        rollback_target([promote("1"), promote("2", "1")], current="7")
