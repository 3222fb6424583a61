"""verdict.json on disk: written atomically, read back exactly, refused when not a verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.core.checks import Status
from mlgate.core.verdict import Identity, MetricRow, Overall, Verdict
from mlgate.errors import InputError
from mlgate.files.verdict import read_verdict, write_verdict


def verdict() -> Verdict:
    row = MetricRow(
        name="acc",
        baseline=0.9,
        candidate=float("nan"),
        status=Status.FAIL,
        reasons=("candidate value is NaN",),
    )
    return Verdict(
        model="m",
        status=Overall.FAIL,
        candidate=Identity(label="c", commit="abc"),
        baseline=None,
        metrics=(row,),
    )


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out" / "verdict.json"
    write_verdict(path, verdict())
    assert read_verdict(path).to_dict() == verdict().to_dict()
    assert not list(path.parent.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[]", "not a verdict"),
        (
            '{"schema_version": 99}',
            r"written by a newer mlgate \(schema 99; this one reads 1\); upgrade mlgate",
        ),
        ('{"schema_version": 1}', "not a valid mlgate verdict"),
        ("{", "invalid JSON"),
    ],
)
def test_bad_verdicts(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "verdict.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_verdict(path)


def test_bad_field_is_named(tmp_path: Path) -> None:
    data = verdict().to_dict()
    data["metrics"][0]["status"] = "great"
    path = tmp_path / "verdict.json"
    path.write_text(json.dumps(data))
    with pytest.raises(
        InputError, match=r"verdict.json: metrics\[0\].status: not a valid mlgate verdict"
    ):
        read_verdict(path)


def test_unwritable_destination(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InputError, match="cannot write"):
        write_verdict(blocker / "verdict.json", verdict())
