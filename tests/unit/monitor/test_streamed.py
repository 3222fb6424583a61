"""The streamed comparison against the in-memory one on the same files: equal where the
reference sketch is exact (every count, PSI, KS D and p-value), within the stated bound
where it compacted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlgate.core.drift import Kind
from mlgate.core.drift_settings import DriftSettings
from mlgate.files.streaming import layout
from mlgate.files.tables import read_table
from mlgate.monitor.streamed import compare_streamed, shared_features
from mlgate.monitor.tables import compare_tables


def write(path: Path, n: int, *, shift: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1, n)
    ties = np.round(rng.normal(0, 1, n) * 2)
    gaps = [("" if rng.random() < 0.05 + shift / 10 else f"{v:.6f}") for v in rng.normal(size=n)]
    plan = rng.choice(["basic", "pro", "max"], n, p=[0.5, 0.3 + shift / 5, 0.2 - shift / 5])
    path.write_text(
        "x,ties,gaps,plan\n"
        + "".join(
            f"{a:.6f},{b:g},{c},{d}\n" for a, b, c, d in zip(x, ties, gaps, plan, strict=True)
        )
    )


def streamed(  # type: ignore[no-untyped-def]
    reference: Path, current: Path, settings: DriftSettings, capacity: int | None = None
):
    ref, cur = layout(reference, role="drift reference"), layout(current, role="current data")
    features = shared_features(list(ref.types), ref.types, cur.types, settings)
    return compare_streamed(
        ref,
        cur,
        settings=settings,
        features=features,
        drifted_schema=[],
        schema=(),
        kind=Kind.DRIFT,
        labels=("ref", "cur"),
        model=None,
        capacity=capacity,
    )


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    write(tmp_path / "ref.csv", 20_000, shift=0.0, seed=1)
    write(tmp_path / "cur.csv", 30_000, shift=0.3, seed=2)
    return tmp_path / "ref.csv", tmp_path / "cur.csv"


def test_an_exact_sketch_gives_the_in_memory_results(files: tuple[Path, Path]) -> None:
    settings = DriftSettings()
    whole = compare_tables(
        read_table(files[0], role="drift reference"),
        read_table(files[1], role="current data"),
        settings=settings,
    )
    report = streamed(*files, settings)
    assert report.settings["streamed"] is True and "ks_error" not in report.settings
    assert report.reference.rows == 20_000 and report.current.rows == 30_000
    ours = {f.name: f for f in report.features}
    for theirs in whole.features:
        mine = ours[theirs.name]
        assert mine.status is theirs.status, theirs.name
        assert mine.measured is not None and theirs.measured is not None
        for field in ("psi", "distance", "p_value", "statistic"):
            assert getattr(mine.measured, field) == pytest.approx(
                getattr(theirs.measured, field), rel=1e-9, abs=1e-15
            ), (theirs.name, field)
        for field in ("reference_rows", "current_rows", "reference_missing", "current_missing"):
            assert getattr(mine.measured, field) == getattr(theirs.measured, field)


def test_a_compacted_sketch_stays_within_its_stated_bound(files: tuple[Path, Path]) -> None:
    whole = compare_tables(
        read_table(files[0], role="drift reference"),
        read_table(files[1], role="current data"),
        settings=DriftSettings(),
    )
    # 64 MB is the smallest budget: the sketch's capacity is set directly instead.
    report = streamed(*files, DriftSettings(), capacity=1_000)
    bound = report.settings["ks_error"]
    assert 0 < bound < 0.05
    ours = {f.name: f for f in report.features}
    for theirs in whole.features:
        mine = ours[theirs.name]
        assert mine.measured is not None and theirs.measured is not None
        if theirs.kind == "categorical":
            assert mine.measured.psi == theirs.measured.psi
            continue
        assert abs(mine.measured.distance - theirs.measured.distance) <= bound, theirs.name
        assert mine.measured.current_missing == theirs.measured.current_missing
