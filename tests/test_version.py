"""One version, everywhere: the package's metadata, `mlgate --version`, the GitLab template's
default install line, the CHANGELOG's section, the examples' pins, and every `mlgate==X.Y.Z`
the README and the docs show."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import yaml
from click.testing import CliRunner

import mlgate
from mlgate.cli import cli

ROOT = Path(__file__).resolve().parent.parent
VERSION = mlgate.__version__


def test_the_version_is_semantic_and_the_metadata_says_it() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    assert metadata.version("mlgate") == VERSION


def test_mlgate_version_prints_it() -> None:
    result = CliRunner().invoke(cli, ["--version"], prog_name="mlgate")
    assert result.exit_code == 0 and result.output.strip() == f"mlgate {VERSION}"


def test_the_template_installs_this_release_by_default() -> None:
    spec = next(yaml.safe_load_all((ROOT / "ci_templates" / "mlgate.yml").read_text()))
    assert spec["spec"]["inputs"]["mlgate_package"]["default"] == f"mlgate[predictions]=={VERSION}"


def test_the_changelog_has_this_versions_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M)
    assert f"[{VERSION}]: " in text


def test_every_pin_shown_anywhere_is_this_version() -> None:
    places = [
        ROOT / "README.md",
        *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "examples").rglob("requirements*.txt")),
        *sorted((ROOT / "examples").rglob("*.yml")),
    ]
    pins = {
        (path.relative_to(ROOT).as_posix(), found)
        for path in places
        for found in re.findall(
            r"mlgate(?:\[[\w,]+\])?==([\w.]+)", path.read_text(encoding="utf-8")
        )
    }
    assert pins, "no pin found: the test looks in the wrong places"
    assert {place for place, found in pins if found != VERSION} == set()
    requirements = {place for place, _ in pins if place.endswith("requirements.txt")}
    assert requirements == {"examples/gitlab/requirements.txt"}
