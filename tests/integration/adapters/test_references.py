"""The drift reference adapter against a real MLflow server, where it can go wrong: a model
or alias that is not there, a version with no run to keep the sample with, a reference tag
someone edited into something that is not a runs:/ URI, and an evaluation-data source
that cannot be downloaded — each an input error naming the version, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient
from registry_helpers import log_run, register

from mlgate.adapters.references import REFERENCE_TAG, References
from mlgate.adapters.registry import Registry
from mlgate.adapters.run_datasets import download
from mlgate.core.refs import AliasRef, VersionRef
from mlgate.errors import InputError
from mlgate.files.tables import write_sample


@pytest.fixture
def references(mlflow_server: str) -> References:
    return References(Registry(tracking_uri=mlflow_server))


@pytest.fixture
def sample(tmp_path: Path) -> object:
    table = tmp_path / "train.csv"
    table.write_text("tenure\n" + "".join(f"{i}\n" for i in range(50)), encoding="utf-8")
    return write_sample(table, tmp_path / "sample", rows=20, seed=0)


def test_an_unknown_model_or_version_is_named(
    references: References, model_name: str, tmp_path: Path
) -> None:
    with pytest.raises(
        InputError, match=rf"models:/{model_name}@champion: not found in the registry"
    ):
        references.fetch(AliasRef(name=model_name, alias="champion"), folder=tmp_path)
    with pytest.raises(InputError, match=rf"models:/{model_name}/9: not found in the registry"):
        references.fetch(VersionRef(name=model_name, version="9"), folder=tmp_path)


def test_an_alias_nobody_holds_means_no_production_model(
    references: References, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    register(mlflow_server, log_run(mlflow_server, metrics={"accuracy": 0.9}), model_name)
    with pytest.raises(InputError, match="no version holds @champion"):
        references.fetch(AliasRef(name=model_name, alias="champion"), folder=tmp_path)


def test_a_version_without_a_stored_reference_says_how_to_get_one(
    references: References, mlflow_server: str, model_name: str, tmp_path: Path
) -> None:
    version = register(
        mlflow_server, log_run(mlflow_server, metrics={"a": 1}), model_name, alias="champion"
    )
    with pytest.raises(
        InputError, match=rf"models:/{model_name}/{version} .*has no drift reference"
    ):
        references.fetch(AliasRef(name=model_name, alias="champion"), folder=tmp_path)


@pytest.mark.parametrize(
    "tag", ["s3://elsewhere/reference.parquet", "runs:/not-a-run/x", "../../etc/passwd"]
)
def test_an_edited_reference_tag_is_refused_not_followed(
    references: References, mlflow_server: str, model_name: str, tmp_path: Path, tag: str
) -> None:
    version = register(mlflow_server, log_run(mlflow_server, metrics={"a": 1}), model_name)
    MlflowClient(mlflow_server).set_model_version_tag(model_name, version, REFERENCE_TAG, tag)
    with pytest.raises(InputError, match=rf"tag {REFERENCE_TAG} is not a runs:/ URI"):
        references.fetch(VersionRef(name=model_name, version=version), folder=tmp_path / "dl")
    assert not (tmp_path / "dl").exists(), "nothing was downloaded"


def test_a_version_registered_without_a_run_cannot_keep_a_reference(
    references: References, mlflow_server: str, model_name: str, sample: object
) -> None:
    client = MlflowClient(mlflow_server)
    client.create_registered_model(model_name)
    version = client.create_model_version(model_name, source="s3://models/churn/7").version
    with pytest.raises(InputError, match="has no run to keep the drift reference with"):
        references.store(model=model_name, version=str(version), sample=sample, source="train.csv")  # type: ignore[arg-type]


def test_a_stored_reference_comes_back_with_its_sampling(
    references: References, mlflow_server: str, model_name: str, sample: object, tmp_path: Path
) -> None:
    version = register(
        mlflow_server, log_run(mlflow_server, metrics={"a": 1}), model_name, alias="champion"
    )
    stored = references.store(
        model=model_name, version=version, sample=sample, source="train.csv" * 100
    )  # type: ignore[arg-type]
    tags = MlflowClient(mlflow_server).get_model_version(model_name, version).tags
    assert tags[f"{REFERENCE_TAG}.rows"] == "20 of 50"
    assert len(tags[f"{REFERENCE_TAG}.source"]) == 500, "a long source is cut to the tag's limit"
    fetched = references.fetch(AliasRef(name=model_name, alias="champion"), folder=tmp_path / "dl")
    assert fetched.label == f"models:/{model_name}/{version} (20 of 50 rows sampled)"
    assert fetched.version == version and fetched.path.read_bytes() == sample.path.read_bytes()  # type: ignore[attr-defined]
    assert stored.uri == tags[REFERENCE_TAG]


def test_a_dataset_source_that_cannot_be_downloaded_is_named(
    mlflow_server: str, tmp_path: Path
) -> None:
    logged = log_run(mlflow_server, metrics={"a": 1})
    uri = f"runs:/{logged.run_id}/no/such/eval.csv"
    with pytest.raises(InputError) as raised:
        download(uri, workdir=tmp_path)
    assert str(raised.value).startswith(f"evaluation data {uri}: ")
    assert "\n" not in str(raised.value)
