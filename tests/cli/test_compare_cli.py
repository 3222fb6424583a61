"""``mlgate compare`` end to end through click: exit codes, files, messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]


def args(quickstart: Path, candidate: str = "candidate.json", *extra: str) -> list[str]:
    return [
        "compare",
        "--config",
        str(quickstart / "mlgate.yml"),
        "--candidate",
        str(quickstart / candidate),
        "--baseline",
        str(quickstart / "production.json"),
        *extra,
    ]


def test_improved_candidate_exits_0_and_writes_both_files(
    run: Run, quickstart: Path, workdir: Path
) -> None:
    result = run(*args(quickstart))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("mlgate · churn-classifier: PASSED\n")
    verdict = json.loads((workdir / "verdict.json").read_text())
    assert verdict["status"] == "pass"
    assert verdict["candidate"]["model_version"] == "7"
    assert (
        (workdir / "report.md")
        .read_text()
        .startswith("<!-- mlgate:report model=churn-classifier -->\n✅")
    )


def test_regressed_candidate_exits_1_and_still_writes_files(
    run: Run, quickstart: Path, workdir: Path
) -> None:
    result = run(
        *args(quickstart, "candidate-regressed.json", "--out", "out/v.json", "--report", "out/r.md")
    )
    assert result.exit_code == 1
    assert "FAILED" in result.stdout
    assert json.loads((workdir / "out" / "v.json").read_text())["status"] == "fail"
    assert (workdir / "out" / "r.md").exists()


def test_no_baseline_exits_0(run: Run, quickstart: Path, workdir: Path) -> None:
    result = run(
        "compare",
        "-c",
        str(quickstart / "mlgate.yml"),
        "--candidate",
        str(quickstart / "candidate.json"),
    )
    assert result.exit_code == 0
    assert json.loads((workdir / "verdict.json").read_text())["status"] == "no_baseline"


@pytest.mark.parametrize("fmt", ["markdown", "json", "none"])
def test_print_formats(run: Run, quickstart: Path, fmt: str) -> None:
    result = run(*args(quickstart, "candidate.json", "--print", fmt))
    assert result.exit_code == 0
    if fmt == "markdown":
        assert result.stdout.startswith("<!-- mlgate:report")
    elif fmt == "json":
        assert json.loads(result.stdout)["status"] == "pass"
    else:
        assert result.stdout == ""


def test_options_from_environment(run: Run, quickstart: Path, workdir: Path) -> None:
    env = {
        "MLGATE_CONFIG": str(quickstart / "mlgate.yml"),
        "MLGATE_CANDIDATE": str(quickstart / "candidate-regressed.json"),
        "MLGATE_BASELINE": str(quickstart / "production.json"),
        "MLGATE_VERDICT": "env-verdict.json",
        "MLGATE_REPORT": "env-report.md",
        "MLGATE_PRINT": "none",
        "MLGATE_CHART": "false",
    }
    result = run("compare", env=env)
    assert result.exit_code == 1
    assert (workdir / "env-verdict.json").exists()
    assert "```mermaid" not in (workdir / "env-report.md").read_text()


def test_config_found_in_working_folder(run: Run, quickstart: Path, workdir: Path) -> None:
    (workdir / "mlgate.yml").write_text("model: from-cwd\nmetrics:\n  accuracy: {max_drop: 0}\n")
    result = run(
        "compare",
        "--candidate",
        str(quickstart / "candidate-regressed.json"),
        "--baseline",
        str(quickstart / "production.json"),
        "--print",
        "none",
    )
    assert result.exit_code == 1
    assert json.loads((workdir / "verdict.json").read_text())["model"] == "from-cwd"


def test_model_option_overrides_config(run: Run, quickstart: Path, workdir: Path) -> None:
    assert (
        run(*args(quickstart, "candidate.json", "--model", "other", "--print", "none")).exit_code
        == 0
    )
    assert (workdir / "report.md").read_text().startswith("<!-- mlgate:report model=other -->")


@pytest.mark.parametrize(
    ("setup", "argv", "message"),
    [
        (
            {"bad.yml": "metrics:\n  accuracy: {max_drp: 1}\n"},
            ["-c", "bad.yml"],
            "mlgate: error: bad.yml:2: metrics.accuracy.max_drp: unknown key; did you mean 'max_drop'?",
        ),
        ({}, ["-c", "missing.yml"], "mlgate: error: missing.yml: config not found"),
        (
            {"c.json": '{"metrics": {"accuracy": "high"}}'},
            ["--candidate", "c.json"],
            'mlgate: error: c.json: metrics.accuracy: expected a number, got text "high"',
        ),
        (
            {"c.json": "{broken"},
            ["--candidate", "c.json"],
            "mlgate: error: c.json:1: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        ),
        (
            {},
            ["--candidate", "nothing.json"],
            "mlgate: error: nothing.json: candidate metrics file not found",
        ),
        (
            {"c.json": "{}"},
            ["--candidate", "c.json", "--baseline", "c.json"],
            "mlgate: error: c.json: the candidate and the baseline are the same file",
        ),
        (
            {"c.json": "{}", "t.j2": "{{ nope }}"},
            ["--candidate", "c.json", "--template", "t.j2"],
            "mlgate: error: t.j2: template error: 'nope' is undefined",
        ),
    ],
)
def test_input_errors_exit_2_with_one_line(
    run: Run, workdir: Path, setup: dict[str, str], argv: list[str], message: str
) -> None:
    for name, content in setup.items():
        (workdir / name).write_text(content)
    base = [] if "--candidate" in argv else ["--candidate", "c.json"]
    if "--candidate" not in argv:
        (workdir / "c.json").write_text("{}")
    result = run("compare", *base, *argv)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert "Traceback" not in result.output


def test_template_error_keeps_the_verdict(run: Run, workdir: Path) -> None:
    (workdir / "c.json").write_text('{"a": 1}')
    (workdir / "t.j2").write_text("{{ nope }}")
    result = run("compare", "--candidate", "c.json", "--template", "t.j2")
    assert result.exit_code == 2
    assert json.loads((workdir / "verdict.json").read_text())["status"] == "no_baseline"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["compare"], "give the candidate: --candidate FILE or --candidate-predictions FILE"),
        (["compare", "--candidate", "x", "--max-chars", "10"], "--max-chars"),
        (["compare", "--candidate", "x", "--print", "html"], "--print"),
        (["compare", "--nope"], "No such option '--nope'"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2(run: Run, argv: list[str], fragment: str) -> None:
    result = run(*argv)
    assert result.exit_code == 2
    assert fragment in result.stderr


@pytest.mark.parametrize(
    "rule", ["rmse: {max_rise: 3}", "root_mean_squared_error: {max_rise_pct: 5}"]
)
def test_a_worse_rmse_fails_whatever_it_is_called(run: Run, workdir: Path, rule: str) -> None:
    name = rule.split(":", maxsplit=1)[0]
    (workdir / "mlgate.yml").write_text(f"model: diabetes\nmetrics:\n  {rule}\n")
    (workdir / "prod.json").write_text(json.dumps({"metrics": {name: 55.0, "mae": 44.0}}))
    (workdir / "cand.json").write_text(json.dumps({"metrics": {name: 71.0, "mae": 58.0}}))
    result = run("compare", "--candidate", "cand.json", "--baseline", "prod.json")
    assert result.exit_code == 1, result.output
    verdict = json.loads((workdir / "verdict.json").read_text())
    rows = {row["name"]: row for row in verdict["metrics"]}
    assert rows[name]["status"] == "fail"
    assert "rise of" in rows[name]["reasons"][0]
    # the ungated mae is lower-is-better too: it got worse, not better
    assert "improved" not in (workdir / "report.md").read_text()
