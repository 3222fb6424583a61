"""``mlgate drift`` / ``skew`` / ``monitor`` (locally) through click: the files written,
the exit codes, bad input, and a drift report folded into ``mlgate compare``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import Result

Run = Callable[..., Result]
N = 2000


def tables(root: Path, *, shift: float = 0.5) -> None:
    rng = np.random.default_rng(1)
    header = "id,tenure,charges,plan\n"

    def rows(offset: float, plans: list[str], p: list[float]) -> str:
        tenure = rng.normal(offset, 1, N)
        charges = rng.normal(50, 10, N)
        plan = rng.choice(plans, N, p=p)
        return "".join(
            f"{i},{t:.6f},{c:.6f},{pl}\n"
            for i, (t, c, pl) in enumerate(zip(tenure, charges, plan, strict=True))
        )

    (root / "train.csv").write_text(header + rows(0.0, ["basic", "pro"], [0.7, 0.3]))
    (root / "eval.csv").write_text(header + rows(shift, ["basic", "pro"], [0.7, 0.3]))


def test_drift_writes_json_and_markdown_and_warns(run: Run, workdir: Path) -> None:
    tables(workdir)
    result = run("drift", "--reference", "train.csv", "--current", "eval.csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "mlgate data drift: WARN"
    data = json.loads((workdir / "mlgate-drift.json").read_text())
    assert data["kind"] == "mlgate-drift" and data["status"] == "warn"
    assert [f["name"] for f in data["features"] if f["status"] == "drift"] == ["tenure"]
    assert (workdir / "mlgate-drift.md").read_text().startswith("<!-- mlgate:drift model= -->")


def test_fail_option_and_config_decide_the_exit_code(run: Run, workdir: Path) -> None:
    tables(workdir)
    assert (
        run("drift", "--reference", "train.csv", "--current", "eval.csv", "--fail").exit_code == 1
    )
    (workdir / "mlgate.yml").write_text(
        "model: churn\ndrift:\n  data: eval.csv\n  ignore: [id]\n  features:\n    tenure: {fail: true}\n"
    )
    result = run("drift", "--reference", "train.csv", "--print", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["model"] == "churn" and "id" in [
        f["name"] for f in data["features"] if f["status"] == "skipped"
    ]
    assert run("drift", "--reference", "train.csv", "--no-fail", "--print", "none").exit_code == 0


def test_no_drift_passes(run: Run, workdir: Path) -> None:
    tables(workdir, shift=0.0)
    result = run("drift", "--reference", "train.csv", "--current", "eval.csv", "--fail")
    assert result.exit_code == 0, result.output
    assert "no drift in 4 features" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--reference", "train.csv", "--current", "nope.csv"], "nope.csv: current data not found"),
        (["--reference", "train.txt", "--current", "eval.csv"], "must be CSV or Parquet"),
        (["--current", "eval.csv"], "name the model with --model"),
        (["--reference", "models:/x", "--current", "eval.csv"], "is not a model reference"),
        (["--reference", "@champion", "--model", "m", "--current", "eval.csv"], "--tracking-uri"),
        (["--reference", "train.csv"], "give the current data: --current FILE or drift.data"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    run: Run, workdir: Path, args: list[str], message: str
) -> None:
    tables(workdir)
    (workdir / "train.txt").write_text("x")
    result = run("drift", *args, env={"MLFLOW_TRACKING_URI": ""})
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_bad_config_names_the_key(run: Run, workdir: Path) -> None:
    tables(workdir)
    (workdir / "mlgate.yml").write_text("drift:\n  psi: -1\n  binning: spline\n")
    result = run("drift", "--reference", "train.csv", "--current", "eval.csv")
    assert result.exit_code == 2
    assert (
        'mlgate.yml:3: drift.binning: must be one of quantile, uniform; got text "spline"'
        in result.output
    )
    assert "drift.psi: must be at least 0; got -1" in result.output


def test_skew_by_key(run: Run, workdir: Path) -> None:
    tables(workdir, shift=0.0)
    served = (workdir / "train.csv").read_text().splitlines()
    # the online path rounds charges: same distribution, different values
    changed = [served[0]] + [
        ",".join([*line.split(",")[:2], f"{round(float(line.split(',')[2]))}", line.split(",")[3]])
        for line in served[1:]
    ]
    (workdir / "served.csv").write_text("\n".join(changed) + "\n")
    result = run("skew", "--training", "train.csv", "--serving", "served.csv", "--key", "id")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "mlgate training–serving skew: WARN"
    data = json.loads((workdir / "mlgate-skew.json").read_text())
    assert data["type"] == "skew" and data["key"] == "id"
    by_feature = {m["feature"]: m for m in data["mismatches"]}
    assert by_feature["charges"]["differing"] > N * 0.9
    assert by_feature["tenure"]["differing"] == 0
    assert "id" not in [f["name"] for f in data["features"]]  # the key is not a feature
    assert (
        run(
            "skew", "--training", "train.csv", "--serving", "served.csv", "--key", "id", "--fail"
        ).exit_code
        == 1
    )


def test_compare_folds_a_drift_report(run: Run, workdir: Path) -> None:
    tables(workdir)
    (workdir / "m.json").write_text('{"metrics": {"accuracy": 0.9}}')
    (workdir / "mlgate.yml").write_text("drift:\n  features:\n    tenure: {fail: true}\n")
    assert run("drift", "--reference", "train.csv", "--current", "eval.csv").exit_code == 1
    result = run("compare", "--candidate", "m.json", "--drift", "mlgate-drift.json")
    assert result.exit_code == 1
    verdict = json.loads((workdir / "verdict.json").read_text())
    assert verdict["status"] == "fail"
    assert {
        "name": "data drift",
        "status": "fail",
        "summary": "drift in 1 of 4 features: tenure",
    } in verdict["checks"]
    assert verdict["drift"]["features"][0]["name"] == "tenure"
    assert "### Data drift" in (workdir / "report.md").read_text()
    (workdir / "broken.json").write_text('{"kind": "mlgate-drift", "features": 3}')
    bad = run("compare", "--candidate", "m.json", "--drift", "broken.json")
    assert bad.exit_code == 2 and "broken.json" in bad.output


def test_monitor_locally_writes_files_only(run: Run, workdir: Path) -> None:
    tables(workdir)
    result = run(
        "monitor", "--reference", "train.csv", "--current", "eval.csv", "--platform", "local"
    )
    assert result.exit_code == 0, result.output
    assert "local run: no tracking issue (files only)" in result.output
    assert (workdir / "mlgate-monitor.json").is_file()


@pytest.mark.parametrize(
    ("reference", "current", "message"),
    [
        # The CML demo's own data: space-separated, no header row.
        (b"1.0 2.0 3\n2.0 3.0 4\n", b"1.5 2.5 3\n2.5 3.5 4\n", "is the file separated by spaces?"),
        (b"a;b;c\n1;2;3\n", b"a;b;c\n1;2;4\n", "is the file separated by semicolons?"),
        (b"1.0,2.0,3\n2.0,3.0,4\n", b"a,b,c\n1,2,3\n", "looks like data, not column names"),
        (b"a,b\n1,2\n", b"x,y\n1,2\n", "no column in common between the two tables"),
        (b"a,b\n1,2\n", b"\xff\xfea,b\n1,2\n", "not UTF-8 text"),
        (b",b\n1,2\n", b"a,b\n1,2\n", "column 1 has no name: does the file have a header row?"),
    ],
)
def test_tables_read_wrongly_exit_2_in_one_line(
    run: Run, workdir: Path, reference: bytes, current: bytes, message: str
) -> None:
    (workdir / "ref.csv").write_bytes(reference)
    (workdir / "cur.csv").write_bytes(current)
    result = run("drift", "--reference", "ref.csv", "--current", "cur.csv")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
