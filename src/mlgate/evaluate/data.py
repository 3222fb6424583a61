"""Where the evaluation data is and what it is: a local file (hashed here, md5 as DVC 3
does, so a DVC-tracked file and the same bytes given as a path have one identity), a
path in the repository that DVC tracks (its dvc.lock / .dvc record is checked against
the bytes), ``dvc://PATH@REV`` (resolved with DVC's Python API, the ``dvc`` extra), or
the source an MLflow dataset input names.

The identity is cheap; the bytes are fetched only when something reads them (re-scoring).
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate.core.checks import Check, Status
from mlgate.core.dataset import Dataset
from mlgate.core.provenance import EvaluationSettings
from mlgate.errors import InputError, UsageError

DVC_SCHEME = "dvc://"
_CHUNK = 1 << 20


@dataclass(frozen=True, kw_only=True)
class EvalData:
    """The identity of some evaluation data, and how to get its bytes as a local file."""

    dataset: Dataset
    fetch: Callable[[], Path]
    notes: tuple[str, ...] = field(default=())  # e.g. the file differs from its DVC record


def locate(spec: str, *, name: str | None, workdir: Path, what: str) -> EvalData:
    """``spec`` — a path or ``dvc://PATH@REV`` — as evaluation data. ``what`` names the
    setting in messages (``evaluation.data``)."""
    if spec.startswith(DVC_SCHEME):
        return _from_dvc(spec, name=name, workdir=workdir, what=what)
    return _from_file(Path(spec), name=name, what=what)


def candidate_data(
    settings: EvaluationSettings, *, logged: Dataset | None, workdir: Path
) -> tuple[Dataset | None, EvalData | None, list[Check]]:
    """The candidate's evaluation data: its identity (what the run logged, else
    evaluation.data's), the data to re-score on, and notes about it. The run's own record
    wins; evaluation.data is what is scored when its digest agrees, or when the run's
    source cannot be read from here (MLflow hashes DataFrames its own way, so a digest
    it computed never equals a file's)."""
    configured = (
        locate(settings.data, name=settings.name, workdir=workdir, what="evaluation.data")
        if settings.data
        else None
    )
    notes = [
        Check(name="evaluation data file", status=Status.WARN, summary=note)
        for note in (configured.notes if configured else ())
    ]
    if logged is None:
        return (configured.dataset if configured else None), configured, notes
    if configured is not None and configured.dataset.same_data(logged):
        return logged, configured, notes
    try:
        found = from_source(logged, workdir=workdir, what=f"dataset {logged.name}")
    except (InputError, UsageError):
        found = None
    return logged, found or configured, notes


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def parse_dvc_uri(spec: str) -> tuple[str, str | None]:
    """``dvc://data/eval.csv@v2`` → ``("data/eval.csv", "v2")``; no ``@`` → the
    workspace's committed version (HEAD)."""
    body = spec[len(DVC_SCHEME) :]
    path, _, rev = body.rpartition("@") if "@" in body else (body, "", "")
    path = path.strip("/")
    if not path:
        raise UsageError(f"{spec}: expected dvc://PATH@REV (a path in the repository)")
    if rev.startswith("-"):
        raise UsageError(f"{spec}: a revision cannot start with '-'")
    return path, rev or None


def _from_file(path: Path, *, name: str | None, what: str) -> EvalData:
    if path.is_dir():
        raise InputError(f"{what}: {path} is a folder; give the evaluation data file")
    if not path.is_file():
        raise InputError(f"{what}: {path} not found")
    try:
        digest = md5_of(path)
    except OSError as exc:
        raise InputError(f"{what}: {path}: {exc.strerror or exc}") from None
    recorded = dvc_recorded_md5(path)
    notes: tuple[str, ...] = ()
    origin = "file"
    if recorded is not None:
        record, md5 = recorded
        if md5 == digest:
            origin = "dvc"
        else:
            notes = (
                f"{path} differs from its DVC record in {record} (md5 {md5[:8]}, the file "
                f"{digest[:8]}): the bytes on disk were used; run `dvc pull` or `dvc commit`",
            )
    dataset = Dataset(name=name or path.name, digest=digest, source=_shown(path), origin=origin)
    return EvalData(dataset=dataset, fetch=lambda: path, notes=notes)


def _shown(path: Path) -> str:
    """The path as recorded: relative to the working folder (the checkout, in CI) when it
    is inside it, so the record does not carry one runner's home folder."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def dvc_recorded_md5(path: Path) -> tuple[Path, str] | None:
    """The md5 DVC recorded for ``path`` — in ``path.dvc`` next to it, or as an output in
    a ``dvc.lock`` of this folder or one above (up to the repository root) — with the
    file that says so. Read as YAML; DVC itself is not needed."""
    import yaml

    path = path.resolve()
    sibling = path.with_name(path.name + ".dvc")
    candidates = [(sibling, sibling.parent)] if sibling.is_file() else []
    for folder in path.parents:
        lock = folder / "dvc.lock"
        if lock.is_file():
            candidates.append((lock, folder))
        if (folder / ".git").exists() or (folder / ".dvc").is_dir():
            break
    for record, base in candidates:
        try:
            document = yaml.safe_load(record.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        for out in _outs(document):
            if isinstance(out.get("path"), str) and (base / out["path"]).resolve() == path:
                md5 = out.get("md5")
                if isinstance(md5, str) and not md5.endswith(".dir"):
                    return record, md5
    return None


def _outs(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        return []
    outs = [o for o in document.get("outs") or () if isinstance(o, dict)]
    stages = document.get("stages")
    if isinstance(stages, dict):
        for stage in stages.values():
            if isinstance(stage, dict):
                outs.extend(o for o in stage.get("outs") or () if isinstance(o, dict))
    return outs


def _from_dvc(spec: str, *, name: str | None, workdir: Path, what: str) -> EvalData:
    from mlgate.adapters.dvc_data import DvcFile

    path, rev = parse_dvc_uri(spec)
    repo = repository_root(Path.cwd())
    found = DvcFile.open(repo=repo, path=path, rev=rev, what=what)
    dataset = Dataset(
        name=name or Path(path).name,
        digest=found.md5,
        source=f"{DVC_SCHEME}{path}@{found.commit}" if found.commit else spec,
        origin="dvc",
    )
    return EvalData(dataset=dataset, fetch=lambda: found.fetch(workdir))


def repository_root(start: Path) -> Path:
    """The git repository around ``start`` (DVC paths are relative to its root)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=start,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        done = None
    if done is None or done.returncode != 0:
        raise UsageError(f"dvc:// data needs a git repository; {start} is not inside one")
    return Path(done.stdout.strip())


def from_source(dataset: Dataset, *, workdir: Path, what: str) -> EvalData | None:
    """The data an MLflow dataset input's source names, when it can be read from here:
    a local file, ``dvc://…``, or an MLflow artifact URI. None: not reachable."""
    source = dataset.source or ""
    if source.startswith(DVC_SCHEME):
        found = _from_dvc(source, name=dataset.name, workdir=workdir, what=what)
    elif source.startswith(("runs:/", "mlflow-artifacts:/", "models:/")):
        from mlgate.adapters.run_datasets import download

        local = download(source, workdir=workdir)
        found = _from_file(local, name=dataset.name, what=what)
    elif source.startswith("file://") or (source and "://" not in source):
        path = Path(source.removeprefix("file://"))
        if not path.is_file():
            return None
        found = _from_file(path, name=dataset.name, what=what)
    else:
        return None
    return EvalData(
        dataset=dataset if dataset.origin == "mlflow" else found.dataset,
        fetch=found.fetch,
        notes=found.notes,
    )
