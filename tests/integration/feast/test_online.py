"""`mlgate skew --feast REPO --entities FILE` against a real Feast repository: the online
store (sqlite) against the point-in-time offline values (dask over Parquet)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from feast_helpers import config, entities, rows_by_feature, skew_json
from feast_repo import Repo, shifted

pytestmark = pytest.mark.xdist_group("feast")
NUMBERS = ("driver_stats:conv_rate", "driver_stats:acc_rate", "driver_stats:trips")


def test_a_consistent_store_passes_and_an_expired_value_is_expected(repo: Repo, run: Any) -> None:
    config("skew: {fail: true}\n")
    result = run("skew", "--feast", str(repo.path), "--entities", entities(repo), "--print", "text")
    assert result.exit_code == 0, result.output
    report = skew_json()
    assert report["status"] == "pass"
    rows = rows_by_feature(report)
    assert set(rows) == {*NUMBERS, "driver_stats:city", "driver_quality:score"}
    for row in rows.values():
        assert row["compared"] == repo.drivers
        assert row["differing"] == 0
        assert row["staleness_seconds"]["1"] == 0
    # driver_quality's TTL is a day; a quarter of the drivers stopped reporting 2 days ago:
    # Feast still serves their last value online (feast#6821), offline has none any more.
    score = rows["driver_quality:score"]
    assert score["expected_ttl"] == repo.drivers - repo.stale_from
    assert score["missing_online"] == score["missing_offline"] == 0


def test_a_transformation_bug_fails_naming_the_feature_its_rate_and_interval(
    repo: Repo, run: Any
) -> None:
    shifted(repo, drivers=40)
    config("skew: {fail: true}\n")
    result = run("skew", "--feast", str(repo.path), "--entities", entities(repo), "--print", "text")
    assert result.exit_code == 1, result.output
    assert (
        "driver_stats:conv_rate: 40 of 200 keys differ by driver_id (20.00% [15.05%, 26.09%]"
        in result.output
    )
    report = skew_json()
    assert report["status"] == "fail"
    rows = rows_by_feature(report)
    assert report["mismatches"][0]["feature"] == "driver_stats:conv_rate"  # the worst first
    conv = rows["driver_stats:conv_rate"]
    assert conv["differing"] == 40 and conv["share"] == 0.2
    assert conv["interval"] == pytest.approx([0.15045, 0.26086], abs=1e-5)
    assert conv["max_abs_diff"] == pytest.approx(0.1)
    assert set(conv["examples"]) <= {str(d) for d in range(1000, 1040)}
    assert all(rows[f]["differing"] == 0 for f in rows if f != "driver_stats:conv_rate")
    markdown = Path("mlgate-skew.md").read_text()
    assert "| ❌ | `driver_stats:conv_rate` | 200 | 40 | 20.00% [15.05%, 26.09%] |" in markdown


@pytest.mark.parametrize(
    ("mode", "limit", "code"),
    [
        ("significant", 0.18, 0),  # 20% > 18%, but the interval [15%, 26%] does not show it
        ("point", 0.18, 1),
        ("significant", 0.14, 1),  # the lower bound 15.0% is above 14%
        ("non_inferiority", 0.25, 1),  # the upper bound 26.1% is not within 25%
        ("non_inferiority", 0.27, 0),
    ],
)
def test_the_limit_is_judged_on_the_interval_in_the_metrics_modes(
    repo: Repo, run: Any, mode: str, limit: float, code: int
) -> None:
    shifted(repo, drivers=40)
    config(f"significance: {{mode: {mode}}}\nskew: {{fail: true, max_mismatch: {limit}}}\n")
    result = run("skew", "--feast", str(repo.path), "--entities", entities(repo))
    assert result.exit_code == code, result.output
    if mode == "significant" and code == 0:
        assert skew_json()["status"] == "warn"  # inconclusive is said, not passed silently


def test_stale_materialization_is_staleness_expected_within_max_lag_failing_beyond(
    feast_base: Repo, tmp_path: Any, run: Any
) -> None:
    stale = feast_base.copy(tmp_path / "stale", online=False)
    stale.materialize(until=stale.now - timedelta(days=2))
    drivers = entities(stale)
    config("skew: {fail: true, feast: {max_lag: 3d}}\n")
    within = run("skew", "--feast", str(stale.path), "--entities", drivers)
    assert within.exit_code == 0, within.output
    rows = rows_by_feature(skew_json())
    for name in NUMBERS:
        assert rows[name]["expected_lag"] == stale.drivers and rows[name]["differing"] == 0
        # the online value is the one two days (8 steps of 6 h) behind the newest offline
        assert rows[name]["staleness_seconds"]["0.5"] == 2 * 86400
    assert rows["driver_stats:city"]["differing"] == 0  # the same value, however old
    config("skew: {fail: true, feast: {max_lag: 2h}}\n")
    beyond = run("skew", "--feast", str(stale.path), "--entities", drivers, "--print", "text")
    assert beyond.exit_code == 1, beyond.output
    rows = rows_by_feature(skew_json())
    for name in NUMBERS:
        assert rows[name]["stale"] == rows[name]["differing"] == stale.drivers
    assert "200 stale" in beyond.output


def test_keys_are_sampled_by_their_hash_and_can_be_hidden(repo: Repo, run: Any) -> None:
    shifted(repo, drivers=200)
    config("skew: {feast: {sample: 0.25, show_keys: false}}\n")
    first = run("skew", "--feast", str(repo.path))  # keys from the views' sources
    assert first.exit_code == 0, first.output
    report = skew_json()
    conv = rows_by_feature(report)["driver_stats:conv_rate"]
    assert 25 <= conv["compared"] <= 75  # ≈ a quarter of 200, the same on every run
    assert conv["examples"] == ["(hidden: skew.feast.show_keys is false)"]
    again = run("skew", "--feast", str(repo.path))
    assert again.exit_code == 0
    assert rows_by_feature(skew_json())["driver_stats:conv_rate"]["compared"] == conv["compared"]
    config("skew: {feast: {sample: 30, features: [driver_stats:conv_rate]}}\n")
    counted = run("skew", "--feast", str(repo.path), "--entities", entities(repo))
    assert counted.exit_code == 0
    report = skew_json()
    assert [m["feature"] for m in report["mismatches"]] == ["driver_stats:conv_rate"]
    assert report["mismatches"][0]["compared"] == 30
    assert all(k.isdigit() for k in report["mismatches"][0]["examples"])
