"""MLflow dataset inputs: which evaluation data a run records, and recording it.

A run's inputs may hold several datasets (training, evaluation …), told apart by the
``mlflow.data.context`` tag. The evaluation dataset is the one whose context says so; a
single dataset without a context is taken as it; a training dataset never is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mlgate.core.dataset import Dataset
from mlgate.core.verdict import Verdict
from mlgate.errors import InputError

CONTEXT_TAG = "mlflow.data.context"
EVAL_CONTEXTS = ("evaluation", "eval", "validation", "valid", "test", "testing")
EVAL_CODE_TAG = "mlgate.eval_code"


def eval_dataset(run: Any) -> Dataset | None:
    """The evaluation dataset a run logged (``mlflow.log_input``), or None."""
    inputs = getattr(getattr(run, "inputs", None), "dataset_inputs", None) or ()
    without_context = []
    for item in inputs:
        context = next((t.value for t in item.tags or () if t.key == CONTEXT_TAG), None)
        if context is None:
            without_context.append(item)
        elif context.strip().lower() in EVAL_CONTEXTS:
            return _dataset(item.dataset)
    if len(without_context) == 1:
        return _dataset(without_context[0].dataset)
    return None


TRAIN_CONTEXTS = ("training", "train")


def train_dataset(run: Any) -> Dataset | None:
    """The training dataset a run logged (context ``training``), or None."""
    inputs = getattr(getattr(run, "inputs", None), "dataset_inputs", None) or ()
    for item in inputs:
        context = next((t.value for t in item.tags or () if t.key == CONTEXT_TAG), None)
        if context is not None and context.strip().lower() in TRAIN_CONTEXTS:
            return _dataset(item.dataset)
    return None


def eval_code(run: Any) -> str | None:
    """The evaluation code's version, when the run records it: ``mlgate.eval_code``
    (set by the user's evaluation script), else MLflow's source name."""
    tags = run.data.tags
    value = tags.get(EVAL_CODE_TAG) or tags.get("mlflow.source.name")
    return str(value) if value else None


# MLflow hashes a DataFrame's (or an array's) first rows and its row count only.
MLFLOW_DIGEST_ROWS = 10_000


def _dataset(entity: Any) -> Dataset:
    rows = _profile_rows(entity)
    covers = (
        f"only the first {MLFLOW_DIGEST_ROWS:,} of its {rows:,} rows and the row count"
        if rows is not None and rows > MLFLOW_DIGEST_ROWS
        else None
    )
    return Dataset(
        name=str(entity.name),
        digest=str(entity.digest) if entity.digest else None,
        source=source_uri(entity.source) if entity.source else None,
        origin="mlflow",
        covers=covers,
    )


def _profile_rows(entity: Any) -> int | None:
    """The row count MLflow profiled the dataset with (``{"num_rows": …}``), if any."""
    try:
        profile = json.loads(getattr(entity, "profile", None) or "{}")
        rows = profile.get("num_rows") if isinstance(profile, dict) else None
        return int(rows) if rows is not None else None
    except (ValueError, TypeError):
        return None


def log_eval_dataset(client: Any, run_id: str, dataset: Dataset) -> None:
    """Record ``dataset`` as the run's evaluation input (context ``evaluation``)."""
    from mlflow.entities import Dataset as MlflowDataset
    from mlflow.entities import DatasetInput, InputTag

    source = dataset.source or ""
    kind = "dvc" if source.startswith("dvc://") else "local"
    entity = MlflowDataset(
        name=dataset.name[:500],
        digest=(dataset.digest or "")[:36],
        source_type=kind,
        source=json.dumps({"uri": source}),
    )
    client.log_inputs(
        run_id, datasets=[DatasetInput(dataset=entity, tags=[InputTag(CONTEXT_TAG, "evaluation")])]
    )


def dataset_tags(verdict: Verdict) -> dict[str, str]:
    """Which data the verdict's numbers came from (the candidate's evaluation data, and
    what was done when production's differed), for lineage on the version."""
    dataset = verdict.candidate.dataset
    if dataset is None:
        return {}
    tags = {
        "eval_dataset": dataset.name,
        "eval_dataset.digest": dataset.digest or "",
        "eval_dataset.source": dataset.source or "",
    }
    if verdict.data is not None:
        tags["eval_dataset.comparison"] = verdict.data.outcome.value
    return tags


def download(uri: str, *, workdir: Path) -> Path:
    """An MLflow artifact (a dataset's source) as a local file."""
    from mlflow.artifacts import download_artifacts
    from mlflow.exceptions import MlflowException

    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return Path(download_artifacts(artifact_uri=uri, dst_path=str(workdir)))
    except (MlflowException, OSError) as exc:
        line = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else "failed"
        raise InputError(f"evaluation data {uri}: {line}") from None


def source_uri(raw: str) -> str:
    """An MLflow dataset source (JSON such as ``{"uri": "s3://…"}``) → its URI, or the
    text itself when it names none."""
    try:
        parsed = json.loads(raw)
    except (json.JSONDecodeError, TypeError):
        return raw
    if isinstance(parsed, dict):
        for key in ("uri", "url", "path", "table_name"):
            if isinstance(parsed.get(key), str):
                return str(parsed[key])
    return raw
