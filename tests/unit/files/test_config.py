"""mlgate.yml: loading, defaults, and an error for every mistake that names file, line and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlgate.core.checks import Status
from mlgate.errors import ConfigError, InputError
from mlgate.files.config import Config, find_config, load_config, schema

GOOD = """\
model: churn-classifier
baseline: champion
metrics:
  accuracy: {higher_is_better: true, max_drop: 0.01}
  f1:       {higher_is_better: true, max_drop_pct: 2}
  auc:      {min: 0.80}
  latency_p95_ms: {higher_is_better: false, max_rise_pct: 10, max: 50, warn_only: true}
  tracked:
  optional_metric: {required: false}
signature: {breaking: warn}
report: {max_chars: 20000, chart: false, template: templates/report.md.j2}
"""


def write(tmp_path: Path, text: str, name: str = "mlgate.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.model == "churn-classifier"
    assert config.baseline_alias == "champion"
    assert [r.name for r in config.rules] == [
        "accuracy",
        "f1",
        "auc",
        "latency_p95_ms",
        "tracked",
        "optional_metric",
    ]
    accuracy, f1, auc, latency, tracked, optional = config.rules
    assert (accuracy.tolerance, accuracy.tolerance_pct, accuracy.higher_is_better) == (
        0.01,
        None,
        True,
    )
    assert (f1.tolerance, f1.tolerance_pct) == (None, 2.0)
    assert (auc.min, auc.higher_is_better, auc.required) == (0.8, True, True)
    assert (latency.higher_is_better, latency.tolerance_pct, latency.max, latency.warn_only) == (
        False,
        10.0,
        50.0,
        True,
    )
    assert not tracked.checks_change and not tracked.checks_bounds
    assert optional.required is False
    assert config.breaking_signature is Status.WARN
    assert config.report.max_chars == 20000
    assert config.report.chart is False
    assert config.report.template == tmp_path / "templates" / "report.md.j2"
    assert config.digest is not None and config.digest.startswith("sha256:")


def test_digest_ignores_formatting_but_not_content(tmp_path: Path) -> None:
    a = load_config(write(tmp_path, "metrics: {acc: {max_drop: 0.01}}\n", "a.yml"))
    b = load_config(write(tmp_path, "# comment\nmetrics:\n  acc:\n    max_drop: 0.01\n", "b.yml"))
    c = load_config(write(tmp_path, "metrics: {acc: {max_drop: 0.02}}\n", "c.yml"))
    assert a.digest == b.digest != c.digest


def test_empty_file_and_no_file_mean_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")).rules == ()
    assert load_config(None) == Config(source="(no config)")


def test_find_config(tmp_path: Path) -> None:
    assert find_config(None, cwd=tmp_path) is None
    write(tmp_path, "", "mlgate.yaml")
    assert find_config(None, cwd=tmp_path) == tmp_path / "mlgate.yaml"
    write(tmp_path, "", "mlgate.yml")
    assert find_config(None, cwd=tmp_path) == tmp_path / "mlgate.yml"
    assert find_config(Path("x.yml"), cwd=tmp_path) == Path("x.yml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "metrics:\n  acc:\n    max_drp: 0.01\n",
            "mlgate.yml:3: metrics.acc.max_drp: unknown key; did you mean 'max_drop'?",
        ),
        ("modle: x\n", "mlgate.yml:1: modle: unknown key; did you mean 'model'?"),
        (
            "zzz: 1\n",
            "mlgate.yml:1: zzz: unknown key; allowed keys: approval, baseline, canary, classes, deploy, drift, evaluation, metric_prefix, metrics, model, monitor, paths, predictions, promote, register, relay, report, signature, significance, skew, slices, tests",
        ),
        (
            "metrics:\n  acc: {max_drop: '1%'}\n",
            'mlgate.yml:2: metrics.acc.max_drop: expected a number, got text "1%"',
        ),
        (
            "metrics:\n  acc: {max_drop: -0.1}\n",
            "mlgate.yml:2: metrics.acc.max_drop: must be at least 0; got -0.1",
        ),
        (
            "metrics:\n  acc: {higher_is_better: yes please}\n",
            'mlgate.yml:2: metrics.acc.higher_is_better: expected true or false, got text "yes please"',
        ),
        ("metrics:\n  acc: 0.9\n", "mlgate.yml:2: metrics.acc: expected a mapping, got 0.9"),
        ("metrics: [acc]\n", "mlgate.yml:1: metrics: expected a mapping, got a list"),
        (
            "signature: {breaking: maybe}\n",
            'mlgate.yml:1: signature.breaking: must be one of fail, warn, ignore; got text "maybe"',
        ),
        (
            "report: {max_chars: 10}\n",
            "mlgate.yml:1: report.max_chars: must be at least 2000; got 10",
        ),
        (
            "report: {max_chars: 2000.5}\n",
            "mlgate.yml:1: report.max_chars: expected a whole number, got 2000.5",
        ),
        (
            "baseline: 'prod alias'\n",
            'mlgate.yml:1: baseline: text "prod alias" is not allowed here (letters, digits, _ and - only)',
        ),
        ("model: ''\n", "mlgate.yml:1: model: must be at least 1 characters long"),
        (
            "metrics:\n  latency: {higher_is_better: false, max_drop: 5}\n",
            "mlgate.yml:2: metrics.latency.max_drop: latency is lower-is-better, so only a rise can regress it; use max_rise",
        ),
        (
            "metrics:\n  acc: {max_rise_pct: 5}\n",
            "mlgate.yml:2: metrics.acc.max_rise_pct: acc is higher-is-better, so only a drop can regress it; use max_drop_pct",
        ),
        (
            "metrics:\n  acc: {min: 0.9, max: 0.1}\n",
            "mlgate.yml:2: metrics.acc.min: min 0.9 is above max 0.1",
        ),
        (
            "metrics:\n  acc: {min: .nan}\n",
            "mlgate.yml:2: metrics.acc.min: must be a finite number",
        ),
        ("metrics:\n  1: {min: 0}\n", "mlgate.yml:2: metrics.1: keys must be text; quote it"),
        ("- a\n- b\n", "mlgate.yml: expected a mapping of settings at the top level"),
        (
            "metrics:\n  acc: {}\n  acc: {}\n",
            "mlgate.yml:3: metrics.acc: duplicate key (YAML would silently keep only the last one)",
        ),
        (
            "metrics: {acc: [\n",
            "mlgate.yml:2: invalid YAML: while parsing a flow node expected the node content, but found '<stream end>'",
        ),
        ("a: &x [*x, *x]\n", None),
    ],
)
def test_errors_name_file_line_and_key(tmp_path: Path, text: str, message: str | None) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    if message is not None:
        assert str(caught.value) == f"{tmp_path}/{message}"
    assert "\n" not in str(caught.value) or isinstance(caught.value, ConfigError)


def test_every_schema_problem_is_reported_one_per_line(tmp_path: Path) -> None:
    path = write(tmp_path, "metrics:\n  a: {max_drop: x}\n  b: {min: y}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).splitlines() == [
        f'{path}:2: metrics.a.max_drop: expected a number, got text "x"',
        f'{path}:3: metrics.b.min: expected a number, got text "y"',
    ]


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    with pytest.raises(InputError, match="expands to more than"):
        load_config(write(tmp_path, "\n".join(lines) + "\n"))


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="config not found"):
        load_config(tmp_path / "nope.yml")
    with pytest.raises(InputError, match="is a directory"):
        load_config(tmp_path)
    bad = tmp_path / "bin.yml"
    bad.write_bytes(b"model: \xff\xfe\n")
    with pytest.raises(InputError, match="not UTF-8"):
        load_config(bad)


def test_schema_documents_every_rule_key() -> None:
    rule = schema()["$defs"]["rule"]["properties"]
    assert set(rule) == {
        "higher_is_better",
        "direction_override",
        "max_drop",
        "max_drop_pct",
        "max_rise",
        "max_rise_pct",
        "min",
        "max",
        "required",
        "warn_only",
    }
    assert all("description" in spec for spec in rule.values())


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("", "auto"),
        ("evaluation: {predictions: logged}\n", "logged"),
        ("evaluation: {predictions: score}\n", "score"),
        ("evaluation: {predictions: off}\n", "off"),  # YAML 1.1 reads bare off as false
        ("evaluation: {predictions: 'off'}\n", "off"),
    ],
)
def test_the_evidence_route(tmp_path: Path, text: str, route: str) -> None:
    config = load_config(write(tmp_path, text or "model: m\n"))
    assert config.evaluation.predictions.value == route


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("evaluation: {predictions: always}\n", "evaluation.predictions: must be one of"),
        ("evaluation: {predictions: true}\n", "evaluation.predictions: must be one of"),
        ("evaluation: {max_rows: 10}\n", "evaluation.max_rows: must be at least 100"),
        ("evaluation: {max_rows: 1e6}\n", "evaluation.max_rows: expected a whole number"),
    ],
)
def test_bad_evidence_settings_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        load_config(write(tmp_path, text))


def test_max_rows_is_read(tmp_path: Path) -> None:
    assert (
        load_config(write(tmp_path, "evaluation: {max_rows: 5000}\n")).evaluation.max_rows == 5000
    )


@pytest.mark.parametrize(
    ("text", "higher", "tolerance", "assumed"),
    [
        ("metrics: {rmse: {max_rise: 3}}\n", False, 3.0, False),
        ("metrics: {root_mean_squared_error: {max_rise_pct: 5}}\n", False, None, False),
        ("metrics: {eval_log_loss: {max: 0.7}}\n", False, None, False),
        ("metrics: {accuracy: {max_drop: 0.01}}\n", True, 0.01, False),
        # an unknown name: the tolerance key says the direction
        ("metrics: {queue_time: {max_rise: 2}}\n", False, 2.0, False),
        ("metrics: {conversion: {max_drop: 0.1}}\n", True, 0.1, False),
        # an unknown name with nothing to tell: assumed, and the rule says so
        ("metrics: {conversion: {min: 0.2}}\n", True, None, True),
        ("metrics: {conversion: {min: 0.2, higher_is_better: true}}\n", True, None, False),
        # a known name may be overridden on purpose
        (
            "metrics: {rmse: {higher_is_better: true, direction_override: true, max_drop: 1}}\n",
            True,
            1.0,
            False,
        ),
    ],
)
def test_the_direction_comes_from_the_catalogue(
    tmp_path: Path, text: str, higher: bool, tolerance: float | None, assumed: bool
) -> None:
    (rule,) = load_config(write(tmp_path, text)).rules
    assert rule.higher_is_better is higher
    assert rule.tolerance == tolerance
    assert rule.direction_assumed is assumed
    assert ("higher-is-better assumed" in rule.describe()) is assumed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "metrics: {rmse: {max_drop: 3}}\n",
            "metrics.rmse.max_drop: rmse is lower-is-better, so only a rise can regress it; "
            "use max_rise",
        ),
        (
            "metrics: {mean_absolute_error: {max_drop_pct: 3}}\n",
            "use max_rise_pct",
        ),
        (
            "metrics: {rmse: {higher_is_better: true, max_drop: 3}}\n",
            "metrics.rmse.higher_is_better: rmse is lower is better, a mean of per-example "
            "terms ≥ 0; remove higher_is_better, or add direction_override: true",
        ),
        (
            "metrics: {accuracy: {min: 80}}\n",
            "metrics.accuracy.min: min 80 is outside what accuracy can be (higher is better, "
            "a proportion in [0, 1]); did you mean 0.8?",
        ),
        (
            "metrics: {queue_time: {max_rise: 1, max_drop: 1}}\n",
            "queue_time has both max_drop and max_rise",
        ),
        (
            "monitor: {performance: {rmse: {max_drop: 3}}}\n",
            "monitor.performance.rmse.max_drop: rmse is lower-is-better",
        ),
    ],
)
def test_a_rule_against_its_metric_says_what_would_mean_it(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert message in str(caught.value)
