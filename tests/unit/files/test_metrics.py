"""Metrics files: the structured and the flat (DVC) shape, and every way they can be wrong."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from mlgate.errors import InputError
from mlgate.files.metrics import load_metric_set


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_structured_json(quickstart: Path) -> None:
    metrics = load_metric_set(quickstart / "production.json", role="baseline")
    assert metrics.metrics["accuracy"] == 0.9012
    assert metrics.params["learning_rate"] == "0.1"
    assert metrics.identity.model_version == "6"
    assert metrics.identity.commit == "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
    assert metrics.signature is not None


def test_flat_dvc_style_yaml_is_flattened(tmp_path: Path) -> None:
    path = write(
        tmp_path, "m.yaml", "accuracy: 0.9\neval:\n  f1: 0.8\n  nested: {auc: 0.7}\ncount: 12\n"
    )
    metrics = load_metric_set(path, role="candidate")
    assert dict(metrics.metrics) == {
        "accuracy": 0.9,
        "eval.f1": 0.8,
        "eval.nested.auc": 0.7,
        "count": 12.0,
    }
    assert metrics.identity.label == str(path)


def test_non_finite_values_in_all_spellings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.json",
        '{"a": NaN, "b": Infinity, "c": -Infinity, "d": "nan", "e": "-inf", "f": 1e400}',
    )
    values = load_metric_set(path, role="candidate").metrics
    assert math.isnan(values["a"]) and math.isnan(values["d"])
    assert values["b"] == values["f"] == math.inf
    assert values["c"] == values["e"] == -math.inf


def test_params_are_compared_as_mlflow_stores_them(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "m.json",
        json.dumps(
            {
                "metrics": {},
                "params": {
                    "lr": 0.1,
                    "flag": True,
                    "layers": [1, 2],
                    "opt": {"name": "adam"},
                    "none": None,
                },
            }
        ),
    )
    assert dict(load_metric_set(path, role="candidate").params) == {
        "lr": "0.1",
        "flag": "True",
        "layers": "[1, 2]",
        "opt.name": "adam",
        "none": "null",
    }


def test_signature_as_json_string(tmp_path: Path) -> None:
    signature = json.dumps({"inputs": json.dumps([{"name": "a", "type": "long"}])})
    path = write(tmp_path, "m.json", json.dumps({"metrics": {}, "signature": signature}))
    assert load_metric_set(path, role="candidate").signature == {
        "inputs": '[{"name": "a", "type": "long"}]'
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("m.json", '{"accuracy": "high"}', 'm.json: accuracy: expected a number, got text "high"'),
        (
            "m.json",
            '{"metrics": {"acc": true}}',
            "m.json: metrics.acc: expected a number, got a boolean (true)",
        ),
        (
            "m.json",
            '{"metrics": {"acc": null}}',
            "m.json: metrics.acc: expected a number, got nothing (null)",
        ),
        (
            "m.json",
            '{"metrics": {"acc": [1]}}',
            "m.json: metrics.acc: expected a number, got a list",
        ),
        (
            "m.json",
            '{"metrics": [1, 2]}',
            "m.json: metrics: expected a mapping of metric names to numbers",
        ),
        (
            "m.json",
            '{"metrics": {}, "param": {}}',
            "m.json: param: unknown key; a structured metrics file has metrics, params, signature, run_id, model_version, commit, label, dataset, eval_code",
        ),
        (
            "m.json",
            '{"metrics": {}, "params": [1]}',
            "m.json: params: expected a mapping of parameter names to values",
        ),
        (
            "m.json",
            '{"metrics": {}, "run_id": {"a": 1}}',
            "m.json: run_id: expected text, got a mapping",
        ),
        (
            "m.json",
            '{"metrics": {}, "signature": {"inputs": [{"name": "a"}]}}',
            "m.json: signature.inputs[0]: missing 'type'",
        ),
        (
            "m.json",
            '{"metrics": {}, "signature": "{oops"}',
            "m.json: signature: not valid JSON (Expecting property name enclosed in double quotes)",
        ),
        (
            "m.json",
            '{"metrics": {}, "signature": 3}',
            "m.json: signature: expected MLflow's signature mapping (inputs, outputs, params)",
        ),
        (
            "m.json",
            '{"a.b": 1, "a": {"b": 2}}',
            "m.json: a.b: metric 'a.b' is defined twice once nested keys are joined with dots",
        ),
        (
            "m.json",
            "[1, 2]",
            'm.json: expected a mapping of metric names to numbers, or {"metrics": {...}}',
        ),
        (
            "m.json",
            '{"a": 1,',
            "m.json:1: invalid JSON: Expecting property name enclosed in double quotes (column 9)",
        ),
        ("m.json", '{"a": 1, "a": 2}', 'm.json: duplicate key "a"'),
        (
            "m.yaml",
            "a: [1\n",
            "m.yaml:2: invalid YAML: while parsing a flow sequence expected ',' or ']', but got '<stream end>'",
        ),
        ("m.json", "", "m.json:1: invalid JSON: Expecting value (column 1)"),
    ],
)
def test_bad_files_name_file_and_field(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(InputError) as caught:
        load_metric_set(path, role="candidate")
    assert str(caught.value) == f"{tmp_path}/{message}"


def test_missing_file_names_the_role(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="baseline metrics file not found"):
        load_metric_set(tmp_path / "none.json", role="baseline")
