"""What mlgate knows about a metric from its name: which direction is better, its range,
and its kind. One catalogue for ``metrics:``, ``monitor.performance:``, slices, the canary
and the reports, so that ``rmse`` is lower-is-better everywhere.

A name is looked up as written, then without a split prefix (``eval_``, ``val_``,
``test_`` …) and without a ``_score`` suffix, then by pattern (``*_loss``, ``*_error``,
``latency*``, ``*_ms``, ``size``). A name none of these match is unknown: its direction has
to be stated (``higher_is_better``) or is shown as assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    PROPORTION = "proportion"  # a share of examples: accuracy, recall, error rate
    MEAN = "mean"  # a mean of per-example terms: log loss, MSE, MAE
    RANK = "rank"  # a ranking quality: ROC AUC, average precision
    RATIO = "ratio"  # a ratio or score of other quantities: F1, R², MAPE
    COST = "cost"  # a resource: latency, size


@dataclass(frozen=True, kw_only=True)
class MetricInfo:
    name: str  # the catalogue's name for it
    higher_is_better: bool
    kind: Kind
    low: float | None = None  # the smallest value it can take
    high: float | None = None  # the largest

    @property
    def direction(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"

    def describe(self) -> str:
        """``lower is better, a mean of per-example terms ≥ 0``."""
        what = {
            Kind.PROPORTION: "a proportion",
            Kind.MEAN: "a mean of per-example terms",
            Kind.RANK: "a ranking score",
            Kind.RATIO: "a ratio",
            Kind.COST: "a cost",
        }[self.kind]
        return f"{self.direction}, {what}{self.range_text()}"

    def range_text(self) -> str:
        if self.low is not None and self.high is not None:
            return f" in [{self.low:g}, {self.high:g}]"
        if self.low is not None:
            return f" ≥ {self.low:g}"
        if self.high is not None:
            return f" ≤ {self.high:g}"
        return ""

    def outside(self, value: float) -> bool:
        return (self.low is not None and value < self.low) or (
            self.high is not None and value > self.high
        )


def _entries() -> dict[str, MetricInfo]:
    up, down = True, False
    table: list[tuple[tuple[str, ...], bool, Kind, float | None, float | None]] = [
        (("accuracy", "acc", "balanced_accuracy", "top_k_accuracy"), up, Kind.PROPORTION, 0, 1),
        (
            ("precision", "recall", "sensitivity", "specificity", "tpr", "tnr"),
            up,
            Kind.PROPORTION,
            0,
            1,
        ),
        (("precision_macro", "precision_micro", "precision_weighted"), up, Kind.PROPORTION, 0, 1),
        (("recall_macro", "recall_micro", "recall_weighted"), up, Kind.PROPORTION, 0, 1),
        (("error_rate", "misclassification_rate", "fpr", "fnr"), down, Kind.PROPORTION, 0, 1),
        (("f1", "f1_macro", "f1_micro", "f1_weighted", "fbeta", "f2"), up, Kind.RATIO, 0, 1),
        (
            ("roc_auc", "auc", "pr_auc", "average_precision", "precision_recall_auc"),
            up,
            Kind.RANK,
            0,
            1,
        ),
        (("roc_auc_ovr", "roc_auc_ovo", "roc_auc_macro", "gini"), up, Kind.RANK, -1, 1),
        (("mcc", "matthews_corrcoef", "cohen_kappa", "kappa"), up, Kind.RATIO, -1, 1),
        (("r2", "explained_variance", "d2_absolute_error"), up, Kind.RATIO, None, 1),
        (
            ("log_loss", "logloss", "cross_entropy", "brier", "brier_score"),
            down,
            Kind.MEAN,
            0,
            None,
        ),
        (
            ("mse", "mean_squared_error", "rmse", "root_mean_squared_error"),
            down,
            Kind.MEAN,
            0,
            None,
        ),
        (
            ("mae", "mean_absolute_error", "median_absolute_error", "max_error"),
            down,
            Kind.MEAN,
            0,
            None,
        ),
        (
            ("msle", "mean_squared_log_error", "rmsle", "root_mean_squared_log_error"),
            down,
            Kind.MEAN,
            0,
            None,
        ),
        (("mape", "mean_absolute_percentage_error", "smape", "wape"), down, Kind.RATIO, 0, None),
        (("hinge_loss", "zero_one_loss", "hamming_loss"), down, Kind.MEAN, 0, None),
        (
            ("mean_poisson_deviance", "mean_gamma_deviance", "mean_tweedie_deviance"),
            down,
            Kind.MEAN,
            0,
            None,
        ),
        (("latency", "p50_latency", "p95_latency", "p99_latency"), down, Kind.COST, 0, None),
        (("model_size", "size"), down, Kind.COST, 0, None),
    ]
    out: dict[str, MetricInfo] = {}
    for names, higher, kind, low, high in table:
        for name in names:
            out[name] = MetricInfo(
                name=name,
                higher_is_better=higher,
                kind=kind,
                low=None if low is None else float(low),
                high=None if high is None else float(high),
            )
    return out


_KNOWN = _entries()
# Split or stage prefixes that name where a metric was measured, not what it is.
_PREFIXES = ("eval_", "evaluation_", "val_", "valid_", "validation_", "test_", "holdout_",
             "train_", "training_", "live_", "offline_", "online_")  # fmt: skip
_UNITS = ("_ms", "_us", "_seconds", "_sec", "_s", "_kb", "_mb", "_gb", "_bytes")


def lookup(name: str) -> MetricInfo | None:
    """The catalogue's entry for ``name``, or None when the name is unknown."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    for candidate in _spellings(key):
        if candidate in _KNOWN:
            return _KNOWN[candidate]
    return _pattern(key)


# What mlgate computes from predictions, under the name it computes it; other spellings of
# the same metric map onto these.
COMPUTED = frozenset(
    {"accuracy", "precision", "recall", "f1", "precision_macro", "recall_macro", "f1_macro",
     "precision_micro", "recall_micro", "f1_micro", "roc_auc", "log_loss", "mae", "rmse", "r2"}
)  # fmt: skip
_SYNONYMS = {
    "acc": "accuracy",
    "auc": "roc_auc",
    "logloss": "log_loss",
    "cross_entropy": "log_loss",
    "mean_absolute_error": "mae",
    "root_mean_squared_error": "rmse",
}


def computed_name(name: str) -> str | None:
    """The name mlgate computes ``name`` under from predictions (``eval_rmse`` → ``rmse``,
    ``accuracy_score`` → ``accuracy``), or None when it does not compute it."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    for candidate in _spellings(key):
        found = _SYNONYMS.get(candidate, candidate)
        if found in COMPUTED:
            return found
    return None


def _spellings(key: str) -> list[str]:
    out = [key]
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            out.append(key[len(prefix) :])
    for found in list(out):
        if found.endswith("_score"):
            out.append(found[: -len("_score")])
    return out


def _pattern(key: str) -> MetricInfo | None:
    tokens = key.split("_")
    if key.endswith("_loss") or key == "loss" or key.endswith("_error") or key == "error":
        return MetricInfo(name=key, higher_is_better=False, kind=Kind.MEAN)
    if "latency" in tokens or key.startswith("latency") or key.endswith(_UNITS[:5]):
        return MetricInfo(name=key, higher_is_better=False, kind=Kind.COST, low=0.0)
    if "size" in tokens:
        return MetricInfo(name=key, higher_is_better=False, kind=Kind.COST, low=0.0)
    return None


def higher_is_better(name: str) -> bool:
    """The direction the reports assume for a metric with no rule: the catalogue's, else
    higher-is-better."""
    info = lookup(name)
    return True if info is None else info.higher_is_better


def lower_is_better(name: str) -> bool:
    return not higher_is_better(name)
