"""``mlgate compare`` with the evaluation data named in the metrics files (``dataset``)
or by ``evaluation.data``: compared like with like, refused, or allowed with a caveat."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]
CONFIG = "model: churn\nmetrics:\n  accuracy: {max_drop: 0.02}\n"


def side(path: Path, accuracy: float, dataset: dict[str, str] | None) -> Path:
    document: dict[str, object] = {"metrics": {"accuracy": accuracy}}
    if dataset is not None:
        document["dataset"] = dataset
    path.write_text(json.dumps(document))
    return path


def compare(
    run: Run, workdir: Path, ours: dict | None, theirs: dict | None, extra: str = ""
) -> Result:
    (workdir / "mlgate.yml").write_text(CONFIG + extra)
    return run(
        "compare",
        "--candidate",
        str(side(workdir / "candidate.json", 0.91, ours)),
        "--baseline",
        str(side(workdir / "production.json", 0.90, theirs)),
        "--print",
        "none",
    )


NOV = {"name": "eval-2026-11", "digest": "3f2a1b9c" + "0" * 24, "source": "s3://b/eval.parquet"}
OCT = {"name": "eval-2026-10", "digest": "a1b2c3d4" + "0" * 24}


def test_same_digest_compares_and_records_both(run: Run, workdir: Path) -> None:
    result = compare(run, workdir, NOV, {**NOV, "name": "same bytes, other name"})
    assert result.exit_code == 0, result.output
    verdict = json.loads((workdir / "verdict.json").read_text())
    assert verdict["data"]["outcome"] == "same"
    assert verdict["candidate"]["dataset"] == {**NOV, "origin": "metrics file"}
    assert "📊 **Data** both evaluated on `eval-2026-11`" in (workdir / "report.md").read_text()
    # The verdict file with its data section reads back (schema-validated) for the next step.
    again = run("report", "verdict.json", "--format", "markdown")
    assert again.exit_code == 0, again.output
    assert "📊 **Data** both evaluated on `eval-2026-11`" in again.output


def test_different_digests_are_refused_with_both_named(run: Run, workdir: Path) -> None:
    result = compare(run, workdir, NOV, OCT)
    assert result.exit_code == 1
    verdict = json.loads((workdir / "verdict.json").read_text())
    check = next(c for c in verdict["checks"] if c["name"] == "evaluation data")
    assert check["status"] == "fail"
    assert "eval-2026-11 (digest 3f2a1b9c)" in check["summary"]
    assert "eval-2026-10 (digest a1b2c3d4)" in check["summary"]
    assert "metrics files name no model to re-score" in check["summary"]


def test_allowed_across_datasets_passes_with_the_caveat(run: Run, workdir: Path) -> None:
    result = compare(run, workdir, NOV, OCT, "evaluation: {allow_cross_dataset: true}\n")
    assert result.exit_code == 0, result.output
    headline = (workdir / "report.md").read_text().splitlines()[1]
    assert "⚠️ compared across different evaluation datasets" in headline


def test_evaluation_data_names_the_candidates_side(run: Run, workdir: Path) -> None:
    (workdir / "eval.csv").write_text("x,label\n1,0\n")
    digest = hashlib.md5(b"x,label\n1,0\n").hexdigest()
    same = {"name": "eval.csv", "digest": digest}
    result = compare(run, workdir, None, same, "evaluation: {data: eval.csv}\n")
    assert result.exit_code == 0, result.output
    verdict = json.loads((workdir / "verdict.json").read_text())
    assert verdict["data"]["outcome"] == "same"
    assert verdict["candidate"]["dataset"]["origin"] == "file"


def test_no_provenance_anywhere_adds_nothing_unless_required(run: Run, workdir: Path) -> None:
    assert compare(run, workdir, None, None).exit_code == 0
    assert json.loads((workdir / "verdict.json").read_text())["data"] is None
    result = compare(run, workdir, None, None, "evaluation: {require: true}\n")
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("dataset", "message"),
    [
        ("eval", "candidate.json: dataset: expected a mapping with name, digest and source"),
        ({"digest": "x"}, "candidate.json: dataset: name the dataset (dataset.name)"),
        (
            {"name": "e", "md5": "x"},
            "candidate.json: dataset.md5: unknown key; a dataset has name, digest, source",
        ),
        (
            {"name": "e", "digest": 5.5},
            "candidate.json: dataset.digest: expected text, got 5.5",
        ),
    ],
)
def test_bad_dataset_keys_name_the_field(
    run: Run, workdir: Path, dataset: object, message: str
) -> None:
    result = compare(run, workdir, dataset, None)  # type: ignore[arg-type]
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_evaluation_data_is_an_input_error(run: Run, workdir: Path) -> None:
    result = compare(run, workdir, None, None, "evaluation: {data: gone.csv}\n")
    assert result.exit_code == 2
    assert "evaluation.data:" in result.output and "gone.csv not found" in result.output
