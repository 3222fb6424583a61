"""Bad input to the Feast checks: one line naming the file, the feature or the option, the
documented exit code, and what was computed still written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from feast_helpers import config, entities
from feast_repo import Repo, training_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.xdist_group("feast")


def one_error(result: Any, code: int) -> str:
    assert result.exit_code == code, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("mlgate: error:")]
    assert len(errors) == 1, result.output
    assert "Traceback" not in result.output
    return errors[0]


def test_a_folder_without_feature_store_yaml(run: Any, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    error = one_error(run("skew", "--feast", "empty"), 2)
    assert "empty: no feature_store.yaml; give the feature repository's folder" in error


def test_a_repository_never_applied(feast_base: Repo, run: Any, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    text = (feast_base.path / "feature_store.yaml").read_text()
    (fresh / "feature_store.yaml").write_text(text.replace(str(feast_base.path), str(fresh)))
    error = one_error(run("skew", "--feast", "fresh"), 2)
    assert "the repository was never applied; run `feast apply` in it first" in error
    assert not (fresh / "data" / "registry.db").exists()  # nothing created in its place


@pytest.mark.parametrize(
    ("features", "says"),
    [
        ("[nowhere:conv_rate]", "Feature view nowhere does not exist"),
        ("[driver_stats:speed]", "feature view driver_stats has no feature 'speed'"),
        ("{service: ranking}", "Feature service ranking does not exist"),
    ],
)
def test_an_unknown_view_feature_or_service(repo: Repo, run: Any, features: str, says: str) -> None:
    config(f"skew: {{feast: {{repo: {repo.path}, features: {features}}}}}\n")
    assert says in one_error(run("skew"), 2)


def test_an_entity_file_without_the_join_keys(repo: Repo, run: Any) -> None:
    Path("drivers.csv").write_text("driver\n1001\n")
    error = one_error(run("skew", "--feast", str(repo.path), "--entities", "drivers.csv"), 2)
    assert "the entities have none of the views' join keys (driver_id)" in error
    config("skew: {feast: {features: [driver_stats:trips]}}\n")
    error = one_error(run("skew", "--feast", str(repo.path), "--entities", "drivers.csv"), 2)
    assert "drivers.csv: no join key column 'driver_id' for feature view driver_stats" in error


def test_a_training_table_without_its_time_column(repo: Repo, run: Any) -> None:
    table = training_table(repo, rows=20, naive=False).drop(columns="event_timestamp")
    table.to_parquet("train.parquet")
    error = one_error(run("skew", "--feast", str(repo.path), "--training", "train.parquet"), 2)
    assert "train.parquet: no time column 'event_timestamp' (skew.feast.timestamp)" in error


def test_an_online_store_that_cannot_be_reached_is_exit_3_and_monitor_keeps_the_rest(
    repo: Repo, run: Any
) -> None:
    yaml = repo.path / "feature_store.yaml"
    online = str(repo.path / "data" / "online.db")
    yaml.write_text(yaml.read_text().replace(online, "/proc/mlgate-none/online.db"))
    error = one_error(run("skew", "--feast", str(repo.path), "--entities", entities(repo)), 3)
    assert "reading the online store (sqlite) failed" in error
    # monitor: the drift part is still computed and written, then the exit is 3
    Path("a.csv").write_text("x\n" + "".join(f"{i % 10}\n" for i in range(300)))
    config(f"skew: {{feast: {{repo: {repo.path}}}}}\n")
    result = run("monitor", "--current", "a.csv", "--reference", "a.csv")
    assert "reading the online store (sqlite) failed" in one_error(result, 3)
    written = json.loads(Path("mlgate-monitor.json").read_text())
    assert written["drift"] is not None
    assert written["checks"]["skew"]["state"] == "unknown"


def usage_error(result: Any) -> str:
    assert result.exit_code == 2, result.output
    return str(result.output.splitlines()[-1])


def test_options_that_do_not_go_together(repo: Repo, run: Any) -> None:
    feast = ("skew", "--feast", str(repo.path))
    both = run(*feast, "--entities", "a.csv", "--training", "b.csv")
    assert usage_error(both) == "Error: --entities and --training are two checks: give one"
    serving = usage_error(run(*feast, "--serving", "b.csv"))
    assert "give --training and --serving (two tables), or --feast REPO" in serving
    assert "give --training and --serving" in usage_error(run("skew", "--training", "a.csv"))
    spark = usage_error(run(*feast, "--engine", "spark"))
    assert spark == "Error: --feast reads the feature store itself: drop --engine / --key"
    config("drift: {engine: spark}\n")  # the configured engine is drift's, not the store's
    assert run(*feast, "--entities", entities(repo)).exit_code == 0


def test_without_feast_installed_the_extra_is_named(repo: Repo, tmp_path: Path) -> None:
    blocked = subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.modules['feast'] = None; from mlgate.cli import main; main()",
         "skew", "--feast", str(repo.path)],
        check=False, capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert blocked.returncode == 2, blocked.stderr
    assert "the Feast check needs Feast: pip install 'mlgate[feast]'" in blocked.stderr
    assert "Traceback" not in blocked.stderr


def test_keys_the_store_does_not_have_are_not_consistent(repo: Repo, run: Any) -> None:
    Path("drivers.csv").write_text("driver_id\n5001\n5002\n")
    result = run("skew", "--feast", str(repo.path), "--entities", "drivers.csv", "--fail")
    error = one_error(result, 2)  # never a pass on nothing
    assert "nothing was compared: no driver_id had a value of any feature on either side" in error
    assert Path("mlgate-skew.json").is_file() and Path("mlgate-skew.md").is_file()
    config("skew: {feast: {sample: 0.000001}}\n")  # no key in the sample
    assert "nothing was compared: no feature to judge" in one_error(
        run("skew", "--feast", str(repo.path)), 2
    )


def test_a_key_of_the_wrong_type_names_the_file_and_column(repo: Repo, run: Any) -> None:
    Path("drivers.csv").write_text("driver_id\n1001\nabc\n")
    error = one_error(run("skew", "--feast", str(repo.path), "--entities", "drivers.csv"), 2)
    assert "drivers.csv: column driver_id: 'abc' is not a whole number (the join key" in error


cells = st.one_of(
    st.integers(-5, 1300).map(str),
    st.sampled_from(["", "abc", "1e3", "1001.5", "nan", "2026-12-01T00:00:00Z", '"', "\x00"]),
    st.text(max_size=6),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.sampled_from(["driver_id", "driver_id,event_timestamp,trips", "id", ""]),
    rows=st.lists(st.lists(cells, min_size=1, max_size=3), max_size=6),
    training=st.booleans(),
)
def test_any_entity_or_training_file_is_a_result_or_an_input_error(
    feast_base: Repo, tmp_path: Path, header: str, rows: list[list[str]], training: bool
) -> None:
    """Hypothesis writes the file; mlgate answers 0, 1 or 2 — never 4 (a bug)."""
    from click.testing import CliRunner

    from mlgate.cli import cli

    path = tmp_path / "input.csv"
    path.write_text(header + "\n" + "".join(",".join(r) + "\n" for r in rows))
    option = "--training" if training else "--entities"
    result = CliRunner().invoke(
        cli,
        ["skew", "--feast", str(feast_base.path), option, str(path), "--print", "none",
         "--out", str(tmp_path / "out.json"), "--report", str(tmp_path / "out.md")],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code in (0, 1, 2), result.output
    assert "internal error" not in result.output
