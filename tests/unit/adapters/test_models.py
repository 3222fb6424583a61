"""Model references as users write them (`--mlgate-candidate`, `mlgate test --candidate`)
resolved to what MLflow loads, and the folder a loaded model came from (size budgets read
it). A reference that cannot be a model is refused with the accepted forms."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlgate.adapters.models import (
    ModelLoadError,
    folder_size,
    load_model,
    resolve_uri,
    run_id_of,
)

RUN = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        (RUN, f"runs:/{RUN}/model"),
        (f"  runs:/{RUN}/model  ", f"runs:/{RUN}/model"),
        (f"runs:/{RUN}", f"runs:/{RUN}/model"),
        ("models:/churn/3", "models:/churn/3"),
        ("models:/churn@champion", "models:/churn@champion"),
        ("s3://bucket/models/churn", "s3://bucket/models/churn"),
        ("mlflow-artifacts:/1/abc/artifacts/model", "mlflow-artifacts:/1/abc/artifacts/model"),
    ],
)
def test_references_resolve_to_loadable_uris(text: str, uri: str) -> None:
    assert resolve_uri(text) == uri


def test_a_folder_resolves_to_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "model").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resolve_uri("model") == str((tmp_path / "model").resolve())


def test_a_bare_alias_needs_the_model_name() -> None:
    assert resolve_uri("champion", model_name="churn", alias_ok=True) == "models:/churn@champion"
    with pytest.raises(ModelLoadError, match="looks like an alias; name the registered model"):
        resolve_uri("champion", alias_ok=True)
    with pytest.raises(ModelLoadError, match="neither a model folder nor a model reference"):
        resolve_uri("champion", model_name="churn")


@pytest.mark.parametrize("text", ["", "   ", "champion\nmodels:/x/1", "no/such/folder", "my model"])
def test_what_cannot_be_a_model_is_refused_with_the_forms(text: str) -> None:
    with pytest.raises(ModelLoadError) as raised:
        resolve_uri(text, model_name="churn", alias_ok=True)
    message = str(raised.value)
    assert "empty" in message or "runs:/RUN_ID/PATH" in message


def test_the_run_is_known_only_when_the_uri_names_it() -> None:
    assert run_id_of(f"runs:/{RUN}/model") == RUN
    assert run_id_of(RUN) == RUN
    assert run_id_of("models:/churn/3") is None
    assert run_id_of("/some/folder") is None


def test_a_folder_that_is_not_a_model_does_not_load(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    (folder / "weights.bin").write_bytes(b"\0" * 10)
    with pytest.raises(ModelLoadError) as raised:
        load_model(str(folder), workdir=tmp_path / "work")
    assert str(raised.value).startswith(f"{folder}: ")
    assert "\n" not in str(raised.value)


def test_an_empty_mlmodel_is_named_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "MLmodel").write_bytes(b"")
    with pytest.raises(ModelLoadError, match="its MLmodel file came down empty"):
        load_model(str(folder), workdir=tmp_path / "work")


def test_a_model_whose_own_loader_fails_is_a_load_error(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "MLmodel").write_text(
        "flavors:\n  python_function:\n    loader_module: no_such_flavor_module_xyz\n"
    )
    with pytest.raises(ModelLoadError) as raised:
        load_model(str(folder), workdir=tmp_path / "work")
    assert str(raised.value).startswith(f"{folder}: cannot be loaded (ModuleNotFoundError: ")
    assert "no_such_flavor_module_xyz" in str(raised.value) and "\n" not in str(raised.value)


def test_a_folder_size_counts_files_largest_first_and_skips_links(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    (folder / "data").mkdir(parents=True)
    (folder / "MLmodel").write_text("x" * 10)
    (folder / "data" / "model.pkl").write_bytes(b"\0" * 1000)
    outside = tmp_path / "huge.bin"
    outside.write_bytes(b"\0" * 100_000)
    os.symlink(outside, folder / "data" / "link.bin")
    total, files = folder_size(folder)
    assert total == 1010
    assert files == [(os.path.join("data", "model.pkl"), 1000), ("MLmodel", 10)]
