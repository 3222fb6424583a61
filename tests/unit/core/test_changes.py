"""Parameter and signature differences, and which signature changes break callers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mlgate.core.changes import (
    SignatureFormatError,
    diff_params,
    diff_signatures,
    normalize_signature,
)
from mlgate.core.verdict import ParamChange


def test_param_changes_added_removed_changed_sorted() -> None:
    changes = diff_params(
        {"learning_rate": "0.1", "depth": "6", "old": "x", "same": "1"},
        {"learning_rate": "0.05", "depth": "6", "new": "y", "same": "1"},
    )
    assert changes == [
        ParamChange(name="learning_rate", before="0.1", after="0.05"),
        ParamChange(name="new", before=None, after="y"),
        ParamChange(name="old", before="x", after=None),
    ]


def test_param_names_with_quotes_and_brackets_survive() -> None:
    odd = "a['b'] \"c\""
    assert diff_params({odd: "1"}, {odd: "2"}) == [ParamChange(name=odd, before="1", after="2")]


def cols(*specs: dict[str, Any]) -> list[dict[str, Any]]:
    return list(specs)


def sig(**sections: Any) -> dict[str, Any]:
    return normalize_signature(sections)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # (section, column, change, before, after, breaking)
        (
            sig(inputs=cols({"name": "a", "type": "long"})),
            sig(inputs=cols()),
            [("inputs", "a", "removed", "long", None, True)],
        ),
        (
            sig(inputs=cols()),
            sig(inputs=cols({"name": "a", "type": "long"})),
            [("inputs", "a", "added", None, "long", True)],
        ),
        (
            sig(inputs=cols()),
            sig(inputs=cols({"name": "a", "type": "long", "required": False})),
            [("inputs", "a", "added", None, "long (optional)", False)],
        ),
        (
            sig(inputs=cols({"name": "a", "type": "long"})),
            sig(inputs=cols({"name": "a", "type": "double"})),
            [("inputs", "a", "type", "long", "double", True)],
        ),
        (
            sig(inputs=cols({"name": "a", "type": "long", "required": False})),
            sig(inputs=cols({"name": "a", "type": "long"})),
            [("inputs", "a", "required", "optional", "required", True)],
        ),
        (
            sig(inputs=cols({"name": "a", "type": "long"})),
            sig(inputs=cols({"name": "a", "type": "long", "required": False})),
            [("inputs", "a", "required", "required", "optional", False)],
        ),
        (
            sig(outputs=cols({"name": "p", "type": "double"})),
            sig(outputs=cols()),
            [("outputs", "p", "removed", "double", None, True)],
        ),
        (
            sig(outputs=cols()),
            sig(outputs=cols({"name": "p", "type": "double"})),
            [("outputs", "p", "added", None, "double", False)],
        ),
        (
            sig(
                inputs=cols(
                    {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}
                )
            ),
            sig(
                inputs=cols(
                    {"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1, 4]}}
                )
            ),
            [("inputs", "[0]", "type", "tensor<float32>", "tensor<float64>", True)],
        ),
        (
            None,
            sig(inputs=cols()),
            [("signature", "(whole signature)", "added", None, "present", False)],
        ),
        (
            sig(inputs=cols()),
            None,
            [("signature", "(whole signature)", "removed", "present", None, True)],
        ),
        (None, None, []),
        (
            sig(inputs=cols({"name": "a", "type": "long"})),
            sig(inputs=cols({"name": "a", "type": "long"})),
            [],
        ),
    ],
)
def test_signature_changes(before: Any, after: Any, expected: list[tuple[Any, ...]]) -> None:
    changes = diff_signatures(before, after)
    assert [
        (c.section, c.column, c.change, c.before, c.after, c.breaking) for c in changes
    ] == expected


def test_breaking_changes_come_first() -> None:
    before = sig(inputs=cols({"name": "a", "type": "long"}), outputs=cols())
    after = sig(
        inputs=cols({"name": "b", "type": "long", "required": False}),
        outputs=cols({"name": "p", "type": "double"}),
    )
    assert [c.breaking for c in diff_signatures(before, after)] == [True, False, False]


def test_mlflow_mlmodel_form_with_json_strings() -> None:
    raw = {
        "inputs": json.dumps([{"name": "x", "type": "double"}]),
        "outputs": json.dumps([{"type": "long"}]),
        "params": None,
    }
    assert normalize_signature(raw) == {
        "inputs": {"x": {"type": "double", "required": True, "shape": None}},
        "outputs": {"[0]": {"type": "long", "required": True, "shape": None}},
    }


@pytest.mark.parametrize(
    ("raw", "field", "problem"),
    [
        ({"inputs": "[not json"}, ("inputs",), "not valid JSON"),
        ({"inputs": {"a": 1}}, ("inputs",), "expected a list"),
        ({"inputs": [1]}, ("inputs", 0), "expected an object"),
        ({"inputs": [{"name": "a"}]}, ("inputs", 0), "missing 'type'"),
        (
            {"inputs": [{"name": "a", "type": "x"}, {"name": "a", "type": "y"}]},
            ("inputs", 1),
            "duplicate column",
        ),
        ({"input": []}, ("input",), "unknown signature section"),
    ],
)
def test_malformed_signatures_name_the_field(
    raw: dict[str, Any], field: tuple[Any, ...], problem: str
) -> None:
    with pytest.raises(SignatureFormatError) as caught:
        normalize_signature(raw)
    assert caught.value.path == field
    assert problem in caught.value.problem
