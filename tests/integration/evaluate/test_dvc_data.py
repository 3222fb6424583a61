"""Evaluation data versioned with DVC, in a temporary git repository with a local remote:
``dvc://PATH@REV`` resolved through DVC's Python API (md5 without the bytes, the bytes
from the remote when the cache is gone), tracked paths checked against their .dvc record,
and `mlgate evaluate` re-scoring production on a DVC version of the data."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mlflow.tracking import MlflowClient
from provenance_runs import (
    BASE,
    FEATURES,
    candidate_version,
    eval_frame,
    production,
    train_and_log,
)

from mlgate.cli import cli
from mlgate.errors import InputError, UsageError
from mlgate.evaluate.data import locate

pytest.importorskip("dvc")


def sh(cwd: Path, *args: str) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def dvc(cwd: Path, *args: str) -> None:
    sh(cwd, sys.executable, "-m", "dvc", *args, "-q")


@pytest.fixture(scope="module")
def shared_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/eval.csv in two DVC versions (tags v1, v2) pushed to a local remote. Built
    once (every dvc command costs a second or two); tests leave it as they found it."""
    tmp_path = tmp_path_factory.mktemp("dvc")
    root = tmp_path / "repo"
    root.mkdir()
    sh(root, "git", "init", "-q", "-b", "main")
    sh(root, "git", "config", "user.email", "ci@example.invalid")
    sh(root, "git", "config", "user.name", "ci")
    dvc(root, "init")
    dvc(root, "config", "core.analytics", "false")
    dvc(root, "remote", "add", "-d", "local", str(tmp_path / "remote"))
    (root / "data").mkdir()
    (root / "notes.txt").write_text("tracked by git\n")
    for version, seed in (("v1", 1), ("v2", 2)):
        eval_frame(seed, rows=300).to_csv(root / "data" / "eval.csv", index=False)
        dvc(root, "add", "data/eval.csv")
        dvc(root, "push")
        sh(root, "git", "add", "-A")
        sh(root, "git", "commit", "-q", "-m", f"eval data {version}")
        sh(root, "git", "tag", version)
    return root


@pytest.fixture
def repo(shared_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared repository with its cache and workspace copy of the data removed, so
    every read comes from the remote."""
    shutil.rmtree(shared_repo / ".dvc" / "cache", ignore_errors=True)
    (shared_repo / "data" / "eval.csv").unlink(missing_ok=True)
    monkeypatch.chdir(shared_repo)
    return shared_repo


def md5_at(root: Path, rev: str) -> str:
    record = sh(root, "git", "show", f"{rev}:data/eval.csv.dvc")
    return next(line.split()[-1] for line in record.splitlines() if "md5:" in line)


def test_a_dvc_version_resolves_to_its_md5_and_its_bytes_come_from_the_remote(
    repo: Path, tmp_path: Path
) -> None:
    found = locate("dvc://data/eval.csv@v1", name=None, workdir=tmp_path / "w", what="x")
    sha = sh(repo, "git", "rev-parse", "v1")
    assert found.dataset.digest == md5_at(repo, "v1")
    assert found.dataset.source == f"dvc://data/eval.csv@{sha}"
    assert found.dataset.origin == "dvc"
    assert found.dataset.name == "eval.csv"
    local = found.fetch()
    assert hashlib.md5(local.read_bytes()).hexdigest() == md5_at(repo, "v1")

    latest = locate("dvc://data/eval.csv", name="eval-latest", workdir=tmp_path / "w", what="x")
    assert latest.dataset.digest == md5_at(repo, "v2")
    assert latest.dataset.name == "eval-latest"


def test_a_tracked_path_is_checked_against_its_dvc_record(repo: Path, tmp_path: Path) -> None:
    dvc(repo, "pull")
    found = locate("data/eval.csv", name=None, workdir=tmp_path, what="evaluation.data")
    assert found.dataset.origin == "dvc"
    assert found.dataset.digest == md5_at(repo, "v2")  # DVC 3's md5 is the file's md5
    assert found.notes == ()

    with (repo / "data" / "eval.csv").open("a") as handle:
        handle.write("0,0,0,1\n")  # the fixture removes the edited file for the next test
    edited = locate("data/eval.csv", name=None, workdir=tmp_path, what="evaluation.data")
    assert edited.dataset.origin == "file"
    assert edited.dataset.digest != md5_at(repo, "v2")
    assert "differs from its DVC record" in edited.notes[0]
    assert "dvc pull" in edited.notes[0]


@pytest.mark.parametrize(
    ("spec", "error", "message"),
    [
        ("dvc://data/eval.csv@v9", InputError, "'v9' is not a commit, branch or tag"),
        ("dvc://data/missing.csv@v1", InputError, "no such file in the repository"),
        ("dvc://notes.txt@v1", InputError, "not tracked by DVC (git tracks it)"),
        ("dvc://data/eval.csv@--upload-pack=x", UsageError, "cannot start with '-'"),
        ("dvc://@v1", UsageError, "expected dvc://PATH@REV"),
    ],
)
def test_bad_dvc_locations_name_what_is_wrong(
    repo: Path, tmp_path: Path, spec: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        locate(spec, name=None, workdir=tmp_path, what="evaluation.data")
    assert message in str(caught.value)


def test_an_unreachable_remote_is_a_clear_error(repo: Path, tmp_path: Path) -> None:
    found = locate("dvc://data/eval.csv@v1", name=None, workdir=tmp_path / "w", what="x")
    remote = repo.parent / "remote"
    remote.rename(remote.with_name("moved"))
    try:
        with pytest.raises(InputError, match="could not fetch it"):
            found.fetch()
    finally:
        remote.with_name("moved").rename(remote)


def test_evaluate_rescores_production_on_a_dvc_version(
    repo: Path, mlflow_server: str, model_name: str
) -> None:
    from sklearn.metrics import accuracy_score

    prod = train_and_log(mlflow_server, seed=1, data=eval_frame(9), name="eval-old")
    production(mlflow_server, model_name, prod)
    cand = train_and_log(mlflow_server, seed=2, data=None)
    version = candidate_version(mlflow_server, model_name, cand)
    config = BASE.format(model=model_name) + "evaluation:\n  data: dvc://data/eval.csv@v1\n"
    (repo / "mlgate.yml").write_text(config)

    result = CliRunner().invoke(
        cli,
        [
            "evaluate",
            "--tracking-uri",
            mlflow_server,
            "--print",
            "json",
            "--candidate",
            f"models:/{model_name}/{version}",
            "--commit",
            "4" * 40,
        ],
        catch_exceptions=False,
    )

    verdict = json.loads(result.stdout)
    assert verdict["data"]["outcome"] == "rescored", verdict["checks"]
    sha = sh(repo, "git", "rev-parse", "v1")
    assert verdict["candidate"]["dataset"]["source"] == f"dvc://data/eval.csv@{sha}"
    v1 = eval_frame(1, rows=300)
    rows = {row["name"]: row for row in verdict["metrics"]}
    expected = accuracy_score(v1["label"], prod.model.predict(v1[FEATURES]))
    assert rows["accuracy"]["baseline"] == pytest.approx(expected, abs=1e-9)
    inputs = MlflowClient(mlflow_server).get_run(cand.run_id).inputs.dataset_inputs
    assert inputs[0].dataset.source_type == "dvc"
    assert json.loads(inputs[0].dataset.source) == {"uri": f"dvc://data/eval.csv@{sha}"}
    assert inputs[0].dataset.digest == md5_at(repo, "v1")
