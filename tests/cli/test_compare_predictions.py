"""``mlgate compare`` on per-example predictions: files of each format, the verdict's
intervals, the modes deciding differently on the same data, slices, and bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import Result

Run = Callable[..., Result]

CONFIG = """\
model: churn
metrics:
  accuracy: {{max_drop: 0.005}}
  roc_auc: {{max_drop: 0.005}}
significance: {{mode: {mode}, resamples: 1000, seed: 1}}
slices: {{columns: [country], min_size: 100}}
"""


def predictions(root: Path, *, n: int = 3000, shift: float = 0.0, suffix: str = ".csv") -> None:
    """Baseline scores, and a candidate that is the baseline plus noise and ``shift`` —
    a regression concentrated in country DE."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, n)
    country = rng.choice(["DE", "FR", "US", "LU"], n, p=[0.3, 0.3, 0.38, 0.02])
    baseline = np.clip(0.5 + 0.3 * (labels - 0.5) + rng.normal(0, 0.25, n), 0, 1)
    damage = np.where(country == "DE", shift, 0.0) * np.where(labels == 1, -1, 1)
    candidate = np.clip(baseline + rng.normal(0, 0.05, n) + damage, 0, 1)
    ids = [f"ex-{i}" for i in range(n)]
    frames = {
        "candidate": pd.DataFrame(
            {"id": ids, "label": labels, "score": candidate, "country": country}
        ),
        "baseline": pd.DataFrame(
            {"id": ids, "label": labels, "score": baseline, "country": country}
        ).sample(frac=1.0, random_state=1),
    }
    for side, frame in frames.items():
        path = root / f"{side}{suffix}"
        if suffix == ".parquet":
            frame.to_parquet(path, index=False)
        elif suffix == ".jsonl":
            frame.to_json(path, orient="records", lines=True)
        else:
            frame.to_csv(path, index=False)


def compare(run: Run, suffix: str = ".csv", *extra: str) -> Result:
    return run(
        "compare",
        "--candidate-predictions",
        f"candidate{suffix}",
        "--baseline-predictions",
        f"baseline{suffix}",
        "--print",
        "none",
        *extra,
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_each_format_gives_the_same_verdict(run: Run, workdir: Path, suffix: str) -> None:
    (workdir / "mlgate.yml").write_text(CONFIG.format(mode="significant"))
    predictions(workdir, suffix=suffix)
    result = compare(run, suffix)
    assert result.exit_code == 0, result.output
    verdict = json.loads((workdir / "verdict.json").read_text())
    rows = {row["name"]: row for row in verdict["metrics"]}
    assert set(rows) == {"accuracy", "roc_auc", "precision", "recall", "f1", "log_loss"}
    ci = rows["roc_auc"]["ci"]
    assert ci["method"] == "DeLong" and ci["low"] <= rows["roc_auc"]["delta"] <= ci["high"]
    assert rows["accuracy"]["ci"]["method"] == "Newcombe (paired score)"
    assert rows["precision"]["ci"]["method"] == "MOVER (Wilson, paired)"
    assert rows["f1"]["ci"]["method"] == "multinomial bootstrap"
    assert rows["f1"]["ci"]["resamples"] == 1000
    assert verdict["significance"] == {"mode": "significant", "confidence": 0.95, "examples": 3000}
    assert verdict["slices_skipped"] == 1  # LU: about 60 examples, fewer than 100


def test_the_same_data_decided_by_each_mode(run: Run, workdir: Path) -> None:
    predictions(workdir, n=1500, shift=0.03)
    outcomes = {}
    for mode in ("point", "significant", "non_inferiority"):
        (workdir / "mlgate.yml").write_text(CONFIG.format(mode=mode))
        result = compare(run)
        verdict = json.loads((workdir / "verdict.json").read_text())
        outcomes[mode] = (
            result.exit_code,
            {r["name"]: r["status"] for r in verdict["metrics"] if r["rule"]},
        )
    report = (workdir / "report.md").read_text()
    assert "Decided on evidence — mode `non_inferiority`" in report
    assert "| Δ | 95% CI of Δ |" in report
    # Point blocks on any drop beyond 0.005; significant only when the interval excludes 0;
    # non-inferiority whenever the interval reaches beyond the tolerance.
    assert outcomes["non_inferiority"][0] == 1
    assert outcomes["point"][0] >= outcomes["significant"][0]


def test_a_regression_in_one_slice_is_found_and_reported(run: Run, workdir: Path) -> None:
    (workdir / "mlgate.yml").write_text(CONFIG.format(mode="significant"))
    predictions(workdir, shift=0.15)
    compare(run)
    verdict = json.loads((workdir / "verdict.json").read_text())
    worst = verdict["slices"][0]
    assert (worst["column"], worst["value"], worst["status"]) == ("country", "DE", "warn")
    assert worst["p_adjusted"] < 0.05
    assert {s["value"] for s in verdict["slices"]} == {"DE", "FR", "US"}
    assert verdict["slices_skipped"] == 1  # LU: fewer than 100 examples
    checks = {c["name"]: c for c in verdict["checks"]}
    assert checks["slices"]["summary"].startswith("1 slice regression") or checks["slices"][
        "summary"
    ].startswith("2 slice regressions")
    report = (workdir / "report.md").read_text()
    assert "### Slices" in report and "| ⚠️ | country = DE |" in report
    (workdir / "mlgate.yml").write_text(
        CONFIG.format(mode="significant") + "  fail: true\n".replace("  ", "", 0)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--candidate-predictions", "candidate.csv"],
            "--candidate-predictions needs --baseline-predictions",
        ),
        (
            ["--candidate-predictions", "candidate.csv", "--baseline-predictions", "candidate.csv"],
            "the candidate and the baseline are the same file",
        ),
        (
            ["--candidate-predictions", "candidate.xlsx", "--baseline-predictions", "baseline.csv"],
            "candidate.xlsx: candidate predictions must be CSV, Parquet or JSON Lines",
        ),
        (
            ["--candidate-predictions", "short.csv", "--baseline-predictions", "baseline.csv"],
            "the candidate and the baseline were not scored on the same examples: 2900 ids only in baseline.csv",
        ),
    ],
)
def test_bad_predictions_are_one_line_errors(
    run: Run, workdir: Path, args: list[str], message: str
) -> None:
    predictions(workdir)
    pd.read_csv(workdir / "candidate.csv").head(100).to_csv(workdir / "short.csv", index=False)
    (workdir / "candidate.xlsx").write_text("x")
    result = run("compare", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_models_that_never_disagree_on_54_examples_prove_nothing(run: Run, workdir: Path) -> None:
    (workdir / "mlgate.yml").write_text(
        "model: wine\nmetrics:\n  accuracy: {max_drop: 0.02}\n"
        "significance: {mode: non_inferiority}\n"
    )
    lines = ["id,label,prediction"] + [f"{i},{i % 3},{i % 3}" for i in range(54)]
    for side in ("candidate", "baseline"):
        (workdir / f"{side}.csv").write_text("\n".join(lines) + "\n")
    result = compare(run)
    verdict = json.loads((workdir / "verdict.json").read_text())
    (row,) = [r for r in verdict["metrics"] if r["name"] == "accuracy"]
    assert row["ci"]["method"] == "Newcombe (paired score)"
    assert row["ci"]["low"] == pytest.approx(-0.066, abs=2e-3)
    # non-inferiority within 0.02 is not shown by 54 examples
    assert row["status"] == "fail" and result.exit_code == 1
    assert "not shown non-inferior" in " ".join(row["reasons"])


def test_a_lost_class_fails_the_gate_although_every_metric_passes(run: Run, workdir: Path) -> None:
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    x, y = make_classification(
        n_samples=900, n_classes=3, n_informative=5, weights=[0.6, 0.3, 0.1], random_state=0
    )
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.33, random_state=0)
    production = LogisticRegression(max_iter=1000).fit(x_train, y_train)
    # the candidate's training data lost class 2's labels: it never predicts it
    candidate = LogisticRegression(max_iter=1000).fit(x_train, np.where(y_train == 2, 0, y_train))
    for side, model in (("candidate", candidate), ("baseline", production)):
        pd.DataFrame(
            {"id": range(len(y_test)), "label": y_test, "prediction": model.predict(x_test)}
        ).to_csv(workdir / f"{side}.csv", index=False)
    (workdir / "mlgate.yml").write_text(
        "model: imbalanced\nmetrics:\n  accuracy: {max_drop: 0.2}\n  f1_macro: {max_drop: 0.5}\n"
    )
    result = compare(run)
    assert result.exit_code == 1, result.output
    verdict = json.loads((workdir / "verdict.json").read_text())
    assert {r["name"]: r["status"] for r in verdict["metrics"] if r["rule"]} == {
        "accuracy": "pass",
        "f1_macro": "pass",
    }
    (check,) = [c for c in verdict["checks"] if c["name"] == "classes"]
    assert check["status"] == "fail" and "class 2: never predicted" in check["summary"]
    lost = {c["name"]: c for c in verdict["classes"]}["2"]
    assert lost["predicted"]["candidate"] == 0 and lost["recall"]["candidate"] == 0
    report = (workdir / "report.md").read_text()
    assert "<details open><summary>Per class: 3 classes, 1 lost</summary>" in report
    assert "1 class lost" in report.splitlines()[1]
