"""``mlgate.yml`` → a frozen :class:`Config`, validated against the shipped JSON Schema.

Every error names the file, the line (where YAML gives it) and the key path::

    mlgate.yml:7: metrics.f1.max_drp: unknown key; did you mean 'max_drop'?
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mlgate.core.approval import Policy
from mlgate.core.canary import CanarySettings
from mlgate.core.checks import Status
from mlgate.core.classes import ClassSettings
from mlgate.core.columns import ColumnNames
from mlgate.core.compare import GatePolicy
from mlgate.core.deploy import DeploySettings
from mlgate.core.drift_settings import DriftSettings, SkewSettings
from mlgate.core.evidence import Route
from mlgate.core.provenance import EvaluationSettings
from mlgate.core.rules import MetricRule
from mlgate.core.significance import Mode, Significance
from mlgate.core.slices import SliceSettings
from mlgate.core.sources import relative_to
from mlgate.core.tracking import MonitorSettings
from mlgate.core.webhooks import DEFAULT_EVENTS, RelayFilter
from mlgate.errors import ConfigError
from mlgate.files.config_drift import drift_settings, skew_settings
from mlgate.files.config_sections import (
    canary_settings,
    deploy_settings,
    metric_rule,
    monitor_settings,
)
from mlgate.files.documents import Document, KeyPath, describe_value, load_document

DEFAULT_NAMES = ("mlgate.yml", "mlgate.yaml")
DEFAULT_MAX_CHARS = 65_536
_BREAKING = {"fail": Status.FAIL, "warn": Status.WARN, "ignore": Status.PASS}


@dataclass(frozen=True, kw_only=True)
class ReportSettings:
    max_chars: int = DEFAULT_MAX_CHARS
    template: Path | None = None
    chart: bool = True


DEFAULT_RESULTS = "mlgate-tests.json"


@dataclass(frozen=True, kw_only=True)
class TestSettings:
    """The ``tests:`` section: what ``mlgate test`` runs and where the results go.
    ``configured`` is False when mlgate.yml has no such section (model tests are optional)."""

    __test__ = False  # not a pytest test class

    configured: bool = False
    paths: tuple[Path, ...] = (Path("tests"),)
    results: Path = Path(DEFAULT_RESULTS)
    data: Path | None = None
    required: bool = True


@dataclass(frozen=True, kw_only=True)
class Config:
    source: str
    model: str | None = None
    paths: tuple[str, ...] = ()  # mlgate plan: globs relative to the config's folder
    baseline_alias: str = "champion"
    metric_prefix: str | None = None
    create_model: bool = False  # register: {create: true}
    rules: tuple[MetricRule, ...] = ()
    breaking_signature: Status = Status.FAIL
    report: ReportSettings = field(default_factory=ReportSettings)
    approval: Policy = field(default_factory=Policy)
    promote_alias: str | None = None
    previous_alias: str = "previous"
    tests: TestSettings = field(default_factory=TestSettings)
    significance: Significance = field(default_factory=Significance)
    columns: ColumnNames = field(default_factory=ColumnNames)
    slices: SliceSettings = field(default_factory=SliceSettings)
    classes: ClassSettings = field(default_factory=ClassSettings)
    drift: DriftSettings = field(default_factory=DriftSettings)
    skew: SkewSettings = field(default_factory=SkewSettings)
    monitor: MonitorSettings = field(default_factory=MonitorSettings)
    evaluation: EvaluationSettings = field(default_factory=EvaluationSettings)
    relay: RelayFilter = field(default_factory=RelayFilter)
    relay_ref: str = "main"
    deploy: DeploySettings | None = None
    canary: CanarySettings | None = None
    digest: str | None = None

    @property
    def production_alias(self) -> str:
        return self.promote_alias or self.baseline_alias

    def policy(self) -> GatePolicy:
        return GatePolicy(
            model=self.model,
            rules=self.rules,
            breaking_signature=self.breaking_signature,
            tests_required=self.tests.required,
            significance=self.significance,
            slices=self.slices,
            classes=self.classes,
            config_hash=self.digest,
        )


@cache
def schema() -> dict[str, Any]:
    text = resources.files("mlgate.schemas").joinpath("config.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def find_config(explicit: Path | None, *, cwd: Path) -> Path | None:
    """The config to use: the one asked for, else ``mlgate.yml`` in ``cwd`` if present."""
    if explicit is not None:
        return explicit
    for name in DEFAULT_NAMES:
        if (cwd / name).is_file():
            return cwd / name
    return None


def load_config(path: Path | None) -> Config:
    """Load and validate ``path``; ``None`` gives the defaults (nothing gated)."""
    if path is None:
        return Config(source="(no config)")
    document = load_document(path, what="config")
    return parse_config(document, base_dir=path.parent)


def parse_config(document: Document, *, base_dir: Path) -> Config:
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict):
        raise document.error((), "expected a mapping of settings at the top level", ConfigError)
    metrics = data.get("metrics")
    if isinstance(metrics, dict):
        # `accuracy:` with nothing under it means "track it with the defaults".
        data = {**data, "metrics": {k: ({} if v is None else v) for k, v in metrics.items()}}
    _validate(document, data)
    rules = tuple(
        metric_rule(document, str(name), spec) for name, spec in data.get("metrics", {}).items()
    )
    report = data.get("report", {})
    template = report.get("template")
    return Config(
        source=document.source,
        model=data.get("model"),
        paths=tuple(data.get("paths", ())),
        baseline_alias=data.get("baseline", "champion"),
        metric_prefix=data.get("metric_prefix"),
        create_model=bool(data.get("register", {}).get("create", False)),
        rules=rules,
        breaking_signature=_BREAKING[data.get("signature", {}).get("breaking", "fail")],
        report=ReportSettings(
            max_chars=report.get("max_chars", DEFAULT_MAX_CHARS),
            template=(base_dir / template) if template else None,
            chart=report.get("chart", True),
        ),
        approval=Policy(**data.get("approval", {})),
        promote_alias=data.get("promote", {}).get("alias"),
        previous_alias=data.get("promote", {}).get("previous_alias", "previous"),
        tests=_tests(data.get("tests"), base_dir=base_dir),
        significance=_significance(data.get("significance", {})),
        columns=_columns(data.get("predictions", {})),
        slices=_slices(data.get("slices", {})),
        classes=ClassSettings(
            max_recall_drop=float(data.get("classes", {}).get("max_recall_drop", 0.1)),
            fail=bool(data.get("classes", {}).get("fail", True)),
        ),
        drift=drift_settings(data.get("drift", {}), base_dir=base_dir),
        skew=skew_settings(document, data.get("skew", {}), base_dir=base_dir),
        monitor=monitor_settings(
            document, data.get("monitor", {}), _significance(data.get("significance", {}))
        ),
        evaluation=_evaluation(data.get("evaluation", {}), base_dir=base_dir),
        relay=RelayFilter(
            models=tuple(data.get("relay", {}).get("models", ("*",))),
            events=tuple(data.get("relay", {}).get("events", DEFAULT_EVENTS)),
            own_aliases=tuple(
                dict.fromkeys(
                    (
                        data.get("promote", {}).get("alias") or data.get("baseline", "champion"),
                        data.get("promote", {}).get("previous_alias", "previous"),
                    )
                )
            ),
        ),
        relay_ref=data.get("relay", {}).get("ref", "main"),
        deploy=deploy_settings(document, data.get("deploy"), base_dir=base_dir),
        canary=canary_settings(
            document, data.get("canary"), _significance(data.get("significance", {}))
        ),
        digest=digest(data),
    )


def _evaluation(section: dict[str, Any], *, base_dir: Path) -> EvaluationSettings:
    data = section.get("data")
    if data is not None and not data.startswith("dvc://"):
        data = relative_to(str(base_dir), data)
    return EvaluationSettings(
        data=data,
        name=section.get("name"),
        label=section.get("label"),
        rescore=bool(section.get("rescore", True)),
        allow_cross_dataset=bool(section.get("allow_cross_dataset", False)),
        require=None if section.get("require") is None else bool(section["require"]),
        # YAML 1.1 reads a bare `off` as false.
        predictions=Route(section.get("predictions", "auto") or "off"),
        max_rows=section.get("max_rows"),
        engine=str(section.get("engine", "local")),
        where=section.get("where"),
    )


def _significance(section: dict[str, Any]) -> Significance:
    return Significance(
        mode=Mode(section.get("mode", "significant")),
        confidence=float(section.get("confidence", 0.95)),
        resamples=int(section.get("resamples", 2000)),
        seed=int(section.get("seed", 0)),
    )


def _slices(section: dict[str, Any]) -> SliceSettings:
    return SliceSettings(
        columns=tuple(section.get("columns", ())),
        min_size=int(section.get("min_size", 100)),
        metrics=tuple(section.get("metrics", ())),
        fail=bool(section.get("fail", False)),
    )


def _columns(section: dict[str, Any]) -> ColumnNames:
    positive = section.get("positive")
    # Boolean labels are read as 1 and 0, and 1.0 is the class 1.
    if isinstance(positive, bool) or (isinstance(positive, float) and positive.is_integer()):
        positive = int(positive)
    return ColumnNames(
        **{k: section[k] for k in ("id", "label", "prediction", "score", "task") if k in section},
        positive=None if positive is None else str(positive),
    )


def _tests(section: dict[str, Any] | None, *, base_dir: Path) -> TestSettings:
    if section is None:
        return TestSettings()
    data = section.get("data")
    return TestSettings(
        configured=True,
        paths=tuple(base_dir / p for p in section.get("paths", ["tests"])),
        results=base_dir / section.get("results", DEFAULT_RESULTS),
        data=base_dir / data if data else None,
        required=section.get("required", True),
    )


def digest(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _validate(document: Document, data: dict[str, Any]) -> None:
    import jsonschema

    non_text = _non_text_key(data, ())
    if non_text is not None:
        raise document.error(non_text, "keys must be text; quote it", ConfigError)
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        messages = [_describe(document, error) for error in errors]
        raise ConfigError("\n".join(dict.fromkeys(messages)))


def _non_text_key(value: Any, path: KeyPath) -> KeyPath | None:
    if isinstance(value, dict):
        for key, child in value.items():
            if not isinstance(key, str):
                return (*path, str(key))
            found = _non_text_key(child, (*path, key))
            if found is not None:
                return found
    return None


def _describe(document: Document, error: Any) -> str:
    path: KeyPath = tuple(error.absolute_path)
    validator, expected = error.validator, error.validator_value
    if validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        key = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
        return str(document.error((*path, key), f"unknown key; {hint}"))
    if validator == "type":
        problem = f"expected {_type_words(expected)}, got {describe_value(error.instance)}"
    elif validator == "enum":
        problem = (
            f"must be one of {', '.join(map(str, expected))}; got {describe_value(error.instance)}"
        )
    elif validator == "minimum":
        problem = f"must be at least {expected}; got {error.instance}"
    elif validator == "maximum":
        problem = f"must be at most {expected}; got {error.instance}"
    elif validator == "pattern":
        problem = (
            f"{describe_value(error.instance)} is not allowed here (letters, digits, _ and - only)"
        )
    elif validator in ("minLength", "maxLength"):
        bound = "at least" if validator == "minLength" else "at most"
        problem = f"must be {bound} {expected} characters long"
    else:
        problem = error.message
    return str(document.error(path, problem))


def _type_words(expected: Any) -> str:
    words = {
        "object": "a mapping",
        "number": "a number",
        "integer": "a whole number",
        "string": "text",
        "boolean": "true or false",
        "array": "a list",
        "null": "nothing",
    }
    if isinstance(expected, list):
        return " or ".join(words.get(str(t), str(t)) for t in expected)
    return words.get(expected, str(expected))
