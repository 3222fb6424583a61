"""Loading models for the model tests: MLflow pyfunc models from a run, a registry version
or alias, or a local folder — downloaded once, then loaded from disk.

The local folder is remembered for each loaded model, so a size budget can measure what
would be deployed. Only this module (in the testing path) imports mlflow.
"""

from __future__ import annotations

import os
import re
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.adapters import object_store
from mlgate.core.refs import RefError, first_line, parse_model_ref

_ALIAS = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:/")
_NOT_FOUND = {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}
# id(model) → folder; PyFuncModel is not hashable, so not a WeakKeyDictionary. An entry
# is dropped when its model is collected, so a reused id never finds a stale folder.
_FOLDERS: dict[int, Path] = {}


class ModelLoadError(Exception):
    """The model could not be loaded; the message says which and why."""


class ModelNotFound(ModelLoadError):
    """The registry or store answered that the model (or alias) does not exist."""


class StoreUnavailable(ModelLoadError):
    """The object store holding the model's files failed after retries (an outside
    service, exit 3 — not a broken model)."""


@dataclass(frozen=True, kw_only=True)
class LoadedModel:
    model: Any  # mlflow.pyfunc.PyFuncModel
    uri: str
    folder: Path
    run_id: str | None


def resolve_uri(value: str, *, model_name: str | None = None, alias_ok: bool = False) -> str:
    """What a user wrote → a URI MLflow can load. Accepts the forms ``mlgate evaluate``
    takes (run id, runs:/, models:/), any other MLflow artifact URI, a local folder, and —
    with ``alias_ok`` and a model name — a bare alias such as ``champion``."""
    text = value.strip()
    if not text:
        raise ModelLoadError("the model reference is empty")
    if Path(text).is_dir():
        return str(Path(text).resolve())
    try:
        return parse_model_ref(text).uri
    except RefError:
        pass
    if _SCHEME.match(text):
        return text
    if alias_ok and _ALIAS.fullmatch(text):
        if not model_name:
            raise ModelLoadError(
                f"{text!r} looks like an alias; name the registered model "
                "(--mlgate-model, MLGATE_MODEL or `model:` in mlgate.yml)"
            )
        return f"models:/{model_name}@{text}"
    raise ModelLoadError(
        f"{text!r} is neither a model folder nor a model reference; use a run id, "
        "runs:/RUN_ID/PATH, models:/NAME/VERSION, models:/NAME@ALIAS or a folder"
    )


def run_id_of(uri: str) -> str | None:
    """The run a URI names, when the URI itself says (runs:/ or a bare run id)."""
    try:
        ref = parse_model_ref(uri)
    except RefError:
        return None
    return getattr(ref, "run_id", None)


def load_model(uri: str, *, workdir: Path) -> LoadedModel:
    """Download ``uri`` under ``workdir`` (unless it is a local folder) and load it."""
    from mlgate.adapters.registry import quiet_mlflow

    quiet_mlflow()
    import mlflow.artifacts
    import mlflow.pyfunc
    from mlflow.exceptions import MlflowException

    try:
        if Path(uri).is_dir():
            folder = Path(uri)
        else:
            workdir.mkdir(parents=True, exist_ok=True)
            local = mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=str(workdir))
            folder = Path(local)
        _refuse_an_empty_mlmodel(uri, folder)
        model = mlflow.pyfunc.load_model(str(folder))
    except ModelLoadError:
        raise
    except Exception as exc:
        # The store first: botocore's timeouts are OSErrors, and MLflow wraps some of its
        # failures; either way the model is not at fault.
        if object_store.is_store_error(exc):
            raise StoreUnavailable(object_store.describe(exc, f"downloading {uri}")) from None
        if isinstance(exc, MlflowException):
            message = first_line(exc.message)
            if exc.error_code in _NOT_FOUND or "not found" in message.lower():
                raise ModelNotFound(f"{uri}: {message}") from None
            raise ModelLoadError(f"{uri}: {message}") from None
        if isinstance(exc, OSError):
            raise ModelLoadError(f"{uri}: {exc.strerror or exc}") from None
        # Anything else came from the model's own loader (its flavor, a missing library,
        # a malformed MLmodel): the model's problem, named, not a crash of mlgate.
        raise ModelLoadError(
            f"{uri}: cannot be loaded ({type(exc).__name__}: {first_line(exc)})"
        ) from None
    _FOLDERS[id(model)] = folder
    weakref.finalize(model, _FOLDERS.pop, id(model), None)
    run_id = getattr(model.metadata, "run_id", None) or run_id_of(uri)
    return LoadedModel(model=model, uri=uri, folder=folder, run_id=run_id)


def _refuse_an_empty_mlmodel(uri: str, folder: Path) -> None:
    """An empty MLmodel is a store that returned no bytes (a half-written upload, a proxy
    dropping bodies), which MLflow's loader reports only as an AttributeError."""
    mlmodel = folder / "MLmodel"
    if mlmodel.is_file() and mlmodel.stat().st_size == 0:
        raise ModelLoadError(
            f"{uri}: its MLmodel file came down empty ({mlmodel}); check the artifact store "
            "(a half-written upload, or a proxy in between that drops the body)"
        )


def folder_of(model: Any) -> Path | None:
    """The folder a model loaded by :func:`load_model` came from."""
    return _FOLDERS.get(id(model))


def folder_size(folder: Path) -> tuple[int, list[tuple[str, int]]]:
    """Total bytes under ``folder`` and its files, largest first (symlinks not followed)."""
    files = []
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            if path.is_symlink():
                continue
            files.append((str(path.relative_to(folder)), path.stat().st_size))
    files.sort(key=lambda item: -item[1])
    return sum(size for _, size in files), files
