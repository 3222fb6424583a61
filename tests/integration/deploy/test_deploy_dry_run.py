"""`mlgate deploy --dry-run` on a laptop: a local sqlite registry, a local checkout of the
deployment repository, no token and no network — the diff and the PR it would open; and
model names with `$`, quotes and line breaks, which reach neither a branch name, a YAML
scalar nor a shell command unescaped."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml
from deploy_helpers import FILES, ISVC, Registry
from registry_helpers import migrated_sqlite_store

# Line breaks cannot reach here: models:/NAME/VERSION references refuse them already (the
# report's and the manifests' handling of them is in tests/unit).
HOSTILE = "churn$(id)\"'`x; rm -rf ~"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the runs' artifacts go to ./mlruns


def laptop(tmp_path: Path, model: str, *, uri: str = '"gs://models/{name}/{version}"') -> Registry:
    checkout = tmp_path / "deploy"
    for path, text in FILES.items():
        (checkout / path).parent.mkdir(parents=True, exist_ok=True)
        (checkout / path).write_text(text)
    (tmp_path / "mlgate.yml").write_text(
        f"""\
model: {yaml.safe_dump(model, default_style='"').strip()}
metrics:
  accuracy: {{max_drop: 0.05}}
deploy:
  path: deploy
  uri: {uri}
  files:
    - path: k8s/churn/inferenceservice.yaml
      kind: kserve
    - path: helm/churn/values.yaml
      kind: set
      set: {{model.uri: "{{uri}}", model.version: "{{version}}", replicaCount: "{{name}}"}}
"""
    )
    return Registry(migrated_sqlite_store(tmp_path), model, tmp_path)


NO_CI = {
    "GITHUB_TOKEN": "",
    "MLGATE_DEPLOY_TOKEN": "",
    "GITLAB_TOKEN": "",
    "GITHUB_API_URL": "http://127.0.0.1:9",  # nothing listens: a request would fail
    "CI_API_V4_URL": "",
}


def test_dry_run_prints_the_diff_and_the_pr_and_touches_nothing(tmp_path: Path) -> None:
    registry = laptop(tmp_path, "churn")
    version = registry.promoted(0.90)
    promoted_line = registry.run(
        "promote", "--version", version, "--approved-by", "alice", "--commit", "1" * 40
    )
    assert "deploy: run `mlgate deploy --model churn`" in promoted_line.stdout
    result = registry.run("deploy", "--dry-run", env=NO_CI)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "--- a/k8s/churn/inferenceservice.yaml\n+++ b/k8s/churn/inferenceservice.yaml" in out
    assert '-      storageUri: "gs://models/churn/0"   # the model\'s files' in out
    assert f'+      storageUri: "gs://models/churn/{version}"   # the model\'s files' in out
    assert "would propose on branch mlgate/deploy/churn/champion of" in out
    assert f"Deploy churn version {version} (champion)" in out
    assert (tmp_path / "deploy/k8s/churn/inferenceservice.yaml").read_text() == ISVC


def test_a_deploy_needs_a_promotion_even_in_a_dry_run(tmp_path: Path) -> None:
    registry = laptop(tmp_path, "churn")
    registry.evaluated(0.90)
    result = registry.run("deploy", "--dry-run", env=NO_CI)
    assert result.exit_code == 1
    assert "no version of churn holds @champion: nothing is in production" in result.stderr


def test_without_a_token_or_ci_it_says_how_to_run(tmp_path: Path) -> None:
    registry = laptop(tmp_path, "churn")
    registry.promoted(0.90)
    result = registry.run("deploy", env={**NO_CI, "GITHUB_ACTIONS": "", "GITLAB_CI": ""})
    assert result.exit_code == 2
    assert "run it in GitHub Actions or GitLab CI, or give --platform" in result.stderr


def test_an_artifact_on_this_machines_disk_is_not_deployed(tmp_path: Path) -> None:
    registry = laptop(tmp_path, "churn", uri="artifact")
    version = registry.promoted(0.90)
    result = registry.run("deploy", "--dry-run", env=NO_CI)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(
        f"mlgate: error: deploy.uri: artifact: version {version}'s files are at a local path ("
    )
    assert "no cluster can read" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("name", [HOSTILE, "a`b", "两个模型"])
def test_hostile_model_names_stay_data(tmp_path: Path, name: str) -> None:
    registry = laptop(tmp_path, name, uri='"gs://models/{version}"')
    registry.promoted(0.90)
    result = registry.run("deploy", "--dry-run", "--format", "json", env=NO_CI)
    assert result.exit_code == 0, result.output
    import json

    found = json.loads(result.stdout)
    branch = found["branch"]
    assert branch.startswith("mlgate/deploy/") and branch.endswith("/champion")
    assert all((ch.isalnum() and ch.isascii()) or ch in "/_-" for ch in branch)
    body = found["body"]
    command = next(line for line in body.splitlines() if line.startswith("mlgate rollback"))
    assert shlex.split(command)[3] == name
    assert "<!-- mlgate:deploy model=" in body and "\n" not in body.splitlines()[0]
    values = [d for d in found["diff"].splitlines() if d.startswith("+replicaCount")]
    assert yaml.safe_load(values[0][1:]) == {"replicaCount": name}


def test_without_a_repository_the_checkout_is_the_configs_folder(tmp_path: Path) -> None:
    registry = laptop(tmp_path, "churn")
    config = tmp_path / "mlgate.yml"
    config.write_text(config.read_text().replace("  path: deploy\n", ""))
    for path, text in FILES.items():  # the manifests beside mlgate.yml, in this repository
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    version = registry.promoted(0.90)
    result = registry.run("deploy", "--dry-run", env=NO_CI)
    assert result.exit_code == 0, result.output
    assert f'+      storageUri: "gs://models/churn/{version}"' in result.stdout
    assert f"would propose on branch mlgate/deploy/churn/champion of {tmp_path}" in result.stdout


def test_the_stages_of_a_staged_rollout(tmp_path: Path) -> None:
    """`--canary N` for this run: the version gets N% (canaryTrafficPercent added), then all
    of it once the canary passed; a share past 100 is refused."""
    registry = laptop(tmp_path, "churn")
    version = registry.promoted(0.90)
    staged = registry.run("deploy", "--dry-run", "--canary", "10", env=NO_CI)
    assert staged.exit_code == 0, staged.output
    assert "+    canaryTrafficPercent: 10\n" in staged.stdout
    assert f'+      storageUri: "gs://models/churn/{version}"' in staged.stdout
    whole = registry.run("deploy", "--dry-run", "--canary", "100", env=NO_CI)
    assert "+    canaryTrafficPercent: 100\n" in whole.stdout
    refused = registry.run("deploy", "--dry-run", "--canary", "101", env=NO_CI)
    assert refused.exit_code == 2 and "101 is not in the range 0<=x<=100" in refused.stderr
