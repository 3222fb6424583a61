"""The drift and skew jobs' entry points: where the reference comes from (a file, or a
registered version — whose forms are checked before any registry is asked), skew's key
from the option or the config, and the report files with what GitHub Actions shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.core.checks import Status
from mlgate.core.drift import Kind
from mlgate.errors import InputError, UsageError
from mlgate.files.config import Config, load_config
from mlgate.files.drift import read_drift
from mlgate.monitor.drift import drift_report, skew_report
from mlgate.monitor.outputs import write_outputs


def csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "reference": csv(tmp_path / "ref.csv", "id,tenure", [f"{i},{i % 100}" for i in range(800)]),
        "same": csv(
            tmp_path / "same.csv", "id,tenure", [f"{i},{(i * 7) % 100}" for i in range(800)]
        ),
        "moved": csv(
            tmp_path / "moved.csv", "id,tenure", [f"{i},{i % 100 + 60}" for i in range(800)]
        ),
    }


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "mlgate.yml"
    path.write_text("model: churn\nskew: {key: id}\n", encoding="utf-8")
    return load_config(path)


def test_a_file_reference_needs_no_registry(files: dict[str, Path], config: Config) -> None:
    report = drift_report(reference=str(files["reference"]), current=files["moved"], config=config)
    assert report.status is Status.WARN
    assert report.model == "churn"
    assert report.reference.label == str(files["reference"])
    assert [f.name for f in report.drifted] == ["tenure"]
    steady = drift_report(reference=str(files["reference"]), current=files["same"], config=config)
    assert steady.status is Status.PASS


def test_the_model_option_wins_over_the_config(files: dict[str, Path], config: Config) -> None:
    report = drift_report(
        reference=str(files["reference"]), current=files["same"], config=config, model="other"
    )
    assert report.model == "other"


@pytest.mark.parametrize(
    ("reference", "model", "tracking_uri", "problem"),
    [
        ("@champion", None, "http://127.0.0.1:9", "name the model with --model"),
        ("@champion", "churn", None, "needs --tracking-uri or MLFLOW_TRACKING_URI"),
        ("models:/churn@champion", "churn", None, "needs --tracking-uri"),
        (
            "models:/churn",
            "churn",
            "http://127.0.0.1:9",
            "--reference: 'models:/churn' is not a model",
        ),
        ("models:/churn/7\n/8", "churn", "http://127.0.0.1:9", "--reference:"),
    ],
)
def test_registered_references_are_checked_before_the_registry_is_asked(
    files: dict[str, Path],
    tmp_path: Path,
    reference: str,
    model: str | None,
    tracking_uri: str | None,
    problem: str,
) -> None:
    path = tmp_path / "empty.yml"
    path.write_text("{}\n", encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        drift_report(
            reference=reference,
            current=files["same"],
            config=load_config(path),
            model=model,
            tracking_uri=tracking_uri,
        )
    assert problem in str(raised.value)


def test_a_missing_reference_file_is_an_input_error(
    files: dict[str, Path], config: Config, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match=r"gone\.csv"):
        drift_report(reference=str(tmp_path / "gone.csv"), current=files["same"], config=config)


def test_skew_uses_the_configs_key_and_leaves_it_out_of_the_distributions(
    files: dict[str, Path], config: Config
) -> None:
    report = skew_report(
        training=files["reference"], serving=files["same"], config=config, key=None
    )
    assert report.kind is Kind.SKEW and report.key == "id"
    assert [f.name for f in report.features] == ["tenure"]
    (mismatch,) = report.mismatches
    assert mismatch.feature == "tenure" and mismatch.share > 0.9


def test_skew_without_a_key_compares_distributions_only(
    files: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "plain.yml"
    path.write_text("model: churn\n", encoding="utf-8")
    report = skew_report(
        training=files["reference"], serving=files["same"], config=load_config(path), key=None
    )
    assert report.key is None and report.mismatches == ()
    assert {f.name for f in report.features} == {"id", "tenure"}


def test_the_outputs_are_the_json_the_markdown_and_what_actions_shows(
    files: dict[str, Path], config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary, output = tmp_path / "summary.md", tmp_path / "output"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    report = drift_report(reference=str(files["reference"]), current=files["moved"], config=config)
    markdown = write_outputs(report, out_path=tmp_path / "d.json", report_path=tmp_path / "d.md")
    assert read_drift(tmp_path / "d.json").to_dict() == report.to_dict()
    assert (tmp_path / "d.md").read_text(encoding="utf-8") == markdown
    assert summary.read_text(encoding="utf-8") == markdown + "\n"
    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("drift<<") and lines[1] == "warn"


def test_outside_actions_only_the_files_are_written(
    files: dict[str, Path], config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    report = drift_report(reference=str(files["reference"]), current=files["same"], config=config)
    write_outputs(report, out_path=tmp_path / "o" / "d.json", report_path=tmp_path / "o" / "d.md")
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == ["d.json", "d.md"]
    assert json.loads((tmp_path / "o" / "d.json").read_text())["status"] == "pass"
