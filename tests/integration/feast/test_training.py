"""`mlgate skew --feast REPO --training FILE`: a training table's values against the offline
values at each row's own time — leakage from a naive latest-value join found on the features
it changes, none on a point-in-time table; and `mlgate compare` folding the check into the
verdict and the report (skew.feast.training)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from feast_helpers import config, rows_by_feature, skew_json
from feast_repo import Repo, training_table

pytestmark = pytest.mark.xdist_group("feast")


def test_a_naive_latest_value_join_leaks_on_the_features_that_change(repo: Repo, run: Any) -> None:
    training_table(repo, rows=1_500, naive=True).to_parquet("train.parquet")
    result = run("skew", "--feast", str(repo.path), "--training", "train.parquet",
                 "--print", "text")  # fmt: skip
    assert result.exit_code == 1, result.output  # leakage fails by default
    report = skew_json()
    rows = rows_by_feature(report)
    assert set(rows) == {"driver_stats:conv_rate", "driver_stats:trips", "driver_stats:city"}
    for name in ("driver_stats:conv_rate", "driver_stats:trips"):
        # every row is at least 6 hours old and the values change every 6 hours
        assert rows[name]["leaked"] == rows[name]["differing"] == 1_500
        assert rows[name]["leak_examples"]
    assert rows["driver_stats:city"]["leaked"] == rows["driver_stats:city"]["differing"] == 0
    assert "future values leak into training for driver_stats:" in report["headline"]
    assert "1,500 leaked" in result.output


def test_a_point_in_time_table_has_no_leakage(repo: Repo, run: Any) -> None:
    table = training_table(repo, rows=1_500, naive=False)
    table.rename(columns={"event_timestamp": "ts"}).to_csv("train.csv", index=False)
    config("skew: {fail: true, feast: {timestamp: ts}}\n")
    result = run("skew", "--feast", str(repo.path), "--training", "train.csv")
    assert result.exit_code == 0, result.output
    for row in skew_json()["mismatches"]:
        assert row["leaked"] == row["differing"] == 0
        assert row["compared"] == 1_500


def test_one_changed_value_is_a_mismatch_not_leakage(repo: Repo, run: Any) -> None:
    table = training_table(repo, rows=400, naive=False)
    table.loc[7, "trips"] = -1
    table.to_parquet("train.parquet")
    config("skew: {fail: true}\n")
    result = run("skew", "--feast", str(repo.path), "--training", "train.parquet")
    assert result.exit_code == 1, result.output
    trips = rows_by_feature(skew_json())["driver_stats:trips"]
    assert (trips["differing"], trips["leaked"]) == (1, 0)
    assert trips["examples"] == [str(table.loc[7, "driver_id"])]


@pytest.mark.parametrize("naive", [True, False])
def test_compare_folds_the_check_into_the_verdict_and_the_report(
    repo: Repo, run: Any, naive: bool
) -> None:
    training_table(repo, rows=300, naive=naive).to_parquet("train.parquet")
    for name, accuracy in (("candidate.json", 0.90), ("baseline.json", 0.90)):
        Path(name).write_text(json.dumps({"metrics": {"accuracy": accuracy}}))
    config(
        "metrics: {accuracy: {higher_is_better: true, max_drop: 0.01}}\n"
        f"skew: {{feast: {{repo: {repo.path}, training: train.parquet}}}}\n"
    )
    result = run("compare", "--candidate", "candidate.json", "--baseline", "baseline.json")
    assert result.exit_code == (1 if naive else 0), result.output
    verdict = json.loads(Path("verdict.json").read_text())
    check = next(c for c in verdict["checks"] if c["name"] == "training data point-in-time")
    assert check["status"] == ("fail" if naive else "pass")
    report = Path("report.md").read_text()
    assert "training data point-in-time" in report
    if naive:
        assert "driver_stats:conv_rate: 300 leaked of 300 rows" in check["summary"]
        assert "future values leak into training" in report
