"""`mlgate test`'s command line for pytest, and the plugin's entry point: the module the
`pytest11` entry point names (mlgate.pytest_plugin) registers every hook and fixture of
mlgate/testing/plugin.py — a hook added there and not re-exported would silently not run."""

from __future__ import annotations

import inspect
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import mlgate.pytest_plugin as entry
from mlgate.testing import plugin
from mlgate.testing.run import TestRun, pytest_command


def run(**overrides: object) -> TestRun:
    values: dict[str, object] = {"paths": (Path("tests/model"),), "results": Path("r.json")}
    values.update(overrides)
    return TestRun(**values)  # type: ignore[arg-type]


def test_the_command_runs_this_python_on_the_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    command = pytest_command(run(paths=(Path("a"), Path("b c"))))
    assert command[:5] == [sys.executable, "-m", "pytest", "a", "b c"]
    assert "--mlgate-results=r.json" in command


def test_every_setting_becomes_one_option_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    command = pytest_command(
        run(
            candidate="runs:/abc/model",
            baseline="champion",
            model="churn; rm -rf /",
            data=Path("data/golden set.csv"),
            junit=Path("junit.xml"),
            tags=("smoke", "budget"),
            pytest_args=("-x", "-k", "not slow"),
        )
    )
    assert command[4:] == [
        "--mlgate-candidate=runs:/abc/model",
        "--mlgate-baseline=champion",
        "--mlgate-model=churn; rm -rf /",
        "--mlgate-data=data/golden set.csv",
        "--mlgate-results=r.json",
        "--junitxml=junit.xml",
        "--mlgate-tag=smoke",
        "--mlgate-tag=budget",
        "-x",
        "-k",
        "not slow",
    ], "each value is one argument: nothing is split or read by a shell"


def test_unset_settings_add_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    command = pytest_command(run())
    assert [part for part in command if part.startswith("--")] == ["--mlgate-results=r.json"]


def test_with_autoloading_off_the_plugin_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    command = pytest_command(run())
    assert command[4:6] == ["-p", "mlgate.pytest_plugin"]


def test_a_test_run_is_not_collected_as_a_test() -> None:
    assert TestRun.__test__ is False


def test_the_entry_point_names_the_entry_module() -> None:
    (found,) = [e for e in entry_points(group="pytest11") if e.name == "mlgate"]
    assert found.value == "mlgate.pytest_plugin"


def test_the_entry_module_registers_every_hook_and_fixture_of_the_plugin() -> None:
    hooks = {
        name
        for name, _ in inspect.getmembers(plugin, inspect.isfunction)
        if name.startswith("pytest_")
    }
    fixtures = {
        name
        for name, value in vars(plugin).items()
        if type(value).__name__ == "FixtureFunctionDefinition"
        or hasattr(value, "_pytestfixturefunction")
    }
    assert hooks and fixtures == {"candidate_model", "baseline_model", "eval_data"}
    for name in hooks | fixtures:
        assert getattr(entry, name) is getattr(plugin, name), name
    assert set(entry.__all__) == hooks | fixtures
