"""The MLflow model registry: the production baseline by alias, the candidate, and the
verdict recorded back as ``mlgate.*`` tags and run artifacts.

The only module that imports mlflow, and only inside methods. Aliases only — no stage
APIs — so the same calls work on OSS MLflow and on Unity Catalog (three-level names).
MLflow's own HTTP retries are bounded here; what still fails is translated by
registry_errors.py (exit 3 for a service or permission failure, 2 for a malformed request).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from mlgate.adapters import object_store
from mlgate.adapters.ci import ci_run_from_environment
from mlgate.adapters.registry_errors import (
    NotFound,
    on_model,
    on_run,
    settled,
    translated,
)
from mlgate.adapters.registry_models import read_mlmodel, registered_from, signature_of
from mlgate.adapters.run_datasets import dataset_tags, eval_code, eval_dataset, log_eval_dataset
from mlgate.adapters.run_datasets import train_dataset as trained_on
from mlgate.core.dataset import Dataset
from mlgate.core.metricset import MetricSet
from mlgate.core.refs import AliasRef, ModelRef, RunRef, VersionRef, first_line, redact
from mlgate.core.verdict import Identity, Verdict
from mlgate.errors import InputError, UsageError

TAG_PREFIX = "mlgate."
# Bounded retries for MLflow's HTTP client (its defaults can wait minutes): 1 + 2 + 4 s
# of backoff over 3 retries, each request capped at 30 s. A user's own settings win.
RETRY_DEFAULTS = {
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "3",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
}
_MAX_TAG_VALUE = 5000


@dataclass(frozen=True, kw_only=True)
class RegistryModel:
    """One side of the comparison as found in the registry."""

    metric_set: MetricSet
    name: str | None = None
    version: str | None = None
    run_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Recorded:
    tags: Mapping[str, str]
    artifacts: tuple[str, ...]
    report_location: str | None


class Registry:
    def __init__(self, *, tracking_uri: str, registry_uri: str | None = None) -> None:
        quiet_mlflow()
        from mlflow.exceptions import MlflowException
        from mlflow.tracking import MlflowClient

        self.tracking_uri = tracking_uri
        self.registry_uri = registry_uri or tracking_uri
        try:
            # Opening a client touches no network; what fails here is the URI or the store
            # kind itself (e.g. MLflow's folder store now needs MLFLOW_ALLOW_FILE_STORE=true).
            self._client = MlflowClient(tracking_uri=tracking_uri, registry_uri=self.registry_uri)
        except MlflowException as exc:
            raise UsageError(
                f"tracking URI {redact(tracking_uri)}: {first_line(str(exc), limit=600)}"
            ) from None

    # -- reading -----------------------------------------------------------------------

    def baseline(self, *, model: str, alias: str, prefix: str | None) -> RegistryModel | None:
        """The version holding ``alias``; None when there is none (no production model yet)."""
        version = self._version_by_alias(model, alias)
        return None if version is None else self._from_version(version, prefix=prefix)

    def version(self, *, model: str, version: str, prefix: str | None) -> RegistryModel:
        """One version of ``model``, as a side of the comparison."""
        with self.guard(f"reading models:/{model}/{version}", needs=on_model("READ", model)):
            found = self._client.get_model_version(model, version)
        return self._from_version(found, prefix=prefix)

    def _version_by_alias(self, model: str, alias: str) -> Any | None:
        # Read the registered model's aliases rather than asking for the alias: servers
        # answer a missing alias with differing error codes, a missing model consistently.
        try:
            with self.guard(f"reading registered model {model}", needs=on_model("READ", model)):
                registered = self._client.get_registered_model(model)
        except NotFound:
            return None
        aliases = registered.aliases or {}
        if alias not in aliases:
            return None
        with self.guard(f"reading models:/{model}@{alias}", needs=on_model("READ", model)):
            return self._client.get_model_version(model, str(aliases[alias]))

    def candidate(
        self, ref: ModelRef, *, model: str, register: bool, prefix: str | None
    ) -> RegistryModel:
        """The candidate as a side of the comparison. Its folder must hold an MLmodel —
        checked before anything is registered, so a wrong path registers nothing."""
        if isinstance(ref, RunRef):
            run = self._run(ref.run_id)
            model_id = self._logged_model_id(run, ref.artifact_path)
            location = self.model_location(model_id=model_id, source=None) or ref.uri
            mlmodel = read_mlmodel(self, location, what=f"candidate {ref.uri}")
            if register:
                version = self._register(ref, model=model, model_id=model_id)
                return self._from_version(version, prefix=prefix, mlmodel=mlmodel)
            return self._from_run(ref, run, location=location, mlmodel=mlmodel, prefix=prefix)
        if register:
            raise UsageError(f"--register needs a run (runs:/ID/PATH or a run id), not {ref.uri}")
        if ref.name != model:
            raise UsageError(
                f"the candidate {ref.uri} belongs to model {ref.name!r}, not {model!r}"
            )
        try:
            if isinstance(ref, VersionRef):
                with self.guard(f"looking up {ref.uri}", needs=on_model("READ", ref.name)):
                    version = self._client.get_model_version(ref.name, ref.version)
            else:
                assert isinstance(ref, AliasRef)
                version = self._version_by_alias(ref.name, ref.alias)
        except NotFound:
            version = None
        if version is None:
            raise InputError(f"candidate {ref.uri}: not found in the registry")
        found_id = getattr(version, "model_id", None) or logged_model_in(version.source)
        where = self.model_location(model_id=found_id, source=version.source)
        if where is None:
            raise InputError(f"candidate {ref.uri}: the registry does not say where its files are")
        mlmodel = read_mlmodel(self, where, what=f"candidate {ref.uri}")
        return self._from_version(version, prefix=prefix, mlmodel=mlmodel)

    def _register(self, ref: RunRef, *, model: str, model_id: str | None) -> Any:
        """A version of ``model`` from the run's model at ``ref.artifact_path`` — the one
        registered from it before, if any (re-running a job registers nothing new).

        MLflow 3 stores a run's model as a LoggedModel (``models:/m-…``), MLflow 2 under the
        run's artifacts; the source is whichever this run has."""
        source = f"models:/{model_id}" if model_id else ref.uri
        try:
            with self.guard(
                f"creating registered model {model}", needs="the right to create registered models"
            ):
                self._client.create_registered_model(model)
        except InputError:
            # It exists already (the usual case): a version from this run may exist too.
            existing = registered_from(self, model=model, run_id=ref.run_id, source=source)
            if existing is not None:
                return existing
        with self.guard(
            f"registering {ref.uri} as a version of {model}", needs=on_model("EDIT", model)
        ):
            return self._client.create_model_version(
                model, source, run_id=ref.run_id, model_id=model_id
            )

    def _logged_model_id(self, run: Any, name: str) -> str | None:
        outputs = getattr(run, "outputs", None)
        for output in getattr(outputs, "model_outputs", None) or ():
            with self.guard(f"reading logged model {output.model_id}"):
                logged = self._client.get_logged_model(output.model_id)
            if logged.name == name:
                return str(output.model_id)
        return None

    def _from_run(
        self, ref: RunRef, run: Any, *, location: str, mlmodel: dict[str, Any], prefix: str | None
    ) -> RegistryModel:
        metric_set = MetricSet(
            identity=Identity(
                label=ref.uri,
                run_id=ref.run_id,
                commit=_commit(run),
                dataset=eval_dataset(run),
                eval_code=eval_code(run),
                trained_on=trained_on(run),
            ),
            metrics=_with_prefix(run.data.metrics, prefix),
            params=dict(run.data.params),
            signature=signature_of(mlmodel),
        )
        return RegistryModel(metric_set=metric_set, run_id=ref.run_id)

    def _from_version(
        self, version: Any, *, prefix: str | None, mlmodel: dict[str, Any] | None = None
    ) -> RegistryModel:
        """``mlmodel``: the version's MLmodel, when the caller has read it already."""
        metrics: dict[str, float] = {}
        params: dict[str, str] = {}
        commit = dataset = code = trained = None
        if version.run_id:
            run = self._run(version.run_id)
            metrics.update(run.data.metrics)
            params.update(run.data.params)
            commit, dataset, code = _commit(run), eval_dataset(run), eval_code(run)
            trained = trained_on(run)
        model_id = getattr(version, "model_id", None) or logged_model_in(version.source)
        if model_id:
            # MLflow 3 logs evaluation results on the logged model; they are the most
            # specific numbers for this version, so they win over the run's.
            with self.guard(f"reading logged model {model_id}"):
                logged = self._client.get_logged_model(model_id)
            metrics.update({m.key: m.value for m in logged.metrics or ()})
            params.update(logged.params or {})
        uri = f"models:/{version.name}/{version.version}"
        metric_set = MetricSet(
            identity=Identity(
                label=uri,
                model_version=str(version.version),
                run_id=version.run_id,
                commit=commit,
                dataset=dataset,
                eval_code=code,
                trained_on=trained,
            ),
            metrics=_with_prefix(metrics, prefix),
            params=params,
            signature=signature_of(mlmodel)
            if mlmodel is not None
            else self._signature(self.model_location(model_id=model_id, source=version.source)),
        )
        return RegistryModel(
            metric_set=metric_set,
            name=version.name,
            version=str(version.version),
            run_id=version.run_id,
        )

    def _run(self, run_id: str) -> Any:
        try:
            with self.guard(f"reading run {run_id}", needs=on_run("READ", run_id)):
                return self._client.get_run(run_id)
        except NotFound:
            raise InputError(f"run {run_id}: not found at {redact(self.tracking_uri)}") from None

    def _signature(self, artifact_uri: str | None) -> dict[str, Any] | None:
        """Production's signature; None when its folder has no readable MLmodel (a store
        that fails is still exit 3: a signature check is never skipped by an outage).

        The file is read as YAML rather than with ``mlflow.models.Model``: that class needs
        numpy, which the runtime install (mlflow-skinny) does not have."""
        if not artifact_uri:
            return None
        try:
            return signature_of(read_mlmodel(self, artifact_uri, what="production's model"))
        except InputError:
            return None

    def model_location(self, *, model_id: str | None, source: str | None) -> str | None:
        """Where a model's files are: a LoggedModel's artifact location (MLflow 3), else
        the version's source (MLflow 2 kept models among the run's artifacts)."""
        if model_id:
            with self.guard(f"reading logged model {model_id}"):
                return str(self._client.get_logged_model(model_id).artifact_location)
        if source and not source.startswith("models:/"):
            return source
        return None

    # -- writing -----------------------------------------------------------------------

    def record(
        self, candidate: RegistryModel, *, verdict: Verdict, files: Mapping[str, Path]
    ) -> Recorded:
        """Log the files as artifacts of the candidate's run, then tag version and run."""
        artifacts: list[str] = []
        report_location = None
        if candidate.run_id:
            for name, path in files.items():
                with self.guard(
                    f"logging {path.name} to run {candidate.run_id}",
                    needs=on_run("EDIT", candidate.run_id),
                ):
                    self._client.log_artifact(candidate.run_id, str(path), artifact_path="mlgate")
                artifacts.append(f"runs:/{candidate.run_id}/mlgate/{path.name}")
                if name == "report":
                    report_location = artifacts[-1]
        tags = verdict_tags(
            verdict, report_location=report_location, ci_run=ci_run_from_environment(os.environ)
        )
        if candidate.name is not None and candidate.version is not None:
            self.tag_version(candidate.name, candidate.version, tags)
        if candidate.run_id:
            self.tag_run(candidate.run_id, tags)
        return Recorded(tags=tags, artifacts=tuple(artifacts), report_location=report_location)

    def tag_run(self, run_id: str, tags: Mapping[str, str]) -> None:
        """Set ``tags`` on a run in one log-batch request."""
        from mlflow.entities import RunTag

        batch = [RunTag(key, value) for key, value in tags.items()]
        with self.guard(f"tagging run {run_id}", needs=on_run("EDIT", run_id)):
            settled(partial(self._client.log_batch, run_id, tags=batch))

    def tag_version(self, model: str, version: str, tags: Mapping[str, str]) -> None:
        """Set ``tags`` on a model version (MLflow takes one request per tag)."""
        for key, value in tags.items():
            with self.guard(f"tagging {model} version {version}", needs=on_model("EDIT", model)):
                settled(partial(self._client.set_model_version_tag, model, version, key, value))

    def tag_model(self, model: str, key: str, value: str, *, what: str | None = None) -> None:
        """Set one tag on a registered model; ``what`` names the write in an error."""
        what = what or f"tagging registered model {model}"
        with self.guard(what, needs=on_model("EDIT", model)):
            settled(partial(self._client.set_registered_model_tag, model, key, value))

    def log_dataset(self, run_id: str, dataset: Dataset) -> None:
        """Record the evaluation data on the run as an MLflow dataset input (MLflow finds one
        already logged, so a write that raced another job's is written again)."""
        with self.guard(
            f"logging dataset {dataset.name} to run {run_id}", needs=on_run("EDIT", run_id)
        ):
            settled(partial(log_eval_dataset, self._client, run_id, dataset))

    def set_alias(self, *, model: str, alias: str, version: str) -> None:
        with self.guard(f"setting models:/{model}@{alias}", needs=on_model("EDIT", model)):
            self._client.set_registered_model_alias(model, alias, version)

    # -- errors ------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The MlflowClient, for the sibling adapter that moves aliases (promotion.py)."""
        return self._client

    def guard(self, what: str, *, needs: str | None = None) -> Any:
        """Around a call doing ``what``: MLflow's and the object store's failures → mlgate's
        errors (registry_errors.py); ``needs`` names the permission it takes, for a refusal.
        The sibling adapters (promotion, references, run predictions) guard theirs too."""
        return translated(redact(self.registry_uri), what, needs=needs)


def quiet_mlflow() -> None:
    """MLflow logs its own progress at INFO/WARNING ("Created version '2'…"); mlgate reports
    what matters itself, and errors still surface as exceptions. MLflow sets its logger's
    level when first imported, so import it before overriding. Its download progress bars
    (drawn whenever tqdm is installed) only clutter CI logs; a user's own setting wins.
    Every MLflow caller comes here first, so the retry bounds (HTTP and object store) are set
    before MLflow makes a client."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    for key, value in RETRY_DEFAULTS.items():
        os.environ.setdefault(key, value)
    object_store.bound()
    import mlflow  # noqa: F401

    logging.getLogger("mlflow").setLevel(logging.ERROR)


def verdict_tags(
    verdict: Verdict, *, report_location: str | None, ci_run: str | None = None
) -> dict[str, str]:
    """The ``mlgate.*`` tags that record a verdict on a model version (and its run);
    ``ci_run``: the CI run that evaluated it, which an approval without a PR is bound to."""
    failed = [row.name for row in verdict.metrics if row.gated and row.status.value == "fail"]
    tags = {
        "status": verdict.status.value,
        "commit": verdict.candidate.commit or "",
        "config_hash": verdict.config_hash or "",
        "report": report_location or "",
        "baseline_version": (verdict.baseline.model_version or "") if verdict.baseline else "",
        "evaluated_at": verdict.created_at or "",
        "mlgate_version": verdict.mlgate_version or "",
        "verdict_schema": "1",
        "failed_metrics": ",".join(failed),
        "ci_run": ci_run or "",
        **dataset_tags(verdict),
    }
    return {TAG_PREFIX + key: value[:_MAX_TAG_VALUE] for key, value in tags.items() if value}


def _with_prefix(metrics: Mapping[str, float], prefix: str | None) -> dict[str, float]:
    if not prefix:
        return dict(metrics)
    return {
        k[len(prefix) :]: v
        for k, v in metrics.items()
        if k.startswith(prefix) and len(k) > len(prefix)
    }


def _commit(run: Any) -> str | None:
    value = run.data.tags.get("mlflow.source.git.commit")
    return str(value) if value else None


def logged_model_in(source: str | None) -> str | None:
    """``models:/m-…`` (a version made from an MLflow 3 LoggedModel) → ``m-…``."""
    match = re.fullmatch(r"models:/(m-[0-9a-f]+)", source or "")
    return match.group(1) if match else None
