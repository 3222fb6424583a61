"""Two tables → a drift report: shifted features found (and only those), schema changes,
ignored and time columns, categorical overrides, missing values, too-small samples; and
training–serving skew by key."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mlgate.core.checks import Status
from mlgate.core.drift import FeatureStatus
from mlgate.core.drift_settings import DriftSettings, Thresholds
from mlgate.errors import InputError
from mlgate.files.tables import read_table
from mlgate.monitor.skew import key_mismatches
from mlgate.monitor.tables import compare_tables, schema_changes

N = 4000


def _write(path: Path, columns: dict[str, object]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


@pytest.fixture
def tables(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(5)
    reference = {
        "steady": rng.normal(size=N),
        "shifted": rng.normal(size=N),
        "country": rng.choice(["DE", "FR", "IT"], size=N, p=[0.5, 0.3, 0.2]),
        "plan": rng.choice(["a", "b"], size=N),
        "flag": rng.choice([0, 1], size=N, p=[0.9, 0.1]),
        "gaps": rng.normal(size=N),
    }
    current = {
        "steady": rng.normal(size=N),
        "shifted": rng.normal(0.5, 1, size=N),
        "country": rng.choice(["DE", "FR", "IT"], size=N, p=[0.2, 0.3, 0.5]),
        "plan": rng.choice(["a", "b"], size=N),
        "flag": rng.choice([0, 1], size=N, p=[0.6, 0.4]),
        "gaps": np.where(rng.random(N) < 0.4, np.nan, rng.normal(size=N)),
    }
    return _write(tmp_path / "ref.parquet", reference), _write(tmp_path / "cur.parquet", current)


def _compare(ref: Path, cur: Path, settings: DriftSettings | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    return compare_tables(
        read_table(ref, role="reference"),
        read_table(cur, role="current"),
        settings=settings or DriftSettings(),
        **kwargs,  # type: ignore[arg-type]
    )


def test_finds_what_moved_and_nothing_else(tables: tuple[Path, Path]) -> None:
    report = _compare(*tables)
    by_name = {f.name: f for f in report.features}
    assert {f.name for f in report.drifted} == {"shifted", "country", "flag", "gaps"}
    assert by_name["steady"].status is FeatureStatus.OK
    assert by_name["plan"].status is FeatureStatus.OK
    assert by_name["country"].kind == "categorical"
    assert by_name["flag"].kind == "numeric"  # 0/1 as numbers: a bin per value
    gaps = by_name["gaps"].measured
    assert gaps is not None and gaps.current_missing == pytest.approx(0.4, abs=0.03)
    assert report.status is Status.WARN  # nothing is configured to fail


def test_fail_settings_and_ignore(tables: tuple[Path, Path]) -> None:
    settings = DriftSettings(
        features={
            "shifted": Thresholds(fail=True),
            "country": Thresholds(ignore=True),
            "flag": Thresholds(categorical=True),
        }
    )
    report = _compare(*tables, settings=settings)
    by_name = {f.name: f for f in report.features}
    assert report.status is Status.FAIL
    assert by_name["country"].status is FeatureStatus.SKIPPED
    assert by_name["flag"].kind == "categorical" and by_name["flag"].measured is not None
    assert by_name["flag"].measured.test == "chi2"


def test_too_few_rows_are_not_judged(tmp_path: Path) -> None:
    ref = _write(tmp_path / "r.parquet", {"x": np.arange(50.0)})
    cur = _write(tmp_path / "c.parquet", {"x": np.arange(50.0) + 100})
    report = _compare(ref, cur)
    assert report.features[0].status is FeatureStatus.TOO_FEW
    # judging nothing is never "no drift"
    assert report.status is Status.WARN
    assert report.headline() == "drift not judged: 1 feature with too few values to judge"


def test_schema_drift(tmp_path: Path) -> None:
    ref = _write(
        tmp_path / "r.parquet",
        {
            "a": [1, 2] * 100,
            "b": ["x", "y"] * 100,
            "gone": [1.0] * 200,
            "when": pa.array([0] * 200, pa.timestamp("s")),
        },
    )
    cur = _write(
        tmp_path / "c.parquet",
        {
            "a": [1.5, 2.5] * 100,
            "b": [1, 2] * 100,
            "new": [1] * 200,
            "when": pa.array([9] * 200, pa.timestamp("s")),
        },
    )
    report = _compare(ref, cur)
    changes = {(c.column, c.change, c.breaking) for c in report.schema}
    assert changes == {
        ("gone", "removed", True),
        ("new", "added", False),
        ("a", "type", False),  # integer → float: still numbers, compared
        ("b", "type", True),  # string → integer: not comparable
    }
    by_name = {f.name: f for f in report.features}
    assert by_name["gone"].reasons == ("column missing (was float)",)
    assert by_name["b"].reasons == ("type string → integer",)
    assert by_name["a"].measured is not None
    assert by_name["when"].status is FeatureStatus.SKIPPED
    assert "new" not in by_name


def test_schema_changes_without_difference_do_not_import_deepdiff() -> None:
    assert schema_changes({"a": "float"}, {"a": "float"}) == []


def test_max_features_guard(tables: tuple[Path, Path]) -> None:
    with pytest.raises(InputError, match=r"6 features to compare, more than drift\.max_features"):
        _compare(*tables, settings=DriftSettings(max_features=3))


def test_skew_by_key(tmp_path: Path) -> None:
    training = _write(
        tmp_path / "t.parquet",
        {"id": [1, 2, 3, 4], "x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "b", "a", None]},
    )
    serving = _write(
        tmp_path / "s.parquet",
        {"id": [4, 3, 2, 9], "x": [4.0, 3.0000000001, 2.5, 1.0], "c": [None, "b", "b", "a"]},
    )
    found = key_mismatches(
        read_table(training, role="t"),
        read_table(serving, role="s"),
        key="id",
        features=["x", "c"],
        tolerance=1e-6,
    )
    by_feature = {m.feature: m for m in found}
    assert (by_feature["x"].compared, by_feature["x"].differing) == (3, 1)
    assert by_feature["x"].examples == ("2",)
    assert (by_feature["c"].differing, by_feature["c"].examples) == (1, ("3",))


@pytest.mark.parametrize(
    "ids, message",
    [([1, 1, 2], "key id is not unique"), ([7, 8, 9], "no id value is also in")],
)
def test_skew_key_problems(tmp_path: Path, ids: list[int], message: str) -> None:
    training = _write(tmp_path / "t.parquet", {"id": [1, 2, 3], "x": [1.0, 2.0, 3.0]})
    serving = _write(tmp_path / "s.parquet", {"id": ids, "x": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError, match=message):
        key_mismatches(
            read_table(training, role="t"),
            read_table(serving, role="s"),
            key="id",
            features=["x"],
            tolerance=0.0,
        )


@pytest.mark.parametrize("empty", ["current", "reference"])
def test_a_header_only_table_is_0_rows_not_drift(tmp_path: Path, empty: str) -> None:
    full = _write(tmp_path / "full.parquet", {"x": np.arange(200.0)})
    header = tmp_path / "header.csv"
    header.write_text("x\n")

    tables = {role: read_table(full, role=role) for role in ("current", "reference")}
    tables[empty] = read_table(header, role=empty)
    with pytest.raises(InputError, match=rf"header.csv: 0 rows \(the {empty} table has a header"):
        compare_tables(tables["reference"], tables["current"], settings=DriftSettings())
