"""mlgate's pytest plugin: model tests (entry point ``pytest11: mlgate``, through
mlgate/pytest_plugin.py).

Options (group "mlgate"):
  --mlgate-candidate URI      the model under test
  --mlgate-baseline URI|ALIAS the production model; default the alias champion of
                              --mlgate-model
  --mlgate-model NAME         registered model name, for aliases
  --mlgate-data PATH          evaluation data for eval_data
  --mlgate-results PATH       write the results as JSON for mlgate evaluate
  --mlgate-tag TAG            run only model tests with this tag (repeatable)

The plugin reads no environment variable: it is loaded into every pytest run where mlgate
is installed, and a job's MLGATE_* settings (meant for mlgate's commands) must not turn a
unit-test run into a model-test run. ``mlgate test`` reads them and passes the options.

Fixtures: ``candidate_model`` and ``baseline_model`` (MLflow pyfunc models, loaded on
first use, once per session) and ``eval_data`` (a pandas DataFrame). Marker:
``@pytest.mark.model_test(critical=True, tags=[...])``; a test without it counts as
critical. Nothing heavy is imported until a fixture is used, so the plugin costs other
test suites nothing.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mlgate.errors import InputError
from mlgate.testing.recorder import CRITICAL_PROPERTY, TAGS_PROPERTY, Recorder

MARKER = "model_test"
_FIXTURES = frozenset({"candidate_model", "baseline_model", "eval_data"})
_TAG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/-")


@dataclass
class _Session:
    candidate: str | None
    baseline: str | None
    baseline_is_alias: bool
    data: Path | None
    results: Path | None
    tags: tuple[str, ...]
    recorder: Recorder = field(default_factory=Recorder)
    deselected: int = 0
    candidate_run_id: str | None = None
    in_use: bool = False  # a model test was collected: print the summary


_SESSION = pytest.StashKey[_Session]()


# (option, metavar, help)
_OPTIONS = (
    (
        "--mlgate-candidate",
        "URI",
        "The candidate model: a run id, runs:/RUN_ID/PATH, models:/NAME/VERSION, "
        "models:/NAME@ALIAS or a model folder.",
    ),
    (
        "--mlgate-baseline",
        "URI|ALIAS",
        "The production model, or its alias (needs --mlgate-model). Default: the alias "
        "champion when --mlgate-model is set.",
    ),
    ("--mlgate-model", "NAME", "Registered model name, to resolve a baseline alias."),
    (
        "--mlgate-data",
        "PATH",
        "Evaluation data for the eval_data fixture: CSV, Parquet, JSON Lines or JSON records.",
    ),
    (
        "--mlgate-results",
        "PATH",
        "Write the model test results (JSON) here, for mlgate evaluate/gate/compare.",
    ),
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mlgate", "mlgate model tests")
    for option, metavar, text in _OPTIONS:
        group.addoption(option, metavar=metavar, default=None, help=text)
    group.addoption(
        "--mlgate-tag",
        metavar="TAG",
        action="append",
        default=[],
        help="Run only the model tests tagged TAG (repeat for any of several tags).",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(critical=True, tags=()): an mlgate model test; when a critical one fails "
        "the gate fails, when a non-critical one fails the gate warns",
    )
    state = _configured(config)
    config.stash[_SESSION] = state
    config.pluginmanager.register(_Hooks(state), "mlgate-model-tests")


def pytest_unconfigure(config: pytest.Config) -> None:
    hooks = config.pluginmanager.get_plugin("mlgate-model-tests")
    if hooks is not None:
        config.pluginmanager.unregister(hooks)


def _configured(config: pytest.Config) -> _Session:
    """The options, checked now so a typo is a usage error before any test runs."""
    from mlgate.adapters.models import ModelLoadError, resolve_uri
    from mlgate.testing.data import DataError, check_data_path

    option = config.getoption
    model = option("--mlgate-model")
    candidate = option("--mlgate-candidate")
    baseline = option("--mlgate-baseline")
    is_alias = False
    try:
        candidate_uri = resolve_uri(candidate) if candidate else None
    except ModelLoadError as exc:
        raise pytest.UsageError(f"--mlgate-candidate: {exc}") from None
    if baseline is None and model:
        baseline = "champion"
    try:
        baseline_uri = resolve_uri(baseline, model_name=model, alias_ok=True) if baseline else None
    except ModelLoadError as exc:
        raise pytest.UsageError(f"--mlgate-baseline: {exc}") from None
    if baseline_uri and baseline and baseline_uri == f"models:/{model}@{baseline.strip()}":
        is_alias = True
    data = Path(option("--mlgate-data")) if option("--mlgate-data") else None
    if data is not None:
        try:
            check_data_path(data)
        except DataError as exc:
            raise pytest.UsageError(f"--mlgate-data: {exc}") from None
    results = option("--mlgate-results")
    return _Session(
        candidate=candidate_uri,
        baseline=baseline_uri,
        baseline_is_alias=is_alias,
        data=data,
        results=Path(results) if results else None,
        tags=tuple(option("--mlgate-tag") or ()),
    )


class _Hooks:
    """The per-session hooks, registered by pytest_configure with the session's state."""

    def __init__(self, state: _Session) -> None:
        self.state = state

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        selected, deselected = [], []
        for item in items:
            if item.get_closest_marker(MARKER) or _FIXTURES & set(
                getattr(item, "fixturenames", ())
            ):
                self.state.in_use = True
            critical, tags = _marker_settings(item)
            item.user_properties.append((CRITICAL_PROPERTY, "true" if critical else "false"))
            if tags:
                item.user_properties.append((TAGS_PROPERTY, ",".join(tags)))
            if self.state.tags and not set(tags) & set(self.state.tags):
                deselected.append(item)
            else:
                selected.append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = selected

    def pytest_deselected(self, items: Sequence[pytest.Item]) -> None:
        self.state.deselected += len(items)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """A test that needs a model or data nobody named is a usage error, said once."""
        state = self.state
        needs = {name for item in session.items for name in getattr(item, "fixturenames", ())}
        if "candidate_model" in needs and state.candidate is None:
            raise pytest.UsageError(
                "model tests use candidate_model: name the model with --mlgate-candidate URI "
                "(mlgate test: --candidate or MLGATE_CANDIDATE), e.g. runs:/<run id>/model"
            )
        if "baseline_model" in needs and state.baseline is None:
            raise pytest.UsageError(
                "model tests use baseline_model: name production with --mlgate-baseline "
                "URI|ALIAS, or the registered model with --mlgate-model"
            )
        if "eval_data" in needs and state.data is None:
            raise pytest.UsageError(
                "model tests use eval_data: give the data file with --mlgate-data PATH "
                "(or tests.data in mlgate.yml with mlgate test)"
            )

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.state.recorder.test_report(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self.state.recorder.collect_report(report)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        state = self.state
        if state.results is None or _refused(exitstatus):
            return  # nothing ran: a previous results file stays as it was
        from mlgate.adapters.models import run_id_of
        from mlgate.testing.results import write_results

        try:
            write_results(
                state.results,
                tests=state.recorder.tests(),
                complete=_complete(session, exitstatus),
                candidate=state.candidate,
                candidate_run_id=state.candidate_run_id
                or (run_id_of(state.candidate) if state.candidate else None),
                baseline=state.baseline,
                deselected=state.deselected,
                exit_status=int(exitstatus),
                pytest_version=pytest.__version__,
                python_version=platform.python_version(),
            )
        except InputError as exc:
            session.config.get_terminal_writer().line(f"mlgate: error: {exc}", red=True)
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int) -> None:
        from mlgate.testing.results import annotation_lines, summary_lines

        if not self.state.in_use and self.state.results is None:
            return  # not a model test session: say nothing
        if _refused(exitstatus):
            terminalreporter.write_line(
                "mlgate model tests: not run — pytest refused to start them (the error is "
                "above); no results written"
            )
            return
        tests = self.state.recorder.tests()
        for line in summary_lines(tests, results=self.state.results):
            terminalreporter.write_line(line)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            for line in annotation_lines(tests):
                terminalreporter.write_line(line)


def _marker_settings(item: pytest.Item) -> tuple[bool, tuple[str, ...]]:
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return True, ()
    where = f"{item.nodeid}: @pytest.mark.{MARKER}"
    if marker.args:
        raise pytest.UsageError(f"{where}: takes keywords only (critical=…, tags=[…])")
    unknown = set(marker.kwargs) - {"critical", "tags"}
    if unknown:
        raise pytest.UsageError(f"{where}: unknown keyword {sorted(unknown)[0]!r}")
    critical = marker.kwargs.get("critical", True)
    if not isinstance(critical, bool):
        raise pytest.UsageError(f"{where}: critical must be True or False, not {critical!r}")
    tags = marker.kwargs.get("tags", ())
    if isinstance(tags, str):
        tags = (tags,)
    if not isinstance(tags, Sequence) or not all(
        isinstance(t, str) and t and set(t) <= _TAG_CHARS for t in tags
    ):
        raise pytest.UsageError(
            f"{where}: tags must be a list of words (letters, digits, _ . : / -), not {tags!r}"
        )
    return critical, tuple(tags)


def _refused(exitstatus: int) -> bool:
    return int(exitstatus) == pytest.ExitCode.USAGE_ERROR


def _complete(session: pytest.Session, exitstatus: int) -> bool:
    finished = int(exitstatus) in (
        pytest.ExitCode.OK,
        pytest.ExitCode.TESTS_FAILED,
        pytest.ExitCode.NO_TESTS_COLLECTED,
    )
    return finished and not session.shouldstop and not session.shouldfail


@pytest.fixture(scope="session")
def candidate_model(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """The candidate as an MLflow pyfunc model (loaded once per session)."""
    state = request.config.stash[_SESSION]
    loaded = _load(state.candidate, "candidate", tmp_path_factory, not_found_skips=False)
    state.candidate_run_id = loaded.run_id
    return loaded.model


@pytest.fixture(scope="session")
def baseline_model(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The production model as an MLflow pyfunc model; tests using it are skipped while
    the production alias points at no version yet."""
    state = request.config.stash[_SESSION]
    return _load(
        state.baseline, "baseline", tmp_path_factory, not_found_skips=state.baseline_is_alias
    ).model


@pytest.fixture(scope="session")
def eval_data(request: pytest.FixtureRequest) -> Any:
    """The evaluation data (--mlgate-data) as a pandas DataFrame."""
    from mlgate.testing.data import DataError, read_table

    state = request.config.stash[_SESSION]
    assert state.data is not None  # pytest_collection_finish made sure
    try:
        return read_table(state.data)
    except DataError as exc:
        pytest.fail(f"mlgate: {exc}", pytrace=False)


def _load(
    uri: str | None, role: str, factory: pytest.TempPathFactory, *, not_found_skips: bool
) -> Any:
    from mlgate.adapters.models import ModelLoadError, ModelNotFound, load_model

    assert uri is not None  # pytest_collection_finish made sure
    try:
        return load_model(uri, workdir=factory.mktemp(f"mlgate-{role}"))
    except ModelNotFound as exc:
        if not_found_skips:
            pytest.skip(f"no production model yet ({exc})")
        pytest.fail(f"mlgate: cannot load the {role} model: {exc}", pytrace=False)
    except ModelLoadError as exc:
        pytest.fail(f"mlgate: cannot load the {role} model: {exc}", pytrace=False)
