"""Every metric estimate() gives, for both models, equals scikit-learn's to 1e-9, and Δ
sits inside its interval."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as sk

from mlgate.core.columns import ColumnNames
from mlgate.core.stats.estimates import Settings, estimate
from mlgate.core.stats.paired import pair

SETTINGS = Settings(resamples=500)


def check(found: dict, name: str, reference, truth, candidate, baseline) -> None:  # type: ignore[no-untyped-def]
    assert found[name].candidate == pytest.approx(reference(truth, candidate), abs=1e-9)
    assert found[name].baseline == pytest.approx(reference(truth, baseline), abs=1e-9)
    interval = found[name].interval
    assert interval.low <= found[name].delta <= interval.high


def test_binary() -> None:
    rng = np.random.default_rng(0)
    n = 1500
    y = rng.integers(0, 2, n)
    sc = np.clip(0.5 + 0.3 * (y - 0.5) + rng.normal(0, 0.25, n), 0, 1).round(2)
    sb = np.clip(sc + rng.normal(0, 0.1, n), 0, 1).round(2)
    ids = np.arange(n)
    found = estimate(
        pair(
            {"id": ids, "label": y, "score": sc},
            {"id": ids, "label": y, "score": sb},
            names=ColumnNames(),
        ),
        SETTINGS,
    )
    pc, pb = (sc >= 0.5).astype(int), (sb >= 0.5).astype(int)
    for name, fn in (
        ("accuracy", sk.accuracy_score),
        ("precision", sk.precision_score),
        ("recall", sk.recall_score),
        ("f1", sk.f1_score),
    ):
        check(found, name, fn, y, pc, pb)
    check(found, "roc_auc", sk.roc_auc_score, y, sc, sb)
    check(found, "log_loss", sk.log_loss, y, sc, sb)


def test_multiclass() -> None:
    rng = np.random.default_rng(1)
    n, k = 1200, 4
    y = rng.integers(0, k, n)
    raw = rng.random((n, k)) + np.eye(k)[y] * 0.4
    sc = raw / raw.sum(1, keepdims=True)
    raw_b = np.clip(raw + rng.normal(0, 0.15, (n, k)), 0.01, None)
    sb = raw_b / raw_b.sum(1, keepdims=True)
    ids = np.arange(n)

    def table(scores: np.ndarray) -> dict[str, np.ndarray]:
        out = {"id": ids, "label": y}
        out.update({f"score_{j}": scores[:, j] for j in range(k)})
        return out

    found = estimate(pair(table(sc), table(sb), names=ColumnNames()), SETTINGS)
    pc, pb = sc.argmax(1), sb.argmax(1)
    for average in ("macro", "micro"):
        for name, fn in (
            ("precision", sk.precision_score),
            ("recall", sk.recall_score),
            ("f1", sk.f1_score),
        ):
            check(
                found,
                f"{name}_{average}",
                lambda t, p, fn=fn, average=average: fn(t, p, average=average),
                y,
                pc,
                pb,
            )
    check(found, "accuracy", sk.accuracy_score, y, pc, pb)
    check(found, "roc_auc", lambda t, s: sk.roc_auc_score(t, s, multi_class="ovr"), y, sc, sb)
    check(found, "log_loss", sk.log_loss, y, sc, sb)


def test_regression() -> None:
    rng = np.random.default_rng(2)
    n = 1000
    y = rng.normal(5, 2, n)
    pc, pb = y + rng.normal(0, 1, n), y + rng.normal(0, 1.2, n)
    ids = np.arange(n)
    found = estimate(
        pair(
            {"id": ids, "label": y, "prediction": pc},
            {"id": ids, "label": y, "prediction": pb},
            names=ColumnNames(),
        ),
        SETTINGS,
    )
    check(found, "mae", sk.mean_absolute_error, y, pc, pb)
    check(found, "rmse", sk.root_mean_squared_error, y, pc, pb)
    check(found, "r2", sk.r2_score, y, pc, pb)


def test_an_undefined_metric_survives_the_verdict_round_trip() -> None:
    """ROC AUC with a single negative example is undefined (NaN): the verdict is still
    standard JSON and reads back the same."""
    import json

    from mlgate.core.compare import GatePolicy, compare
    from mlgate.core.metricset import MetricSet
    from mlgate.core.verdict import Identity
    from mlgate.files.verdict import verdict_json

    ids = np.arange(50)
    labels = np.ones(50, dtype=int)
    labels[0] = 0
    paired = pair(
        {"id": ids, "label": labels, "score": np.linspace(0, 1, 50)},
        {"id": ids, "label": labels, "score": np.linspace(1, 0, 50)},
        names=ColumnNames(),
    )
    found = estimate(paired, Settings(resamples=200))
    assert np.isnan(found["roc_auc"].candidate)
    verdict = compare(
        candidate=MetricSet(
            identity=Identity(label="c"), metrics={n: e.candidate for n, e in found.items()}
        ),
        baseline=MetricSet(
            identity=Identity(label="b"), metrics={n: e.baseline for n, e in found.items()}
        ),
        policy=GatePolicy(model="m", rules=()),
        intervals={n: e.interval for n, e in found.items()},
    )
    text = verdict_json(verdict)
    row = next(r for r in json.loads(text)["metrics"] if r["name"] == "roc_auc")
    assert row["ci"]["low"] == "NaN" and row["candidate"] == "NaN"
