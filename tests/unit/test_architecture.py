"""The layout and the dependency rule of docs/architecture.md, checked with ``ast``.

Imports inside functions count (they run, and a cycle through one is still a cycle);
imports only under ``if TYPE_CHECKING:`` do not.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "mlgate"

TOP_LEVEL = {"__init__", "__main__", "errors", "pytest_plugin"}
JOBS = (
    "plan",
    "testing",
    "monitor",
    "evaluate",
    "publish",
    "promote",
    "deploy",
    "relay",
    "canary",
    "demo",
)  # each may use earlier
OUTSIDE_WORLD = (
    "mlflow",
    "github",
    "gitlab",
    "dvc",
    "requests",
    "urllib3",
    "httpx",
    "boto3",
    "prometheus_client",
    "pyspark",
    "feast",
)
MAX_LINES = 450  # pre-commit's largest module; aim for under 400


@dataclass(frozen=True)
class Import:
    source: str  # importing module, dotted
    target: str  # imported name, dotted (a module of ours, or a third-party name)
    line: int
    top_level: bool  # at module level, not inside a function


def modules(package: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(sub) for stmt in node.body for sub in ast.walk(stmt))
    return hidden


def _function_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside.update(id(sub) for sub in ast.walk(node) if sub is not node)
    return inside


def imports(package: Path) -> list[Import]:
    """Every import in ``package``; names of ours resolved to the module that holds them
    (``from mlgate.core.verdict import Verdict`` → ``mlgate.core.verdict``)."""
    known = modules(package)
    root = package.name

    def ours(name: str) -> str:
        while name not in known and "." in name:
            name = name.rpartition(".")[0]
        return name

    found = []
    for source, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        hidden, in_function = _type_checking_nodes(tree), _function_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in hidden:
                continue
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == root or node.module.startswith(root + "."):
                    names = [f"{node.module}.{alias.name}" for alias in node.names]
                else:
                    names = [node.module]
            for name in names:
                target = ours(name) if name.split(".")[0] == root else name
                if target != source:
                    found.append(Import(source, target, node.lineno, id(node) not in in_function))
    return found


def cycles(edges: list[Import]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        graph.setdefault(edge.source, set()).add(edge.target)
        graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer(module: str) -> str:
    """``mlgate.core.stats.paired`` → ``core``; top-level modules are their own layer."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "mlgate"


ALLOWED = {
    "core": {"core"},
    "files": {"core", "files", "errors", "mlgate"},
    "report": {"core", "report", "errors", "mlgate"},
    "adapters": {"core", "files", "adapters", "errors", "mlgate"},
    "cli": {"cli", "core", "files", "report", "adapters", "errors", "mlgate", *JOBS},
    "pytest_plugin": {"testing"},
    "__main__": {"cli"},
    "errors": set(),
    "mlgate": {"evaluate"},  # mlgate.log_predictions, the helper evaluation scripts call
    **{
        job: {"core", "files", "report", "adapters", "errors", "mlgate", *JOBS[: i + 1]}
        for i, job in enumerate(JOBS)
    },
}


def violations(edges: list[Import]) -> list[str]:
    problems = []
    for edge in edges:
        here = layer(edge.source)
        where = f"{edge.source}:{edge.line}"
        if edge.target.split(".")[0] == "mlgate":
            there = layer(edge.target)
            if there not in ALLOWED.get(here, set()):
                problems.append(f"{where}: {here}/ may not import {edge.target}")
            elif here == "cli" and there == "adapters" and edge.top_level:
                problems.append(f"{where}: cli/ imports the adapter {edge.target} at module level")
        elif edge.target.split(".")[0] in OUTSIDE_WORLD and here != "adapters":
            problems.append(f"{where}: only adapters/ may import {edge.target}")
    return problems


# -- the rules, on mlgate ------------------------------------------------------------------


EDGES = imports(PACKAGE)


def test_there_are_no_import_cycles() -> None:
    assert cycles(EDGES) == []


def test_every_import_follows_the_dependency_rule() -> None:
    assert violations(EDGES) == []


def test_the_outside_world_is_imported_only_inside_functions() -> None:
    """Even in adapters: `mlgate --help` must not pay for mlflow or PyGithub."""
    heavy = (*OUTSIDE_WORLD, "numpy", "pyarrow", "pandas", "deepdiff", "jinja2", "yaml")
    eager = [
        f"{e.source}:{e.line} {e.target}"
        for e in EDGES
        if e.top_level and e.target.split(".")[0] in heavy and layer(e.source) != "core"
    ]
    assert eager == []


def test_the_top_level_holds_only_the_entry_modules() -> None:
    top = {path.stem for path in PACKAGE.glob("*.py")}
    assert top == TOP_LEVEL


def test_every_folder_is_a_known_layer_or_job() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders - {"schemas"} == set(ALLOWED) - TOP_LEVEL - {"mlgate"}


def test_every_layer_and_job_is_described_in_the_architecture_doc() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for folder in (p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"):
        assert f"| `{folder}/` |" in doc, f"docs/architecture.md has no line for {folder}/"


def test_tests_mirror_the_package() -> None:
    """Each job and layer has its tests in a folder of the same name."""
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    tested = {
        p.name
        for kind in ("unit", "integration")
        for p in (ROOT / "tests" / kind).iterdir()
        if p.is_dir()
    } | {"cli"}
    assert folders - {"schemas"} <= tested


def test_no_module_is_too_large() -> None:
    sizes = {name: len(path.read_text().splitlines()) for name, path in modules(PACKAGE).items()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


# -- the checker itself finds what it must ---------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "mlgate"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            (root / parent / "__init__.py").touch()
        path.write_text(text)
    return root


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "evaluate/a.py": "from mlgate.monitor.b import f\n",
            "monitor/b.py": "def f():\n    from mlgate.evaluate.a import g\n",
        },
    )
    assert cycles(imports(root)) == [["mlgate.evaluate.a", "mlgate.monitor.b"]]


def test_an_import_only_for_type_checking_is_no_cycle(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "core/a.py": "from mlgate.core.b import f\n",
            "core/b.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from mlgate.core.a import g\n",
        },
    )
    assert cycles(imports(root)) == []


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("core/x.py", "from mlgate.files.config import Config\n", "core/ may not import"),
        ("core/x.py", "from mlgate.errors import InputError\n", "core/ may not import"),
        ("files/x.py", "from mlgate.report.text import md\n", "files/ may not import"),
        ("report/x.py", "from mlgate.adapters.registry import R\n", "report/ may not import"),
        ("adapters/x.py", "from mlgate.evaluate.registry import E\n", "adapters/ may not"),
        ("monitor/x.py", "from mlgate.evaluate.registry import E\n", "monitor/ may not"),
        ("cli/x.py", "from mlgate.adapters.registry import R\n", "at module level"),
        ("evaluate/x.py", "def f():\n    import mlflow\n", "only adapters/ may import mlflow"),
        ("report/x.py", "from github import Github\n", "only adapters/ may import github"),
        ("publish/x.py", "import requests\n", "only adapters/ may import requests"),
    ],
)
def test_each_kind_of_violation_is_found(
    tmp_path: Path, name: str, text: str, problem: str
) -> None:
    targets = ("files/config.py", "report/text.py", "adapters/registry.py", "evaluate/registry.py")
    root = _package(tmp_path, {**dict.fromkeys(targets, ""), "errors.py": "", name: text})
    found = violations(imports(root))
    assert len(found) == 1 and problem in found[0], found


def test_what_the_rule_allows_is_not_reported(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "cli/x.py": "def f():\n    from mlgate.adapters.registry import R\n",
            "evaluate/x.py": "from mlgate.monitor.drift import d\nfrom mlgate.files.config import C\n",
            "adapters/registry.py": "def f():\n    import mlflow\n",
            "files/config.py": "from mlgate.core.rules import R\nfrom mlgate.errors import E\n",
            "monitor/drift.py": "",
            "core/rules.py": "import numpy\n",
            "errors.py": "",
        },
    )
    assert violations(imports(root)) == []
