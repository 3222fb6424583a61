"""Both sides put together: production re-scored on its own training data is said."""

from __future__ import annotations

from mlgate.core.checks import Status
from mlgate.core.dataset import Dataset
from mlgate.core.provenance import EvaluationSettings, judge_data
from mlgate.core.verdict import Identity
from mlgate.evaluate.sides import trained_on_check

EVAL = Dataset(name="holdout", digest="ab" * 16, origin="mlflow")
TRAIN = Dataset(name="train", digest="cd" * 16, origin="mlflow")


def test_rescoring_production_on_its_training_data_warns() -> None:
    rescored = judge_data(
        candidate=EVAL, baseline=None, settings=EvaluationSettings(), rescored=("rmse",)
    )
    production = Identity(label="models:/m/1", trained_on=Dataset(name="same", digest="ab" * 16))
    (check,) = trained_on_check(rescored, production)
    assert check.name == "training data" and check.status is Status.WARN
    assert check.summary.startswith("production was re-scored on holdout (digest abababab), which")
    assert trained_on_check(rescored, Identity(label="p", trained_on=TRAIN)) == []
    assert trained_on_check(rescored, Identity(label="p")) == []
    same = judge_data(candidate=EVAL, baseline=EVAL, settings=EvaluationSettings())
    assert trained_on_check(same, production) == []


def test_identity_keeps_the_training_data_through_json() -> None:
    identity = Identity(label="p", trained_on=TRAIN)
    assert Identity.from_dict(identity.to_dict()) == identity
    assert "trained_on" not in Identity(label="p").to_dict()
