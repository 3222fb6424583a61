"""The verdict's JSON form: complete, standard JSON (no NaN literals), and round-trippable."""

from __future__ import annotations

import json
import math

from mlgate.core.compare import GatePolicy, compare
from mlgate.core.metricset import MetricSet
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import SCHEMA_VERSION, Identity, Verdict


def make_verdict() -> Verdict:
    rules = (
        MetricRule(name="acc", tolerance=0.01),
        MetricRule(name="lat", higher_is_better=False, tolerance_pct=5, max=50, warn_only=True),
        MetricRule(name="gone", required=False),
    )
    return compare(
        candidate=MetricSet(
            identity=Identity(label="c", model_version="7", run_id="r", commit="abc"),
            metrics={"acc": math.nan, "lat": math.inf, "extra": 1.0},
            params={"lr": "0.05"},
            signature={"inputs": [{"name": "a", "type": "double"}]},
        ),
        baseline=MetricSet(
            identity=Identity(label="b", model_version="6"),
            metrics={"acc": 0.9, "lat": 40.0, "gone": 1.0},
            params={"lr": "0.1"},
            signature={"inputs": [{"name": "a", "type": "long"}]},
        ),
        policy=GatePolicy(model="m", rules=rules, config_hash="sha256:abc"),
        created_at="2026-11-27T00:00:00Z",
        mlgate_version="0.1.0",
    )


def test_json_is_standard_and_round_trips() -> None:
    verdict = make_verdict()
    data = verdict.to_dict()
    text = json.dumps(data, allow_nan=False)  # raises if a NaN literal slipped through
    assert data["schema_version"] == SCHEMA_VERSION
    again = Verdict.from_dict(json.loads(text))
    assert again.to_dict() == data


def test_json_contents() -> None:
    data = make_verdict().to_dict()
    rows = {row["name"]: row for row in data["metrics"]}
    assert rows["acc"]["candidate"] == "NaN"
    assert rows["acc"]["status"] == "fail"
    assert rows["lat"]["candidate"] == "Infinity"
    assert rows["lat"]["rule"] == {
        "higher_is_better": False,
        "max_rise_pct": 5,
        "max": 50,
        "required": True,
        "warn_only": True,
    }
    assert rows["gone"]["status"] == "missing"
    assert rows["extra"]["rule"] is None and rows["extra"]["status"] == "info"
    assert data["status"] == "fail"
    assert data["summary"]["metrics"]["fail"] == 1
    assert data["changes"]["params"] == [{"name": "lr", "before": "0.1", "after": "0.05"}]
    assert data["changes"]["signature"][0]["breaking"] is True
    assert data["checks"][0]["name"] == "signature"
    assert data["candidate"] == {
        "label": "c",
        "model_version": "7",
        "run_id": "r",
        "commit": "abc",
        "dataset": None,
        "eval_code": None,
    }
