"""Scoring both models on the same rows of the evaluation data — the per-example
predictions paired intervals need when the runs logged none, and what re-scoring
production on the candidate's data compares.

At most ``evaluation.max_rows`` rows are scored, a deterministic sample (seeded by
``significance.seed``). A model's scores are kept on disk for the job, keyed by the model
(its URI and run), the data's digest and the sample, so a job that evaluates twice — or
runs ``evaluate`` then ``gate`` — scores each model once.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate import __version__
from mlgate.core.columns import ColumnNames
from mlgate.errors import InputError

if TYPE_CHECKING:
    from mlgate.evaluate.data import EvalData
    from mlgate.files.config import Config

Columns = dict[str, Any]
CACHE_DAYS = 2


class Unavailable(Exception):
    """Scoring cannot be done here; the message is the reason, for the report."""


@dataclass(frozen=True, kw_only=True)
class Model:
    """A model to score: where it loads from, and what identifies it for the cache."""

    uri: str
    run_id: str | None = None
    tracking_uri: str | None = None


@dataclass(frozen=True, kw_only=True)
class Scored:
    candidate: Columns
    baseline: Columns
    rows: int  # rows in the evaluation data
    examples: int  # rows scored (rows, or the sample)
    sources: tuple[str, str]  # the two model URIs
    names: ColumnNames  # the columns' names (the defaults; the config's positive class)


def scored_names(config: Config) -> ColumnNames:
    """Scored columns use the default names (they may be logged as a run's predictions),
    with the config's task and positive class."""
    return ColumnNames(task=config.columns.task, positive=config.columns.positive)


def score_both(*, models: tuple[Model, Model], data: EvalData, config: Config) -> Scored:
    """Both models on the same rows of ``data``; Unavailable says why not."""
    try:
        import numpy  # noqa: F401
        import pandas  # noqa: F401

        from mlgate.adapters.scoring import DoesNotLoad, ScoringError, read_frame, score
    except ImportError:
        raise Unavailable(
            "loading the models needs mlflow and pandas with the model's own libraries "
            "(pip install 'mlgate[local]')"
        ) from None
    label = config.evaluation.label or config.columns.label
    names = scored_names(config)
    try:
        frame = read_frame(data.fetch())
    except InputError as exc:
        raise Unavailable(str(exc)) from None
    if label not in frame.columns:
        if config.evaluation.label is not None:
            # A column the config names and the data lacks is a mistake, never a fallback.
            shown = ", ".join(map(str, list(frame.columns)[:8]))
            raise InputError(
                f"evaluation.label: {data.dataset.name} has no column {label!r} (its columns: "
                f"{shown}); name the label column of evaluation.data"
            )
        raise Unavailable(
            f"{data.dataset.name} has no label column {label!r} (set evaluation.label)"
        )
    rows = len(frame)
    frame = _sample(frame, limit=config.evaluation.max_rows, seed=config.significance.seed)
    sides = []
    with tempfile.TemporaryDirectory(prefix="mlgate-score-") as folder:
        for model, side in zip(models, ("candidate", "production"), strict=True):
            key = _key(model, data=data, label=label, rows=len(frame), config=config)
            columns = _cached(key)
            if columns is None:
                try:
                    columns = score(
                        model.uri,
                        frame,
                        label=label,
                        names=names,
                        keep=config.slices.columns,
                        workdir=Path(folder) / side,
                    )
                except DoesNotLoad as exc:
                    if side == "candidate":
                        # The gate loads the candidate here: one that does not load is never
                        # passed on its logged numbers instead.
                        raise InputError(
                            f"the candidate does not load: {exc}; fix the model (or its "
                            "environment) — a gate never passes a model it cannot load"
                        ) from None
                    raise Unavailable(str(exc)) from None
                except ScoringError as exc:
                    raise Unavailable(str(exc)) from None
                _keep(key, columns)
            sides.append(columns)
    return Scored(
        candidate=sides[0],
        baseline=sides[1],
        rows=rows,
        examples=len(frame),
        sources=(models[0].uri, models[1].uri),
        names=names,
    )


def _sample(frame: Any, *, limit: int | None, seed: int) -> Any:
    import numpy as np

    if limit is None or len(frame) <= limit:
        return frame
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(frame), size=limit, replace=False))
    return frame.iloc[picked].reset_index(drop=True)


# -- the job's score cache -------------------------------------------------------------


def cache_folder() -> Path:
    """``$MLGATE_HOME/scores`` (the GitLab template sets MLGATE_HOME), else a folder of
    this user's under the temporary directory (one CI job's, on hosted runners)."""
    home = os.environ.get("MLGATE_HOME")
    if home:
        return Path(home) / "scores"
    return Path(tempfile.gettempdir()) / f"mlgate-{os.getuid()}" / "scores"


def _key(model: Model, *, data: EvalData, label: str, rows: int, config: Config) -> str:
    parts = {
        "model": model.uri,
        "run": model.run_id,
        "registry": model.tracking_uri,
        "data": data.dataset.digest or data.dataset.source or data.dataset.name,
        "label": label,
        "rows": rows,
        "seed": config.significance.seed,
        "max_rows": config.evaluation.max_rows,
        "slices": list(config.slices.columns),
        "columns": [config.columns.task, config.columns.positive],
        "mlgate": __version__,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def _own_folder() -> Path | None:
    """The cache folder, made private to this user; None when it cannot be trusted (a
    folder under the shared temporary directory that someone else made, or a link)."""
    folder = cache_folder()
    try:
        for part in (folder.parent, folder):
            part.mkdir(mode=0o700, exist_ok=True)
            status = part.lstat()
            if part.is_symlink() or status.st_uid != os.getuid():
                return None
        folder.chmod(0o700)
    except OSError:
        return None
    return folder


def _cached(key: str) -> Columns | None:
    from mlgate.files.predictions import read_predictions

    folder = _own_folder()
    for path in sorted(folder.glob(f"{key}.*")) if folder is not None else ():
        try:
            return read_predictions(path, role="cached")
        except InputError:  # a damaged entry is scored again
            path.unlink(missing_ok=True)
    return None


def _keep(key: str, columns: Columns) -> None:
    """Best effort: a cache that cannot be written only costs a second scoring."""
    from mlgate.files.predictions import write_predictions

    folder = _own_folder()
    if folder is None:
        return
    try:
        cutoff = time.time() - CACHE_DAYS * 86_400
        for old in folder.iterdir():
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        write_predictions(folder, columns, name=key)
    except (OSError, InputError):
        return
