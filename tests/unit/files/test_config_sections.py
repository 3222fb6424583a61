"""The monitor, streaming and deploy settings of mlgate.yml: defaults from the gate's
significance, rules in the metric's own direction, and mistakes named by line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.core.significance import Mode
from mlgate.errors import InputError
from mlgate.files.config import load_config


def config(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "mlgate.yml"
    path.write_text(text)
    return load_config(path)


def test_defaults_follow_the_gates_significance(tmp_path: Path) -> None:
    loaded = config(tmp_path, "significance: {mode: point, confidence: 0.9, resamples: 500}\n")
    performance = loaded.monitor.performance
    assert performance.rules == () and performance.window is None
    assert (performance.mode, performance.confidence, performance.resamples) == (
        Mode.POINT,
        0.9,
        500,
    )
    assert performance.timestamp == "timestamp" and performance.min_labels == 30
    assert loaded.drift.memory_mb == 1024


def test_rules_know_their_direction_and_never_require(tmp_path: Path) -> None:
    loaded = config(
        tmp_path,
        "monitor:\n  mode: non_inferiority\n  window: week\n  timestamp: served_at\n"
        "  min_labels: 50\n  performance:\n    accuracy: {max_drop: 0.03}\n"
        "    rmse: {max_rise_pct: 5}\n    roc_auc:\ndrift:\n  memory_mb: 256\n",
    )
    performance = loaded.monitor.performance
    rules = {r.name: r for r in performance.rules}
    assert rules["accuracy"].higher_is_better and rules["accuracy"].tolerance == 0.03
    assert not rules["rmse"].higher_is_better and rules["rmse"].tolerance_pct == 5
    assert rules["roc_auc"].higher_is_better and not rules["roc_auc"].checks_change
    assert not any(r.required for r in performance.rules)
    assert (
        performance.mode,
        performance.window,
        performance.timestamp,
        performance.min_labels,
    ) == (
        Mode.NON_INFERIORITY,
        "week",
        "served_at",
        50,
    )
    assert loaded.drift.memory_mb == 256


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "monitor:\n  performance:\n    rmse: {max_drop: 0.1}\n",
            "mlgate.yml:3: monitor.performance.rmse.max_drop: rmse is lower-is-better, so only a rise can regress it; use max_rise",
        ),
        ("monitor:\n  window: month\n", "mlgate.yml:2: monitor.window"),
        (
            "monitor:\n  performance:\n    accuracy: {max_drop: -1}\n",
            "monitor.performance.accuracy.max_drop",
        ),
        (
            "monitor:\n  performance:\n    accuracy: {tolerance: 1}\n",
            "monitor.performance.accuracy",
        ),
        ("drift:\n  memory_mb: 10\n", "mlgate.yml:2: drift.memory_mb"),
    ],
)
def test_mistakes_name_the_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        config(tmp_path, text)
    assert message in str(caught.value)


DEPLOY = """\
model: churn
deploy:
  repository: acme/deploy
  path: ../deploy
  environment: prod
  uri: "gs://mirror/{name}/{version}"
  files:
    - path: k8s/churn/inferenceservice.yaml
      kind: kserve
      canary: 10
    - path: helm/churn/values.yaml
      kind: set
      set: {model.uri: "{uri}", "model.tags[0]": "v{version}"}
  auto_merge: true
"""


def test_the_deploy_section(tmp_path: Path) -> None:
    settings = config(tmp_path, DEPLOY).deploy
    assert settings is not None
    assert (settings.repository, settings.branch, settings.environment) == (
        "acme/deploy",
        "main",
        "prod",
    )
    assert settings.path == str(tmp_path / "../deploy")
    assert [(f.path, f.kind, f.canary) for f in settings.files] == [
        ("k8s/churn/inferenceservice.yaml", "kserve", 10),
        ("helm/churn/values.yaml", "set", None),
    ]
    assert settings.files[1].set == (("model.uri", "{uri}"), ("model.tags[0]", "v{version}"))
    assert settings.auto_merge and settings.dispatch is None
    assert config(tmp_path, "model: m\n").deploy is None
    dispatch = config(tmp_path, "deploy: {dispatch: {event_type: ship}}\n").deploy
    assert dispatch is not None and dispatch.dispatch is not None
    assert dispatch.dispatch.event_type == "ship"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('"gs://mirror/{name}/{version}"', '"{versoin}"'),
            "mlgate.yml:6: deploy.uri: unknown placeholder {versoin}",
        ),
        (("v{version}", "v{uri.__class__}"), "deploy.files[1].set"),
        (("model.uri", "model..uri"), "cannot read key path"),
        (("kind: set\n", "kind: seldon\n      canary: 5\n"), "only kind: kserve has a canary"),
        (
            ("k8s/churn/", "../../etc/"),
            "deploy.files[0].path: must be a path inside the deployment repository",
        ),
        (("helm/churn/values.yaml", "k8s/churn/inferenceservice.yaml"), "is listed twice"),
        (("kind: kserve", "kind: helm"), "deploy.files[0].kind"),
        (
            ("environment: prod", "branch: 'main..x'"),
            "deploy.branch: 'main..x' is not a branch name",
        ),
        (("repository: acme/deploy", "repository: 'acme deploy'"), "deploy.repository"),
        (("canary: 10", "canary: 100"), "deploy.files[0].canary"),
    ],
)
def test_deploy_mistakes_name_the_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        config(tmp_path, DEPLOY.replace(*change))
    assert message in str(caught.value)


def test_a_deploy_section_needs_files_or_a_dispatch(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="list the manifests to edit under files:"):
        config(tmp_path, "deploy: {repository: acme/deploy}\n")


def test_the_feast_section(tmp_path: Path) -> None:
    parsed = config(
        tmp_path,
        "skew:\n  max_mismatch: 0.01\n  feast:\n    repo: feature_repo\n"
        "    features: {service: ranking}\n    sample: 0.1\n    max_lag: 2h\n"
        "    training: data/train.parquet\n    show_keys: false\n",
    ).skew.feast
    assert parsed.repo == str(tmp_path / "feature_repo")
    assert parsed.selection == "ranking"
    assert (parsed.sample, parsed.max_lag, parsed.show_keys) == (0.1, 7200.0, False)
    assert parsed.training == str(tmp_path / "data/train.parquet")
    names = config(tmp_path, "skew:\n  feast:\n    features: [v:a, v:b]\n    training: true\n")
    assert names.skew.feast.selection == ("v:a", "v:b")
    assert names.skew.feast.training is True
    assert config(tmp_path, "model: m\n").skew.feast.selection is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "skew:\n  feast:\n    max_lag: soon\n",
            "mlgate.yml:3: skew.feast.max_lag: 'soon' is not a duration",
        ),
        ("skew:\n  feast:\n    features: [conv_rate]\n", "skew.feast.features"),
        ("skew:\n  feast:\n    sample: 0\n", "skew.feast.sample"),
        ("skew:\n  feast:\n    keys: [a]\n", "skew.feast"),
    ],
)
def test_feast_mistakes_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        config(tmp_path, text)
    assert message in str(caught.value)
