"""``mlgate monitor --outcomes`` through click: degradation judged on evidence (a real drop
alerts, a noise-level one with few labels does not), windows with labels still arriving,
prediction drift, the metrics file, and every kind of bad outcomes file — exit 2, one line
naming the file and the column, and what the other part computed still written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import Result
from prometheus_client.parser import text_string_to_metric_families

Run = Callable[..., Result]
RULES = "model: churn\nmonitor:\n  window: day\n  performance:\n    accuracy: {max_drop: 0.03}\n"


def predictions(
    path: Path,
    n: int,
    *,
    accuracy: float,
    seed: int,
    start: int = 0,
    days: int = 0,
    unlabelled: float = 0.0,
    score_shift: float = 0.0,
) -> None:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    right = np.zeros(n, dtype=bool)
    right[rng.choice(n, round(accuracy * n), replace=False)] = True
    predicted = np.where(right, labels, 1 - labels)
    scores = np.clip(np.where(predicted == 1, 0.75, 0.25) + rng.normal(score_shift, 0.1, n), 0, 1)
    lines = ["id,label,prediction,score" + (",timestamp" if days else "")]
    for i in range(n):
        day = i * days // n if days else 0
        # Labels arrive late: the later the day, the more are still missing.
        missing = days and rng.random() < unlabelled * (day + 1) / days
        row = f"{start + i},{'' if missing else labels[i]},{predicted[i]},{scores[i]:.4f}"
        lines.append(row + (f",2026-11-{day + 1:02d}T{i % 24:02d}:30:00Z" if days else ""))
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def reference(workdir: Path) -> Path:
    predictions(workdir / "reference.csv", 3000, accuracy=0.90, seed=1)
    (workdir / "mlgate.yml").write_text(RULES)
    return workdir / "reference.csv"


def exported(path: Path) -> dict[str, Any]:
    """The metric families in a --metrics-file, by name."""
    return {f.name: f for f in text_string_to_metric_families(path.read_text())}


def check_states(families: dict[str, Any]) -> dict[str, float]:
    """mlgate_check_status by check (the whole checks, not each metric's)."""
    samples = families["mlgate_check_status"].samples
    return {s.labels["check"]: s.value for s in samples if "metric" not in s.labels}


def monitor(run: Run, *args: str) -> Result:
    return run("monitor", "--performance-reference", "reference.csv", "--platform", "local", *args)


def test_a_real_drop_alerts_and_fails_with_monitor_fail(
    run: Run, workdir: Path, reference: Path
) -> None:
    predictions(workdir / "outcomes.csv", 4000, accuracy=0.84, seed=2, days=4)
    result = monitor(run, "--outcomes", "outcomes.csv", "--metrics-file", "metrics.prom")
    assert result.exit_code == 0, result.output  # an alert, not a failure, by default
    data = json.loads((workdir / "mlgate-monitor.json").read_text())
    assert data["kind"] == "mlgate-monitor" and data["status"] == "warn"
    assert data["degraded"] == ["accuracy"]
    row = data["performance"]["metrics"][0]
    assert row["ci"]["method"] == "Newcombe (Wilson)" and row["ci"]["high"] < -0.03
    assert "and significantly" in row["reasons"][0]
    families = exported(workdir / "metrics.prom")
    degraded = {
        s.labels["metric"]: s.value for s in families["mlgate_performance_degraded"].samples
    }
    assert degraded == {"accuracy": 1.0}
    live = {
        (s.labels["metric"], s.labels["window"]): s.value
        for s in families["mlgate_performance"].samples
    }
    assert live[("accuracy", "all")] == pytest.approx(0.84, abs=1e-3)
    assert ("accuracy", "latest") in live
    assert families["mlgate_monitor_last_success_timestamp_seconds"].samples[0].value > 1.7e9

    (workdir / "mlgate.yml").write_text(RULES + "  fail: true\n")
    result = monitor(run, "--outcomes", "outcomes.csv")
    assert result.exit_code == 1
    # the status words match the exit code
    assert json.loads((workdir / "mlgate-monitor.json").read_text())["status"] == "fail"
    assert "WARN" not in result.stdout.splitlines()[0]


def regression(path: Path, n: int, *, noise: float, seed: int) -> None:
    """Whole-number targets (as diabetes's) and fractional predictions, RMSE about noise."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(25, 346, n)
    predicted = truth + rng.normal(0, noise, n)
    lines = ["id,label,prediction"] + [f"{i},{truth[i]},{predicted[i]:.3f}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n")


def test_a_regression_with_whole_number_targets_is_judged_as_regression(
    run: Run, workdir: Path
) -> None:
    regression(workdir / "reference.csv", 400, noise=55, seed=1)
    regression(workdir / "outcomes.csv", 400, noise=80, seed=2)
    rules = "model: diabetes\nmonitor:\n  fail: true\n  performance:\n    rmse: {max_rise: 5}\n"
    (workdir / "mlgate.yml").write_text(rules)
    result = monitor(run, "--outcomes", "outcomes.csv")
    assert result.exit_code == 1, result.output
    data = json.loads((workdir / "mlgate-monitor.json").read_text())
    assert data["degraded"] == ["rmse"] and data["status"] == "fail"
    row = data["performance"]["metrics"][0]
    assert 50 < row["reference"] < 60 and 75 < row["live"] < 85

    # a metric that cannot be computed is never "no degradation"
    (workdir / "mlgate.yml").write_text(rules + "    roc_auc: {max_drop: 0.01}\n")
    regression(workdir / "outcomes.csv", 400, noise=55, seed=3)
    result = monitor(run, "--outcomes", "outcomes.csv")
    data = json.loads((workdir / "mlgate-monitor.json").read_text())
    assert "no degradation in 1 metric; 1 not computed (roc_auc)" in data["headline"]
    assert data["status"] == "warn"
    (roc,) = [r for r in data["performance"]["metrics"] if r["name"] == "roc_auc"]
    assert roc["status"] == "warn" and "classification metric" in roc["reasons"][-1]

    # nothing computable at all: a refusal naming why
    (workdir / "mlgate.yml").write_text(
        "model: diabetes\nmonitor:\n  performance:\n    accuracy: {max_drop: 0.01}\n"
    )
    result = monitor(run, "--outcomes", "outcomes.csv")
    assert result.exit_code == 2
    assert "none of the monitor.performance metrics can be computed" in result.stderr
    assert "read as regression" in result.stderr


def test_a_task_set_in_the_config_is_the_monitors_task(run: Run, workdir: Path) -> None:
    regression(workdir / "reference.csv", 300, noise=55, seed=1)
    regression(workdir / "outcomes.csv", 300, noise=55, seed=2)
    (workdir / "mlgate.yml").write_text(
        "model: diabetes\npredictions: {task: multiclass}\n"
        "monitor:\n  performance:\n    rmse: {max_rise: 5}\n"
    )
    result = monitor(run, "--outcomes", "outcomes.csv")
    assert result.exit_code == 2
    assert "predictions.task is multiclass" in result.stderr
    assert "set predictions.task: regression" in result.stderr


def test_a_noise_level_drop_with_few_labels_does_not_alert(
    run: Run, workdir: Path, reference: Path
) -> None:
    # 52 of 60 right: a drop of 0.033 past max_drop 0.03 — but 60 labels cannot tell.
    predictions(workdir / "outcomes.csv", 60, accuracy=52 / 60, seed=3)
    result = monitor(run, "--outcomes", "outcomes.csv")
    assert result.exit_code == 0, result.output
    data = json.loads((workdir / "mlgate-monitor.json").read_text())
    assert data["degraded"] == []
    reasons = " ".join(data["performance"]["metrics"][0]["reasons"])
    assert "not significantly" in reasons and "too few labelled outcomes" in reasons


def test_windows_say_how_much_is_labelled_yet(run: Run, workdir: Path, reference: Path) -> None:
    predictions(workdir / "outcomes.csv", 3500, accuracy=0.90, seed=4, days=7, unlabelled=0.9)
    assert monitor(run, "--outcomes", "outcomes.csv").exit_code == 0
    data = json.loads((workdir / "mlgate-monitor.json").read_text())["performance"]
    windows = data["windows"]
    assert [w["start"] for w in windows] == [f"2026-11-{d:02d}" for d in range(1, 8)]
    assert all(w["served"] == 500 for w in windows)
    assert windows[0]["coverage"] > 0.8 and windows[-1]["coverage"] < 0.3
    assert data["labelled"] == sum(w["labelled"] for w in windows) < data["served"]
    markdown = (workdir / "mlgate-monitor.md").read_text()
    assert "Labels cover only part of 7 windows" in markdown and "xychart-beta" in markdown
    assert "labels still arriving for 7 windows" in data["headline"]


def test_shifted_scores_are_prediction_drift(run: Run, workdir: Path, reference: Path) -> None:
    predictions(workdir / "outcomes.csv", 3000, accuracy=0.90, seed=5, score_shift=0.2)
    monitor(run, "--outcomes", "outcomes.csv")
    data = json.loads((workdir / "mlgate-monitor.json").read_text())
    outputs = {f["name"]: f["status"] for f in data["outputs"]}
    assert outputs == {"score": "drift", "label": "ok"}
    assert data["drifting"] == ["score (model output)"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id,prediction\n1,1\n2,0\n", "no column 'label'"),
        ("id,label,prediction\n1,1,1\n1,0,0\n", "column 'id': 1 ids appear more than once"),
        ("id,label,prediction\n1,1,1\n2,7,0\n", "7 are not among the model's two classes (0, 1)"),
        (
            "id,label,prediction,timestamp\n1,1,1,2026-11-01\n2,0,0,yesterday\n",
            "column 'timestamp', row 2: 'yesterday' is not a date or time",
        ),
    ],
)
def test_bad_outcomes_exit_2_naming_file_and_column_and_the_drift_is_kept(
    run: Run, workdir: Path, reference: Path, content: str, expected: str
) -> None:
    (workdir / "outcomes.csv").write_text(content)
    (workdir / "train.csv").write_text("x\n" + "".join(f"{i % 7}\n" for i in range(300)))
    (workdir / "now.csv").write_text("x\n" + "".join(f"{i % 9}\n" for i in range(300)))
    result = monitor(
        run, "--outcomes", "outcomes.csv", "--reference", "train.csv", "--current", "now.csv"
    )
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "outcomes.csv" in lines[0] and expected in lines[0], lines
    assert "Traceback" not in result.output
    kept = json.loads((workdir / "mlgate-monitor.json").read_text())
    assert kept["drift"]["features"][0]["name"] == "x" and kept["performance"] is None


def test_an_unreachable_pushgateway_is_a_warning_unless_required(
    run: Run, workdir: Path, reference: Path
) -> None:
    predictions(workdir / "outcomes.csv", 500, accuracy=0.9, seed=6)
    url = "http://127.0.0.1:9"  # discard port: nothing listens
    result = monitor(
        run, "--outcomes", "outcomes.csv", "--pushgateway", url, "--metrics-file", "m.prom"
    )
    assert result.exit_code == 0, result.output
    assert "warning: Pushgateway http://127.0.0.1:9: push failed" in result.output
    assert (workdir / "m.prom").is_file() and (workdir / "mlgate-monitor.json").is_file()
    required = monitor(run, "--outcomes", "outcomes.csv", "--pushgateway", url, "--require-push")
    assert required.exit_code == 3 and "push failed" in required.output


def test_monitor_needs_something_to_check(run: Run, workdir: Path) -> None:
    result = run("monitor", "--platform", "local")
    assert result.exit_code == 2 and "give what to check" in result.output


def test_a_degradation_is_exported_even_when_the_drift_part_fails(
    run: Run, workdir: Path, reference: Path
) -> None:
    predictions(workdir / "outcomes.csv", 4000, accuracy=0.84, seed=2)
    (workdir / "train.csv").write_text("x\n" + "".join(f"{i % 7}\n" for i in range(300)))
    (workdir / "now.csv").write_text("x\n")  # a truncated export: a header, no rows
    result = monitor(
        run,
        "--outcomes",
        "outcomes.csv",
        "--reference",
        "train.csv",
        "--current",
        "now.csv",
        "--metrics-file",
        "metrics.prom",
    )
    assert result.exit_code == 2, result.output
    assert "now.csv: 0 rows" in result.output
    families = exported(workdir / "metrics.prom")
    degraded = {
        s.labels["metric"]: s.value for s in families["mlgate_performance_degraded"].samples
    }
    assert degraded == {"accuracy": 1.0}
    # the drift check whose input could not be read is exported as unknown, never ok
    status = check_states(families)
    assert status == {"drift": 2.0, "outputs": 0.0, "performance": 1.0}


def test_monitor_min_rows_is_the_floor_of_the_monitors_drift(
    run: Run, workdir: Path, reference: Path
) -> None:
    (workdir / "train.csv").write_text("x\n" + "".join(f"{i % 7}\n" for i in range(300)))
    (workdir / "now.csv").write_text("x\n" + "".join(f"{(i % 7) + 4}\n" for i in range(40)))
    args = ("--reference", "train.csv", "--current", "now.csv", "--metrics-file", "m.prom")
    few = monitor(run, *args)  # drift.min_rows (100) by default: 40 rows judge nothing
    assert few.exit_code == 0, few.output
    data = json.loads((workdir / "mlgate-monitor.json").read_text())
    assert data["status"] == "warn" and data["headline"].startswith("drift not judged")
    (workdir / "mlgate.yml").write_text(RULES + "  min_rows: 30\n")
    judged = monitor(run, *args)
    assert judged.exit_code == 0, judged.output
    data = json.loads((workdir / "mlgate-monitor.json").read_text())
    assert data["drifting"] == ["x"]


def test_a_registry_down_for_one_part_keeps_the_other(
    run: Run, workdir: Path, reference: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")  # a user's setting wins
    predictions(workdir / "outcomes.csv", 4000, accuracy=0.84, seed=2)
    (workdir / "now.csv").write_text("x\n" + "".join(f"{i % 9}\n" for i in range(300)))
    result = monitor(
        run,
        "--outcomes",
        "outcomes.csv",
        "--current",
        "now.csv",  # against @champion: the registry, which is down
        "--tracking-uri",
        "http://127.0.0.1:9",
        "--metrics-file",
        "m.prom",
    )
    assert result.exit_code == 3, result.output
    assert "mlgate-monitor.json and mlgate-monitor.md were written" in result.output
    kept = json.loads((workdir / "mlgate-monitor.json").read_text())
    assert kept["drift"] is None and kept["degraded"] == ["accuracy"]
    families = exported(workdir / "m.prom")
    status = check_states(families)
    assert status["drift"] == 2.0 and status["performance"] == 1.0
