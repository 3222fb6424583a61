"""evaluation.engine: spark — two real scikit-learn models (MLflow pyfunc folders) scored on
the same rows of a Parquet table in one Spark job: the predictions are the in-memory
scorer's, so the accuracy interval is the in-memory route's to the last bit and log loss's
Poisson interval is within Monte Carlo error of it; a model that does not load is exit 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mlgate.files.config import load_config

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]
ROWS = 30_000


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    import mlflow.sklearn
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    folder = tmp_path_factory.mktemp("spark-models")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(ROWS, 4))
    y = (x @ [1.0, -0.7, 0.4, 0.0] + rng.normal(0, 1.0, ROWS) > 0).astype(int)
    frame = pd.DataFrame(x, columns=["a", "b", "c", "d"]).assign(label=y)
    frame.to_parquet(folder / "eval.parquet")
    train = frame.sample(5_000, random_state=1)
    for name, columns in (("candidate", ["a", "b", "c", "d"]), ("production", ["a", "b", "d"])):
        model = LogisticRegression().fit(train[["a", "b", "c", "d"]].assign(
            **{c: 0.0 for c in "abcd" if c not in columns}), train["label"])  # fmt: skip
        mlflow.sklearn.save_model(model, folder / name)
    return folder / "candidate", folder / "production", frame


def test_both_models_scored_on_spark_pair_as_in_memory(
    spark: Any, models: tuple[Path, Path, Any], tmp_path: Path
) -> None:
    from mlgate.adapters.scoring import score
    from mlgate.evaluate.predictions import paired_metrics
    from mlgate.evaluate.scoring import Model, scored_names
    from mlgate.evaluate.spark_scoring import score_on_spark

    candidate, production, frame = models
    data = candidate.parent / "eval.parquet"
    (tmp_path / "mlgate.yml").write_text(f"evaluation:\n  engine: spark\n  data: {data}\n")
    config = load_config(tmp_path / "mlgate.yml")
    found = score_on_spark((Model(uri=str(candidate)), Model(uri=str(production))), config=config)
    assert found.rows == ROWS and found.predicted.examples == ROWS
    assert found.dataset.name == str(data)
    names = scored_names(config)
    local = paired_metrics(
        *(
            score(str(m), frame, label="label", names=names, keep=(), workdir=tmp_path / m.name)
            for m in (candidate, production)
        ),
        config=config,
        sources=("c", "b"),
        names=names,
    )
    ours = found.predicted.estimates
    assert ours["accuracy"].interval == local.estimates["accuracy"].interval
    assert ours["accuracy"].candidate == local.estimates["accuracy"].candidate
    a, b = local.estimates["log_loss"], ours["log_loss"]
    assert b.candidate == pytest.approx(a.candidate, rel=1e-9)
    half = (a.interval.high - a.interval.low) / 2
    assert abs(b.interval.low - a.interval.low) <= half / 5
    assert abs(b.interval.high - a.interval.high) <= half / 5
    assert "roc_auc" in ours and ours["roc_auc"].delta > 0  # the candidate sees feature c


def test_a_model_that_does_not_load_is_exit_2(
    spark: Any, models: tuple[Path, Path, Any], tmp_path: Path
) -> None:
    from mlgate.errors import InputError
    from mlgate.evaluate.scoring import Model
    from mlgate.evaluate.spark_scoring import score_on_spark

    candidate, _, _ = models
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "MLmodel").write_text("flavors: {}\n")
    (tmp_path / "mlgate.yml").write_text(
        f"evaluation:\n  engine: spark\n  data: {candidate.parent / 'eval.parquet'}\n"
    )
    with pytest.raises(InputError, match="cannot load"):
        score_on_spark((Model(uri=str(candidate)), Model(uri=str(broken))),
                       config=load_config(tmp_path / "mlgate.yml"))  # fmt: skip
