"""Parsing the ways a user can name a model in MLflow: a run id, ``runs:/ID/PATH``,
``models:/NAME/VERSION`` or ``models:/NAME@ALIAS``; and a URI or an error as it may be
shown, without credentials. Pure string handling."""

from __future__ import annotations

import re
from dataclasses import dataclass

_RUN_ID = re.compile(r"^[0-9a-f]{32}$")
_RUNS_URI = re.compile(r"^runs:/([0-9a-f]{32})(?:/(.+))?$")
_MODELS_VERSION = re.compile(r"^models:/(.+)/(\d+)$")
_MODELS_ALIAS = re.compile(r"^models:/(.+)@([A-Za-z0-9_-]+)$")

DEFAULT_ARTIFACT_PATH = "model"


@dataclass(frozen=True, kw_only=True)
class RunRef:
    run_id: str
    artifact_path: str = DEFAULT_ARTIFACT_PATH

    @property
    def uri(self) -> str:
        return f"runs:/{self.run_id}/{self.artifact_path}"


@dataclass(frozen=True, kw_only=True)
class VersionRef:
    name: str
    version: str

    @property
    def uri(self) -> str:
        return f"models:/{self.name}/{self.version}"


@dataclass(frozen=True, kw_only=True)
class AliasRef:
    name: str
    alias: str

    @property
    def uri(self) -> str:
        return f"models:/{self.name}@{self.alias}"


ModelRef = RunRef | VersionRef | AliasRef


class RefError(ValueError):
    pass


def parse_model_ref(text: str) -> ModelRef:
    """Raises RefError with a message that lists the accepted forms."""
    value = text.strip()
    if _RUN_ID.fullmatch(value):
        return RunRef(run_id=value)
    if match := _RUNS_URI.fullmatch(value):
        return RunRef(
            run_id=match.group(1),
            artifact_path=(match.group(2) or DEFAULT_ARTIFACT_PATH).strip("/"),
        )
    if match := _MODELS_VERSION.fullmatch(value):
        return VersionRef(name=match.group(1), version=match.group(2))
    if match := _MODELS_ALIAS.fullmatch(value):
        return AliasRef(name=match.group(1), alias=match.group(2))
    raise RefError(
        f"{text!r} is not a model reference; use a run id (32 hex characters), "
        "runs:/RUN_ID/PATH, models:/NAME/VERSION or models:/NAME@ALIAS"
    )


def redact(text: str) -> str:
    """Credentials removed from every URI in ``text`` (``http://user:token@host`` →
    ``http://***@host``)."""
    return re.sub(r"(?<=://)[^/@\s]+@", "***@", text)


def first_line(error: BaseException | str, *, limit: int = 300) -> str:
    """An error's first line as mlgate shows it: credentials removed, at most ``limit``
    characters; an exception without a message is named by its type."""
    text = (error if isinstance(error, str) else str(error)).strip()
    if not text:
        return "(no message)" if isinstance(error, str) else type(error).__name__
    return redact(text.splitlines()[0])[:limit]
