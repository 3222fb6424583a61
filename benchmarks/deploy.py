"""What one `mlgate deploy` costs: editing and validating manifests, and talking to the
platform.

    python benchmarks/deploy.py [--manifests 200]

1. Edit + validate: the storageUri of N InferenceService manifests (the test suite's
   KServe, Seldon, raw-canary and key-path files, cycled), each edit checked against its
   kind's vendored schema and KServe's admission rules — against the one-off cost of
   loading the schemas, and side by side with ruamel.yaml's round trip (load, set, dump:
   the usual way to keep comments) on the same files: its time, and how many lines it
   changes beyond the edited ones.
2. Requests: the API calls one deployment sends through PyGithub and python-gitlab to the
   test suite's fake GitHub and GitLab (real HTTP on loopback), for a first promotion
   (opened), a re-run (unchanged), a newer promotion (updated) and a version already
   served (already), with a registry in a local sqlite store.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in ("tests/fakes", "tests/integration", "tests/unit/deploy"):
    sys.path.insert(0, str(ROOT / folder))

from test_changes import CASES, FIELDS, MANIFESTS  # noqa: E402 - the unit tests' files

from mlgate.deploy.changes import plan_changes  # noqa: E402

# The same edits for ruamel.yaml: (file, key path, value).
RUAMEL = {
    "inferenceservice.yaml": [(("spec", "predictor", "model", "storageUri"), FIELDS["uri"])],
    "seldon-model.yaml": [(("spec", "storageUri"), FIELDS["uri"])],
    "values.yaml": [(("model", "uri"), FIELDS["uri"]), (("model", "version"), 7)],
    "raw-canary.yaml": [
        (("spec", "canary", 0, "predictor", "sklearn", "storageUri"), FIELDS["uri"])
    ],
    "staged.yaml": [(("spec", "predictor", "sklearn", "storageUri"), FIELDS["uri"])],
}
SPECS = [CASES[name] for name in RUAMEL]


def schema_load_seconds() -> float:
    """Loading and compiling the three vendored schemas, in a fresh interpreter."""
    code = (
        "import time; t = time.perf_counter();"
        "from mlgate.files.kubernetes import _load, _validator;"
        "[_load(n) for n in ('kserve.json', 'seldon.json', 'kubernetes.json')];"
        "_validator('serving.kserve.io/v1beta1', 'InferenceService');"
        "_validator('mlops.seldon.io/v1alpha1', 'Model');"
        "print(time.perf_counter() - t)"
    )
    best = min(
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    )
    return best


def edit_seconds(count: int) -> tuple[float, int]:
    texts = {spec.path: (MANIFESTS / spec.path).read_text() for spec in SPECS}
    plan_changes(tuple(SPECS), read=texts.get, where="warm", fields=FIELDS, rollback=False)
    started = time.perf_counter()
    changed = 0
    for n in range(count):
        spec = SPECS[n % len(SPECS)]
        fields = {**FIELDS, "uri": f"s3://models/churn/{n}/artifacts", "version": str(n + 7)}
        [change] = plan_changes(
            (spec,), read=texts.get, where="bench", fields=fields, rollback=False
        )
        changed += change.changed
    return time.perf_counter() - started, changed


def ruamel_round_trip(count: int) -> tuple[float, int, int] | None:
    """(seconds, extra lines changed over all files once, files with extra changes)."""
    try:
        from ruamel.yaml import YAML
    except ImportError:
        return None
    texts = {name: (MANIFESTS / name).read_text() for name in RUAMEL}
    yaml = YAML()
    yaml.preserve_quotes = True
    names = list(RUAMEL)

    def edit(name: str) -> str:
        documents = list(yaml.load_all(texts[name]))
        for path, value in RUAMEL[name]:
            node = documents[0]
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        out = io.StringIO()
        yaml.dump_all(documents, out)
        return out.getvalue()

    started = time.perf_counter()
    for n in range(count):
        edit(names[n % len(names)])
    seconds = time.perf_counter() - started
    extra = files = 0
    for name in names:
        before, after = texts[name].splitlines(), edit(name).splitlines()
        intended = len(RUAMEL[name])
        import difflib

        diff = [x for x in difflib.ndiff(before, after) if x[:1] in "+-" and x[1:2] == " "]
        surplus = max(0, len([x for x in diff if x.startswith("-")]) - intended)
        surplus += max(0, len([x for x in diff if x.startswith("+")]) - intended)
        extra += surplus
        files += surplus > 0
    return seconds, extra, files


def _platform(platform: str) -> tuple[Any, Any]:
    """The fake (seeded with the deployment repository) and the repository factory."""
    from deploy_helpers import FILES
    from github_server import FakeGitHub
    from gitlab_server import FakeGitLab

    from mlgate.adapters.deploy_github import GitHubDeployRepository
    from mlgate.adapters.deploy_gitlab import GitLabDeployRepository
    from mlgate.adapters.github import GitHubTarget
    from mlgate.adapters.gitlab import GitLabTarget

    fake: Any = FakeGitHub() if platform == "github" else FakeGitLab()
    fake.state.users["t"] = "deployer"
    fake.git.seed("acme/deploy", dict(FILES))
    if platform == "github":
        target = GitHubTarget(api_url=fake.api_url, repository="acme/deploy", token="t")
        return fake, lambda _settings: GitHubDeployRepository(target, min_interval=0)
    project = GitLabTarget(url=fake.url, project="acme/deploy", token="t")
    return fake, lambda _settings: GitLabDeployRepository(project)


def _counts(platform: str) -> dict[str, Counter[str]]:
    """Requests per deploy: opened, unchanged, updated, already."""
    import contextlib

    from deploy_helpers import Registry, config
    from registry_helpers import migrated_sqlite_store

    from mlgate.deploy.run import DeployRequest, deploy
    from mlgate.files.config import load_config

    folder = Path(tempfile.mkdtemp(prefix="mlgate-bench-deploy-"))
    (folder / "mlgate.yml").write_text(config("churn"))
    with contextlib.redirect_stderr(io.StringIO()):
        registry = Registry(migrated_sqlite_store(folder), "churn", folder)
    fake, repository = _platform(platform)
    counts: dict[str, Counter[str]] = {}

    def once(label: str) -> None:
        before = len(fake.state.log)
        settings = load_config(folder / "mlgate.yml")
        request = DeployRequest(
            tracking_uri=registry.server, model="churn", version=None, config=settings
        )
        result = deploy(request, repository=repository)
        assert result.action == label, (label, result.action)
        counts[label] = Counter(m for m, _ in fake.state.log[before:])

    for accuracy, labels in ((0.90, ("opened", "unchanged")), (0.93, ("updated",))):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            registry.promoted(accuracy)
        for label in labels:
            once(label)
    fake.git.merge("acme/deploy", 1)
    once("already")
    fake.close()
    return counts


def request_counts() -> dict[str, dict[str, Counter[str]]]:
    import logging
    import os
    import warnings

    warnings.simplefilter("ignore")
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    return {platform: _counts(platform) for platform in ("github", "gitlab")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifests", type=int, default=200)
    args = parser.parse_args()
    load = schema_load_seconds()
    edits, changed = edit_seconds(args.manifests)
    ruamel = ruamel_round_trip(args.manifests)
    print(f"## Edit and validate {args.manifests} manifests\n")
    print("| step | seconds | per manifest | notes |")
    print("|---|---:|---:|---|")
    print(
        f"| load + compile the schemas (once per process) | {load:.3f} | — | "
        "KServe 724 kB, Seldon, Kubernetes 1.34 |"
    )
    per = edits / args.manifests * 1000
    print(
        f"| mlgate: edit as text + validate | {edits:.3f} | {per:.2f} ms | "
        f"{changed} changed; ratio to the schema load {edits / load:.2f}× |"
    )
    if ruamel is None:
        print("| ruamel.yaml round trip | — | — | not installed |")
    else:
        seconds, extra, files = ruamel
        print(
            f"| ruamel.yaml round trip (no validation) | {seconds:.3f} | "
            f"{seconds / args.manifests * 1000:.2f} ms | {seconds / edits:.1f}× mlgate's time; "
            f"{extra} lines changed beyond the edits in {files} of {len(RUAMEL)} files "
            "(mlgate: 0, checked by re-parsing) |"
        )
    print("\n## API requests per deployment\n")
    print(
        "| platform | first promotion (opened) | re-run (unchanged) "
        "| newer promotion (updated) | already served |"
    )
    print("|---|---|---|---|---|")
    for platform, rows in request_counts().items():
        cells = [
            f"{sum(c.values())} ({', '.join(f'{m} {n}' for m, n in sorted(c.items()))})"
            for c in (rows["opened"], rows["unchanged"], rows["updated"], rows["already"])
        ]
        print(f"| {platform} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
