"""Locating evaluation data and naming it: md5 digests, DVC records read without DVC,
dvc:// locations, and MLflow dataset sources."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mlgate.adapters.run_datasets import source_uri
from mlgate.core.dataset import Dataset
from mlgate.errors import InputError, UsageError
from mlgate.evaluate.data import dvc_recorded_md5, from_source, locate, md5_of, parse_dvc_uri


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # where the search for dvc.lock stops
    path = tmp_path / "data" / "eval.csv"
    path.parent.mkdir()
    path.write_bytes(b"a,label\n1,0\n2,1\n" * 1000)
    return path


def test_md5_is_the_files_md5_read_in_chunks(data: Path) -> None:
    assert md5_of(data) == hashlib.md5(data.read_bytes()).hexdigest()


def test_a_local_file_is_named_by_its_md5_relative_to_the_working_folder(data: Path) -> None:
    found = locate(str(data), name=None, workdir=data.parent, what="evaluation.data")
    assert found.dataset == Dataset(
        name="eval.csv", digest=md5_of(data), source="data/eval.csv", origin="file"
    )
    assert found.fetch() == data
    assert found.notes == ()
    named = locate(str(data), name="eval-2026-11", workdir=data.parent, what="evaluation.data")
    assert named.dataset.name == "eval-2026-11"


@pytest.mark.parametrize(
    ("record", "content"),
    [
        ("data/eval.csv.dvc", "outs:\n- md5: {md5}\n  size: 10\n  hash: md5\n  path: eval.csv\n"),
        (
            "dvc.lock",
            "schema: '2.0'\nstages:\n  split:\n    cmd: python split.py\n    outs:\n"
            "    - path: data/other.csv\n      md5: 00\n    - path: data/eval.csv\n"
            "      md5: {md5}\n",
        ),
    ],
)
def test_a_dvc_record_vouches_for_the_file_or_is_reported_when_stale(
    data: Path, record: str, content: str
) -> None:
    where = data.parents[1] / record
    where.write_text(content.format(md5=md5_of(data)))
    assert dvc_recorded_md5(data) == (where, md5_of(data))
    found = locate(str(data), name=None, workdir=data.parent, what="evaluation.data")
    assert found.dataset.origin == "dvc"

    where.write_text(content.format(md5="f" * 32))
    stale = locate(str(data), name=None, workdir=data.parent, what="evaluation.data")
    assert stale.dataset.origin == "file"
    assert stale.dataset.digest == md5_of(data)  # the bytes that were used
    assert stale.notes == (
        f"{data} differs from its DVC record in {where} (md5 ffffffff, the file "
        f"{md5_of(data)[:8]}): the bytes on disk were used; run `dvc pull` or `dvc commit`",
    )


@pytest.mark.parametrize(
    "content",
    [
        "outs:\n- md5: abc.dir\n  path: eval.csv\n",  # a folder's md5
        "outs:\n- path: eval.csv\n",  # no md5
        "outs: [1, 2]\n",
        "- not a mapping\n",
        "outs:\n- md5: {{{\n",  # not YAML
    ],
)
def test_records_that_say_nothing_about_the_file_are_ignored(data: Path, content: str) -> None:
    (data.parent / "eval.csv.dvc").write_text(content)
    assert dvc_recorded_md5(data) is None


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("dvc://data/eval.csv@v2", ("data/eval.csv", "v2")),
        ("dvc://data/eval.csv", ("data/eval.csv", None)),
        ("dvc:///data/e@x.csv@main", ("data/e@x.csv", "main")),
        ("dvc://data/eval.csv@", ("data/eval.csv", None)),
    ],
)
def test_dvc_uris(spec: str, expected: tuple[str, str | None]) -> None:
    assert parse_dvc_uri(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [("dvc://@v1", "expected dvc://PATH@REV"), ("dvc://a.csv@-x", "cannot start with '-'")],
)
def test_bad_dvc_uris(spec: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_dvc_uri(spec)


def test_missing_files_and_folders_are_input_errors(data: Path) -> None:
    with pytest.raises(InputError, match=r"^evaluation.data: .*nope.csv not found$"):
        locate(str(data.parent / "nope.csv"), name=None, workdir=data, what="evaluation.data")
    with pytest.raises(InputError, match="is a folder; give the evaluation data file"):
        locate(str(data.parent), name=None, workdir=data, what="evaluation.data")


def test_dvc_locations_need_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(UsageError, match="dvc:// data needs a git repository"):
        locate("dvc://eval.csv@v1", name=None, workdir=tmp_path, what="evaluation.data")


@pytest.mark.parametrize(
    ("raw", "uri"),
    [
        ('{"uri": "s3://bucket/eval.parquet"}', "s3://bucket/eval.parquet"),
        ('{"path": "data/eval.csv"}', "data/eval.csv"),
        ('{"url": "https://example.invalid/e.csv"}', "https://example.invalid/e.csv"),
        (
            '{"tags": {"mlflow.source.name": "train.py"}}',
            '{"tags": {"mlflow.source.name": "train.py"}}',
        ),
        ("not json", "not json"),
    ],
)
def test_mlflow_sources(raw: str, uri: str) -> None:
    assert source_uri(raw) == uri


def test_a_source_is_read_when_reachable_and_kept_as_the_logged_identity(data: Path) -> None:
    logged = Dataset(name="eval", digest="mlflowdigest", source=str(data), origin="mlflow")
    found = from_source(logged, workdir=data.parent, what="dataset eval")
    assert found is not None
    assert found.dataset == logged  # MLflow's digest stays the identity
    assert found.fetch() == data
    for source in ("s3://bucket/eval.csv", str(data.parent / "gone.csv"), None):
        other = Dataset(name="eval", digest="d", source=source, origin="mlflow")
        assert from_source(other, workdir=data.parent, what="dataset eval") is None
