"""Reading one side of a comparison from a JSON or YAML metrics file.

Two shapes are accepted:

* structured — ``{"metrics": {...}, "params": {...}, "signature": {...}, "run_id": …,
  "model_version": …, "commit": …}``;
* flat, as DVC and CML write them — the whole document is metrics; nested mappings are
  flattened with dots (``{"eval": {"acc": 0.9}}`` → ``eval.acc``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from mlgate.core.changes import SignatureFormatError, normalize_signature
from mlgate.core.dataset import Dataset
from mlgate.core.metricset import MetricSet
from mlgate.core.verdict import Identity
from mlgate.files.documents import Document, KeyPath, describe_value, load_document

STRUCTURED_KEYS = (
    "metrics",
    "params",
    "signature",
    "run_id",
    "model_version",
    "commit",
    "label",
    "dataset",
    "eval_code",
)
DATASET_KEYS = ("name", "digest", "source")
_NON_FINITE_TEXT = {
    "nan": math.nan,
    "+nan": math.nan,
    "-nan": math.nan,
    "inf": math.inf,
    "+inf": math.inf,
    "infinity": math.inf,
    "+infinity": math.inf,
    "-inf": -math.inf,
    "-infinity": -math.inf,
}


def load_metric_set(path: Path, *, role: str) -> MetricSet:
    """``role`` ("candidate"/"baseline") only names the side in messages."""
    document = load_document(path, what=f"{role} metrics file")
    return parse_metric_set(document)


def parse_metric_set(document: Document) -> MetricSet:
    data = document.data
    if not isinstance(data, dict):
        raise document.error(
            (), 'expected a mapping of metric names to numbers, or {"metrics": {...}}'
        )
    if "metrics" not in data:
        return MetricSet(
            identity=Identity(label=document.source), metrics=_metrics(document, data, ())
        )
    unknown = sorted(set(data) - set(STRUCTURED_KEYS))
    if unknown:
        raise document.error(
            (unknown[0],),
            f"unknown key; a structured metrics file has {', '.join(STRUCTURED_KEYS)}",
        )
    metrics = data["metrics"]
    if not isinstance(metrics, dict):
        raise document.error(("metrics",), "expected a mapping of metric names to numbers")
    return MetricSet(
        identity=Identity(
            label=_text(document, data, "label") or document.source,
            model_version=_text(document, data, "model_version"),
            run_id=_text(document, data, "run_id"),
            commit=_text(document, data, "commit"),
            dataset=_dataset(document, data.get("dataset")),
            eval_code=_text(document, data, "eval_code"),
        ),
        metrics=_metrics(document, metrics, ("metrics",)),
        params=_params(document, data.get("params")),
        signature=_signature(document, data.get("signature")),
    )


def _dataset(document: Document, value: Any) -> Dataset | None:
    """``dataset: {name, digest, source}`` — the evaluation data the metrics came from."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise document.error(
            ("dataset",),
            "expected a mapping with name, digest and source (digest: the data's hash)",
        )
    unknown = sorted(set(value) - set(DATASET_KEYS))
    if unknown:
        raise document.error(
            ("dataset", unknown[0]), f"unknown key; a dataset has {', '.join(DATASET_KEYS)}"
        )
    texts = {key: _text(document, value, key, where=("dataset",)) for key in DATASET_KEYS}
    if not texts["name"]:
        raise document.error(("dataset",), "name the dataset (dataset.name)")
    return Dataset(
        name=texts["name"], digest=texts["digest"], source=texts["source"], origin="metrics file"
    )


def _metrics(document: Document, data: dict[str, Any], path: KeyPath) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, value, where in _leaves(data, path, ""):
        number = _number(value)
        if number is None:
            raise document.error(where, f"expected a number, got {describe_value(value)}")
        if name in out:
            raise document.error(
                where, f"metric {name!r} is defined twice once nested keys are joined with dots"
            )
        out[name] = number
    return out


def _leaves(data: dict[str, Any], path: KeyPath, prefix: str) -> list[tuple[str, Any, KeyPath]]:
    out: list[tuple[str, Any, KeyPath]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        where = (*path, str(key))
        if isinstance(value, dict) and value:
            out.extend(_leaves(value, where, f"{name}."))
        else:
            out.append((name, value, where))
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if isinstance(value, str):
        return _NON_FINITE_TEXT.get(value.strip().lower())
    return None


def _text(document: Document, data: dict[str, Any], key: str, *, where: KeyPath = ()) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise document.error((*where, key), f"expected text, got {describe_value(value)}")
    return str(value)


def _params(document: Document, params: Any) -> dict[str, str]:
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise document.error(("params",), "expected a mapping of parameter names to values")
    return {name: _param_text(value) for name, value, _ in _leaves(params, ("params",), "")}


def _param_text(value: Any) -> str:
    # MLflow stores every parameter as text (str(value)); compare in that form so a
    # number in one file and "0.1" from the registry are the same parameter value.
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)) or value is None:
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _signature(document: Document, signature: Any) -> dict[str, Any] | None:
    if signature is None:
        return None
    if isinstance(signature, str):
        try:
            signature = json.loads(signature)
        except json.JSONDecodeError as exc:
            raise document.error(("signature",), f"not valid JSON ({exc.msg})") from None
    if not isinstance(signature, dict):
        raise document.error(
            ("signature",), "expected MLflow's signature mapping (inputs, outputs, params)"
        )
    try:
        normalize_signature(signature)
    except SignatureFormatError as exc:
        raise document.error(("signature", *exc.path), exc.problem) from None
    return signature
