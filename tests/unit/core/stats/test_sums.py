"""Live outcomes as sums: what partitions add up to is what the examples give — the same
Summary as live.summarise, ROC AUC within its stated binning bound."""

from __future__ import annotations

import numpy as np
import pytest

from mlgate.core.stats.live import Sample, summarise, summarise_sums
from mlgate.core.stats.sums import Moments, auc_error, sums_of


def sample(n: int, seed: int, *, regression: bool = False) -> Sample:
    rng = np.random.default_rng(seed)
    if regression:
        labels = rng.gamma(2.0, 10.0, n)
        return Sample(task="regression", classes=(), labels=labels,
                      predicted=labels + rng.normal(0, 3, n))  # fmt: skip
    labels = (rng.random(n) < 0.4).astype(np.int64)
    scores = 1 / (1 + np.exp(-(labels * 2 - 1 + rng.normal(0, 1, n))))
    return Sample(task="binary", classes=("0", "1"), labels=labels,
                  predicted=(scores >= 0.5).astype(np.int64), scores=scores)  # fmt: skip


def added(whole: Sample, cuts: int = 3) -> object:
    parts = [sums_of(whole.subset(np.arange(whole.n) % cuts == i)) for i in range(cuts)]
    for part in parts[1:]:
        parts[0].add(part)
    return parts[0]


def test_moments_of_parts_add_up_to_the_whole() -> None:
    rng = np.random.default_rng(0)
    columns = rng.normal(1000, 5, (900, 3))
    total = Moments.of(columns[:200])
    total.add(Moments.of(columns[200:]))
    whole = Moments.of(columns)
    assert total.n == whole.n
    assert np.allclose(total.mean, whole.mean) and np.allclose(total.cross, whole.cross)


@pytest.mark.parametrize("regression", [False, True])
def test_summarised_sums_equal_the_summarised_examples(regression: bool) -> None:
    whole = sample(4_000, 1, regression=regression)
    names = ("accuracy", "f1", "roc_auc", "log_loss", "mae", "rmse", "r2")
    ours = summarise_sums(added(whole), names=names, resamples=200, rng=np.random.default_rng(5))
    theirs = summarise(whole, names=names, resamples=200, rng=np.random.default_rng(5))
    assert ours.proportions == theirs.proportions
    assert ours.draws.keys() == theirs.draws.keys()
    for name in ours.draws:
        assert np.array_equal(ours.draws[name], theirs.draws[name])
    bound = 0.0 if regression else auc_error(added(whole).positives, added(whole).negatives)
    for name, value in theirs.values.items():
        slack = bound if name == "roc_auc" else 0.0
        assert ours.values[name] == pytest.approx(value, rel=1e-9, abs=slack), name
    for name, value in theirs.variances.items():
        assert ours.variances[name] == pytest.approx(value, rel=0.02), name
