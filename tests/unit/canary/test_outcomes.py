"""`mlgate canary --outcomes`: a file with a variant column. With labels, a quality
regression fails and a noise-level dip does not; every malformed file or config is one
line and exit 2, with nothing half-written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from click.testing import CliRunner, Result

from mlgate.cli import cli
from mlgate.files.canary import schema

CONFIG = (
    "model: churn\n"
    "canary:\n"
    "  rules:\n"
    "    accuracy: {max_drop: 0.02}\n"
    "    error_rate: {max_rise: 0.01}\n"
    "    latency_p95: {max_rise_pct: 10}\n"
    "    output_drift: {max: 0.2}\n"
)


def outcomes(path: Path, *, canary_accuracy: float, n: int = 6000, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    rows = []
    for variant, accuracy, count in (("stable", 0.9, n), ("canary", canary_accuracy, n)):
        for i in range(count):
            label = int(rng.random() < 0.4)
            prediction = label if rng.random() < accuracy else 1 - label
            rows.append(
                {
                    "id": f"{variant}-{i}",
                    "variant": variant,
                    "label": label,
                    "prediction": prediction,
                    "error": "true" if rng.random() < 0.01 else "false",
                    "latency": round(float(rng.lognormal(-3, 0.3)), 6),
                }
            )
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(
    tmp_path: Path, data: Path, config: str = CONFIG, extra: tuple[str, ...] = ()
) -> tuple[Result, dict]:
    (tmp_path / "mlgate.yml").write_text(config)
    out = tmp_path / "mlgate-canary.json"
    result = CliRunner().invoke(
        cli,
        [
            "canary",
            "--config",
            str(tmp_path / "mlgate.yml"),
            "--outcomes",
            str(data),
            "--out",
            str(out),
            "--report",
            str(tmp_path / "mlgate-canary.md"),
            *extra,
        ],
    )
    return result, json.loads(out.read_text()) if out.exists() else {}


def test_a_quality_regression_fails(tmp_path: Path) -> None:
    result, found = run(tmp_path, outcomes(tmp_path / "o.csv", canary_accuracy=0.84))
    assert result.exit_code == 1, result.output
    accuracy = next(m for m in found["metrics"] if m["name"] == "accuracy")
    assert accuracy["decision"] == "fail" and accuracy["unit"] == "labels"
    assert accuracy["ci"][1] < -0.02
    assert found["traffic"]["canary"]["labelled"] == 6000


def test_a_noise_level_dip_does_not_fail(tmp_path: Path) -> None:
    result, found = run(tmp_path, outcomes(tmp_path / "o.csv", canary_accuracy=0.895))
    assert result.exit_code in (0, 5), result.output
    assert found["decision"] != "fail"
    accuracy = next(m for m in found["metrics"] if m["name"] == "accuracy")
    assert accuracy["decision"] in ("pass", "inconclusive")
    assert {m["name"] for m in found["metrics"]} == {
        "accuracy",
        "error_rate",
        "latency_p95",
        "output_drift",
    }


def test_the_json_and_markdown_agree(tmp_path: Path) -> None:
    run(tmp_path, outcomes(tmp_path / "o.csv", canary_accuracy=0.84, n=800))
    markdown = (tmp_path / "mlgate-canary.md").read_text()
    found = json.loads((tmp_path / "mlgate-canary.json").read_text())
    assert found["kind"] == "mlgate-canary" and found["schema_version"] == 1
    jsonschema.validate(found, schema())
    assert markdown.startswith("<!-- mlgate:canary model=churn -->")
    assert f"Canary {found['decision']}: churn" in markdown


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda t: t.replace("variant", "arm"), "no column 'variant'"),
        (lambda t: t.replace("canary,", "blue,"), "'blue' is not a configured variant"),
        (lambda t: t.replace(",false,", ",maybe,", 1), "is not true/false or 0/1"),
        (lambda t: t.replace(",false,0.", ",false,-0.", 1), "is negative"),
        (lambda t: t.replace("error", "failed", 1), "no column 'error'"),
    ],
)
def test_a_malformed_outcomes_file_is_exit_2(tmp_path: Path, edit, words: str) -> None:  # type: ignore[no-untyped-def]
    data = outcomes(tmp_path / "o.csv", canary_accuracy=0.9, n=50)
    data.write_text(edit(data.read_text()))
    result, _ = run(tmp_path, data)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("canary:\n  rules: {throughput: {max_drop: 1}}\n", "unknown canary rule 'throughput'"),
        ("canary:\n  rules: {error_rate: {}}\n", "give a tolerance"),
        ("canary:\n  rules: {output_drift: {max_rise: 1}}\n", "takes max"),
        ("canary:\n  rules: {error_rate: {max_drop: 0.1}}\n", "use max_rise"),
        (
            "canary:\n  variants: {stable: a, canary: a}\n  rules: {error_rate: {max_rise: 0.1}}\n",
            "both 'a'",
        ),
        (
            "canary:\n  rules: {error_rate: {max_rise: 0.1}}\n  prometheus:\n    url: http://127.0.0.1:1\n"
            "    requests: 'sum(model_requests_total)'\n",
            "no {variant}",
        ),
        (
            "canary:\n  window: ten minutes\n  rules: {error_rate: {max_rise: 0.1}}\n",
            "canary.window",
        ),
        ("model: m\n", "no canary: section"),
    ],
)
def test_a_bad_canary_section_is_exit_2(tmp_path: Path, config: str, words: str) -> None:
    data = outcomes(tmp_path / "o.csv", canary_accuracy=0.9, n=20)
    result, _ = run(tmp_path, data, config)
    assert result.exit_code == 2, result.output
    assert words in result.output


def test_labelled_rules_need_a_file_not_prometheus(tmp_path: Path) -> None:
    (tmp_path / "mlgate.yml").write_text(
        "canary:\n  rules: {accuracy: {max_drop: 0.02}}\n  prometheus:\n"
        "    url: http://127.0.0.1:9\n    requests: 'sum(r{v=\"{variant}\"})'\n"
    )
    result = CliRunner().invoke(cli, ["canary", "--config", str(tmp_path / "mlgate.yml")])
    assert result.exit_code == 2
    assert "needs labels" in result.output


def test_looks_spread_the_confidence_over_the_polls(tmp_path: Path) -> None:
    data = outcomes(tmp_path / "o.csv", canary_accuracy=0.9, n=3000)
    _, once = run(tmp_path, data)
    _, polled = run(tmp_path, data, CONFIG.replace("canary:\n", "canary:\n  looks: 10\n"))
    assert (once["looks"], once["confidence"]) == (1, 0.95)
    assert polled["looks"] == 10 and polled["confidence"] == pytest.approx(0.995)

    def width(found: dict) -> float:
        rate = next(m for m in found["metrics"] if m["name"] == "error_rate")
        return float(rate["ci"][1] - rate["ci"][0])

    assert width(polled) > 1.3 * width(once)  # z 2.81 against 1.96
    assert "canary.looks 10" in (tmp_path / "mlgate-canary.md").read_text()


def test_the_decision_is_exported_for_the_dashboard(tmp_path: Path) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    data = outcomes(tmp_path / "o.csv", canary_accuracy=0.84, n=1500)
    textfile = tmp_path / "mlgate.prom"
    result, found = run(tmp_path, data, extra=("--metrics-file", str(textfile)))
    assert result.exit_code == 1, result.output
    families = {f.name: f for f in text_string_to_metric_families(textfile.read_text())}
    [decision] = families["mlgate_canary_decision"].samples
    assert decision.value == 1.0  # fail
    assert decision.labels == {"model": "churn", "command": "canary"}
    deltas = {s.labels["metric"]: s.value for s in families["mlgate_canary_delta"].samples}
    accuracy = next(m for m in found["metrics"] if m["name"] == "accuracy")
    assert deltas["accuracy"] == pytest.approx(accuracy["delta"])
    lows = {s.labels["metric"] for s in families["mlgate_canary_delta_low"].samples}
    assert {"accuracy", "error_rate", "latency_p95"} <= lows
    requests = {s.labels["variant"]: s.value for s in families["mlgate_canary_requests"].samples}
    assert requests == {"stable": 1500.0, "canary": 1500.0}
