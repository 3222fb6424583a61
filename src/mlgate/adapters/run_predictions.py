"""Per-example predictions kept with an MLflow run.

The convention, for evaluation scripts that write the file themselves: an artifact
``mlgate/predictions.parquet`` (or ``.csv`` / ``.jsonl``) in the predictions-file format —
id, label, prediction and/or score (``score_<class>`` for multiclass), slice columns.
``mlgate.log_predictions`` writes exactly that, and records on the run (tag
``mlgate.predictions.dataset_digest``) the digest of the evaluation dataset the run had
logged, so predictions made on other data are never paired with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.adapters.registry import Registry
from mlgate.adapters.registry_errors import NotFound, on_run
from mlgate.adapters.run_datasets import eval_dataset
from mlgate.core.dataset import Dataset
from mlgate.errors import InputError

FOLDER = "mlgate"
NAMES = ("predictions.parquet", "predictions.csv", "predictions.jsonl")
DIGEST_TAG = "mlgate.predictions.dataset_digest"


@dataclass(frozen=True, kw_only=True)
class LoggedPredictions:
    run_id: str
    uri: str  # runs:/RUN/mlgate/predictions.parquet
    path: Path  # the downloaded file
    digest: str | None  # the dataset they were made on, when the run recorded it


class RunPredictions:
    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._client = registry.client

    def find(self, run_id: str, *, folder: Path) -> LoggedPredictions | None:
        """The run's logged predictions, downloaded into ``folder``; None when it has none."""
        try:
            with self._registry.guard(
                f"listing the artifacts of run {run_id}", needs=on_run("READ", run_id)
            ):
                listed = self._client.list_artifacts(run_id, FOLDER)
        except NotFound:
            return None
        present = {Path(item.path).name for item in listed if not item.is_dir}
        name = next((n for n in NAMES if n in present), None)
        if name is None:
            return None
        uri = f"runs:/{run_id}/{FOLDER}/{name}"
        folder.mkdir(parents=True, exist_ok=True)
        try:
            with self._registry.guard(f"downloading {uri}", needs=on_run("READ", run_id)):
                local = self._client.download_artifacts(run_id, f"{FOLDER}/{name}", str(folder))
        except NotFound:
            raise InputError(f"{uri}: listed but cannot be downloaded") from None
        with self._registry.guard(f"reading run {run_id}", needs=on_run("READ", run_id)):
            tags = self._client.get_run(run_id).data.tags
        digest = tags.get(DIGEST_TAG)
        return LoggedPredictions(run_id=run_id, uri=uri, path=Path(local), digest=digest or None)

    def log(self, run_id: str, file: Path, *, dataset: Dataset | None) -> str:
        """Keep ``file`` with the run as its predictions; returns the artifact's URI."""
        with self._registry.guard(
            f"logging {file.name} to run {run_id}", needs=on_run("EDIT", run_id)
        ):
            self._client.log_artifact(run_id, str(file), artifact_path=FOLDER)
        if dataset is not None and dataset.digest:
            self._registry.tag_run(run_id, {DIGEST_TAG: dataset.digest})
        return f"runs:/{run_id}/{FOLDER}/{file.name}"

    def run_dataset(self, run_id: str) -> Dataset | None:
        """The evaluation dataset the run logged (``mlflow.log_input``), if any."""
        with self._registry.guard(f"reading run {run_id}", needs=on_run("READ", run_id)):
            run = self._client.get_run(run_id)
        found: Dataset | None = eval_dataset(run)
        return found


def active_run_id() -> Any:
    """The run ``mlflow.start_run()`` opened in this process, or None."""
    import mlflow

    run = mlflow.active_run()
    return run.info.run_id if run is not None else None


def tracking_uri() -> str:
    import mlflow

    return str(mlflow.get_tracking_uri())
