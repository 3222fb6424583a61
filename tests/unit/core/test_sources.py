"""Which names only Spark reads, and how configured data paths resolve."""

from __future__ import annotations

import pytest

from mlgate.core.sources import is_spark_source, relative_to


@pytest.mark.parametrize(
    "text",
    [
        "table:prod.features.served",
        "s3a://lake/served/",
        "abfss://c@a.dfs.core.windows.net/t",
        "gs://bucket/x.parquet",
        "data/day=*/part-*.parquet",
        "delta:/lake/events",
        "parquet:relative/folder",
    ],
)
def test_spark_sources(text: str) -> None:
    assert is_spark_source(text)
    assert relative_to("/project", text) == text  # never joined to mlgate.yml's folder


@pytest.mark.parametrize("text", ["data/served.parquet", "served.csv", "C:data.csv", "a b.csv"])
def test_local_files(text: str) -> None:
    assert not is_spark_source(text)
    assert relative_to("/project", text) == f"/project/{text}"
