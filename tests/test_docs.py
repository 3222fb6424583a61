"""The docs are part of the change: generated where they can be, and checked here."""

from __future__ import annotations

import re
import runpy
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
import yaml

from mlgate.cli import cli
from mlgate.files.config import schema

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
GEN = runpy.run_path(str(ROOT / "scripts" / "gen_cli_docs.py"))


def test_cli_reference_is_generated_and_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == GEN["render"](), "docs/cli.md is out of date: run `make docs`"


def test_every_command_is_in_the_reference_and_the_readme() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, command in GEN["commands"](cli, ["mlgate"]):
        name = " ".join(path)
        assert f"## `{name}`" in reference
        if not isinstance(command, click.Group):
            assert name in README or name in (ROOT / "docs" / "config.md").read_text(), name


def test_every_config_key_is_documented() -> None:
    doc = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    for key, spec in schema()["properties"].items():
        assert f"`{key}`" in doc, key
        for sub in spec.get("properties", {}):
            assert f"`{key}.{sub}`" in doc, f"{key}.{sub}"
    for key in schema()["$defs"]["rule"]["properties"]:
        assert f"`{key}`" in doc, key


def test_every_verdict_field_is_documented() -> None:
    from mlgate.files.verdict import schema as verdict_schema

    doc = (ROOT / "docs" / "verdict.md").read_text(encoding="utf-8")
    for key in verdict_schema()["properties"]:
        assert f"`{key}" in doc, key


def readme_commands() -> list[tuple[str, int]]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            if not line.startswith("mlgate "):
                continue
            command, _, comment = line.partition("  #")
            match = re.search(r"exit (\d)", comment)
            commands.append((command.strip(), int(match.group(1)) if match else 0))
    return commands


@pytest.mark.slow
def test_readme_examples_run_as_written(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    exe = str(Path(sys.executable).parent / "mlgate")
    commands = readme_commands()
    assert len(commands) >= 4
    for command, expected in commands:
        argv = [exe, *shlex.split(command)[1:]]
        done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert done.returncode == expected, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
    assert any(c.startswith("mlgate demo --dir .mlgate-demo") for c, _ in commands)
    # The README ran the demo (and promoted and evaluated against its store): running it again
    # starts afresh, as the README says — tests/integration/demo/test_demo.py checks that run.
    from demo_checks import check_demo_run

    check_demo_run(tmp_path / ".mlgate-demo")


def test_readme_set_up_commands_are_the_makefile_targets() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "make demo" in README and "make test" in README
    assert re.search(r"^demo:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")


def test_readme_config_example_is_valid(tmp_path: Path) -> None:
    block = re.search(r"```yaml\n(# mlgate.yml\n.*?)```", README, flags=re.S)
    assert block is not None
    (tmp_path / "mlgate.yml").write_text(block.group(1))
    exe = str(Path(sys.executable).parent / "mlgate")
    done = subprocess.run(
        [exe, "config", "check"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_every_option_the_readme_shows_exists() -> None:
    known: dict[str, set[str]] = {}
    for path, command in GEN["commands"](cli, ["mlgate"]):
        names = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        known[" ".join(path[1:])] = names
    command_line = r"mlgate ((?:config |relay )?[a-z]+)((?: [^\n`|]*(?:\\\n[^\n`|]*)*)?)"
    shown = re.findall(command_line, README)
    checked = 0
    for command, rest in shown:
        if command not in known:
            continue
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", rest):
            assert option in known[command], (
                f"README uses `mlgate {command} {option}`, which does not exist"
            )
            checked += 1
    assert checked >= 10


def _readme_section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, flags=re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def _table_names(section: str) -> set[str]:
    return set(re.findall(r"^\| `([\w-]+)` \|", section, flags=re.M))


def test_every_action_input_and_output_is_documented() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    documented = _table_names(_readme_section("In GitHub Actions"))
    for kind in ("inputs", "outputs"):
        for name, spec in action[kind].items():
            assert name in documented, f"action {kind[:-1]} {name} is not in the README's table"
            assert spec.get("description"), f"action {kind[:-1]} {name} has no description"
    assert documented == set(action["inputs"]) | set(action["outputs"]), "README lists extras"


def test_every_template_input_is_documented() -> None:
    header = (ROOT / "ci_templates" / "mlgate.yml").read_text(encoding="utf-8").split("\n---\n")[0]
    inputs = yaml.safe_load(header)["spec"]["inputs"]
    documented = _table_names(_readme_section("In GitLab CI"))
    assert documented == set(inputs)
    assert all(spec.get("description") for spec in inputs.values())


def test_the_two_example_projects_share_their_files() -> None:
    """examples/github and examples/gitlab are each complete to copy; what is not about the
    CI platform is the same file in both."""
    github, gitlab = ROOT / "examples" / "github", ROOT / "examples" / "gitlab"
    shared = [
        "train.py",
        "params.yaml",
        "mlgate.yml",
        "tests/test_model.py",
        "data/golden.csv",
        "data/train_features.csv",
        "export_served.py",
        "deploy/inferenceservice.yaml",
    ]
    for name in shared:
        assert (github / name).read_bytes() == (gitlab / name).read_bytes(), name
    # The same requirements but mlgate: GitLab's train job runs the pinned release's
    # `mlgate test`; GitHub's jobs get mlgate from the action (its `test` command).
    pin = "mlgate[test]=="
    ours = [
        line for line in (gitlab / "requirements.txt").read_text().splitlines() if line[:1] != "#"
    ]
    theirs = [
        line for line in (github / "requirements.txt").read_text().splitlines() if line[:1] != "#"
    ]
    assert [line for line in ours if not line.startswith(pin)] == theirs
    assert not any("mlgate" in line for line in theirs)


def test_the_example_config_is_valid() -> None:
    from mlgate.files.config import load_config

    config = load_config(ROOT / "examples" / "github" / "mlgate.yml")
    assert config.model == "churn-classifier"


def test_every_make_target_the_readme_lists_exists_and_is_described() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z]+):", makefile, flags=re.M))
    listed = re.findall(r"^\| `make ([a-z]+)` \| (.+?) \|", README, flags=re.M)
    assert {name for name, _ in listed} >= {"demo", "test", "check"}
    for name, what in listed:
        assert name in targets, f"the README lists make {name}, which the Makefile lacks"
        assert len(what) > 10, f"make {name} has no description"
    phony = re.search(r"^\.PHONY: (.+)$", makefile, flags=re.M)
    assert phony and {name for name, _ in listed} <= set(phony.group(1).split())


def test_the_readme_lists_every_prerequisite_make_test_checks() -> None:
    script = (ROOT / "scripts" / "system-tools.sh").read_text(encoding="utf-8")
    tools = re.findall(r"^(\w+)\s+\S+\s+\S", script.split('TOOLS="')[1].split('"')[0], flags=re.M)
    setup = _readme_section("Set up (contributors)")
    assert tools and all(f"`{tool}`" in setup or tool in {"node"} for tool in tools), tools
    assert "Node.js" in setup and "Python ≥ 3.10" in setup


def test_the_users_quick_start_works_as_written(tmp_path: Path) -> None:
    """Its mlgate.yml passes `config check`; its workflow uses only inputs the action has,
    its include only inputs the template has."""
    section = _readme_section("Use it in three steps")
    blocks = [textwrap.dedent(b) for b in re.findall(r"```yaml\n(.*?)```", section, flags=re.S)]
    config, workflow, include = (yaml.safe_load(b) for b in blocks)
    (tmp_path / "mlgate.yml").write_text(blocks[0])
    exe = str(Path(sys.executable).parent / "mlgate")
    done = subprocess.run(
        [exe, "config", "check"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert config["model"] == "churn-classifier"
    action_inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    steps = workflow["jobs"]["gate"]["steps"]
    used = next(s for s in steps if s.get("uses") == "mlgate/mlgate@v1")
    assert set(used["with"]) <= action_inputs
    header = (ROOT / "ci_templates" / "mlgate.yml").read_text(encoding="utf-8").split("\n---\n")[0]
    template_inputs = set(yaml.safe_load(header)["spec"]["inputs"])
    (included,) = include["include"]
    assert included["file"] == "/ci_templates/mlgate.yml"
    assert set(included["inputs"]) <= template_inputs
    assert included["ref"] == f"v{__import__('mlgate').__version__}"


def test_readme_plan_example_is_what_mlgate_plan_prints(tmp_path: Path) -> None:
    """The README's `mlgate plan` session, replayed on examples/monorepo with the change it
    names (the merge base's SHA aside)."""
    block = re.search(r"```console\n\$ (mlgate plan [^\n#]*?)\s+#[^\n]*\n(.*?)```", README, re.S)
    assert block is not None
    command, shown = block.group(1), block.group(2)
    repo = tmp_path / "monorepo"
    shutil.copytree(ROOT / "examples" / "monorepo", repo)

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.email=d@example.com", "-c", "user.name=d", *args],
            cwd=repo,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "main")
    git("checkout", "-qb", "feature")
    config = repo / "models" / "churn" / "mlgate.yml"
    config.write_text(config.read_text().replace("max_drop: 0.01", "max_drop: 0.02"))
    (repo / "data" / "ltv" / "sample.csv").write_text("customer_id,tenure\n1,3\n")
    git("commit", "-qam", "churn and ltv")
    exe = str(Path(sys.executable).parent / "mlgate")
    done = subprocess.run(
        [exe, *shlex.split(command)[1:]], cwd=repo, capture_output=True, text=True, check=True
    )
    merge_base = git("rev-parse", "main").strip()
    printed = (done.stderr + done.stdout).replace(merge_base[:12], "1f2e3d4c5b6a")
    assert printed == shown
