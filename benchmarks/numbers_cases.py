"""Right and wrong decisions on the cases of "the numbers mean what they say": metric
directions, whole-number regression, monitoring's task, intervals at the edges, lost
classes — each a scikit-learn model on scikit-learn's own data (diabetes, wine, an
imbalanced three-class problem), decided by the `mlgate` CLI in a subprocess.

Each row says what the right decision is, what mlgate did (exit code and status) and
whether that is right. The subprocess runs whatever `mlgate` package is first on
PYTHONPATH, so the same script measures an older checkout side by side:

    .venv/bin/python benchmarks/numbers_cases.py
    PYTHONPATH=/path/to/old/src .venv/bin/python benchmarks/numbers_cases.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

Case = Callable[[Path], tuple[int, str]]


def mlgate(folder: Path, *args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "mlgate", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    first = (done.stderr or done.stdout).strip().splitlines()
    return done.returncode, first[0][:90] if first else ""


def diabetes() -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    data = load_diabetes(as_frame=True).frame
    return train_test_split(data, test_size=0.3, random_state=0)


def regression_predictions(folder: Path, *, dummy: bool, name: str, seed: int = 0) -> float:
    from sklearn.dummy import DummyRegressor
    from sklearn.linear_model import Ridge

    train, test = diabetes()
    features = [c for c in train.columns if c != "target"]
    train = train.sample(frac=0.9, random_state=seed)
    model = (DummyRegressor() if dummy else Ridge(alpha=0.1)).fit(train[features], train["target"])
    predicted = model.predict(test[features])
    pd.DataFrame({"id": test.index, "label": test["target"], "prediction": predicted}).to_csv(
        folder / name, index=False
    )
    return float(np.sqrt(np.mean((predicted - test["target"]) ** 2)))


def metrics_files(folder: Path, rule: str, name: str = "rmse") -> tuple[int, str]:
    ridge = regression_predictions(folder, dummy=False, name="p.csv")
    dummy = regression_predictions(folder, dummy=True, name="c.csv")
    (folder / "mlgate.yml").write_text(f"model: diabetes\nmetrics:\n  {name}: {rule}\n")
    (folder / "prod.json").write_text(json.dumps({"metrics": {name: ridge}}))
    (folder / "cand.json").write_text(json.dumps({"metrics": {name: dummy}}))
    return mlgate(folder, "compare", "--candidate", "cand.json", "--baseline", "prod.json")


def predictions(folder: Path, rules: str, *, dummy: bool) -> tuple[int, str]:
    regression_predictions(folder, dummy=False, name="p.csv")
    regression_predictions(folder, dummy=dummy, name="c.csv", seed=1)
    (folder / "mlgate.yml").write_text(f"model: diabetes\nmetrics:\n{rules}")
    return mlgate(
        folder, "compare", "--candidate-predictions", "c.csv", "--baseline-predictions", "p.csv"
    )


def identical_54(folder: Path) -> tuple[int, str]:
    lines = ["id,label,prediction"] + [f"{i},{i % 3},{i % 3}" for i in range(54)]
    for side in ("c.csv", "p.csv"):
        (folder / side).write_text("\n".join(lines) + "\n")
    (folder / "mlgate.yml").write_text(
        "model: wine\nmetrics:\n  accuracy: {max_drop: 0.02}\n"
        "significance: {mode: non_inferiority}\n"
    )
    return mlgate(
        folder, "compare", "--candidate-predictions", "c.csv", "--baseline-predictions", "p.csv"
    )


def classifiers(folder: Path, *, drop_class: bool, extra_class: bool = False) -> tuple[int, str]:
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    x, y = make_classification(
        n_samples=300, n_classes=3, n_informative=5, weights=[0.5, 0.25, 0.25], random_state=0
    )
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.33, random_state=0)
    production = LogisticRegression(max_iter=1000).fit(x_train, y_train)
    labels = np.where(y_train == 2, 0, y_train) if drop_class else y_train
    candidate = LogisticRegression(max_iter=1000, C=0.5).fit(x_train, labels)
    for side, model in (("c.csv", candidate), ("p.csv", production)):
        predicted = model.predict(x_test)
        if extra_class and side == "c.csv":
            predicted[:2] = 7  # a class no example of this small test set has
        pd.DataFrame({"id": range(len(y_test)), "label": y_test, "prediction": predicted}).to_csv(
            folder / side, index=False
        )
    (folder / "mlgate.yml").write_text(
        "model: three\nmetrics:\n  accuracy: {max_drop: 0.2}\n  f1_macro: {max_drop: 0.5}\n"
    )
    return mlgate(
        folder, "compare", "--candidate-predictions", "c.csv", "--baseline-predictions", "p.csv"
    )


def monitor(folder: Path, rules: str, *, noise: float) -> tuple[int, str]:
    rng = np.random.default_rng(0)
    for name, spread in (("reference.csv", 55.0), ("outcomes.csv", noise)):
        truth = rng.integers(25, 346, 400)
        predicted = truth + rng.normal(0, spread, 400)
        pd.DataFrame({"id": range(400), "label": truth, "prediction": predicted.round(3)}).to_csv(
            folder / name, index=False
        )
    (folder / "mlgate.yml").write_text(
        f"model: diabetes\nmonitor:\n  fail: true\n  performance:\n{rules}"
    )
    return mlgate(
        folder,
        "monitor",
        "--outcomes",
        "outcomes.csv",
        "--performance-reference",
        "reference.csv",
        "--platform",
        "local",
    )


# (case, right decision, the exit codes that are right, how to run it)
CASES: list[tuple[str, str, tuple[int, ...], Case]] = [
    (
        "rmse {max_drop: 3}, 55 → 71 (metrics files)",
        "not a pass",
        (1, 2),
        lambda f: metrics_files(f, "{max_drop: 3}"),
    ),
    ("rmse {max_rise: 3}, 55 → 71", "fail", (1,), lambda f: metrics_files(f, "{max_rise: 3}")),
    (
        "root_mean_squared_error {max_drop: 3}, 55 → 71",
        "not a pass",
        (1, 2),
        lambda f: metrics_files(f, "{max_drop: 3}", name="root_mean_squared_error"),
    ),
    (
        "diabetes predictions, Dummy vs Ridge, rmse {max_rise: 3}",
        "fail",
        (1,),
        lambda f: predictions(f, "  rmse: {max_rise: 3}\n", dummy=True),
    ),
    (
        "diabetes predictions, Ridge retrained vs Ridge",
        "pass",
        (0,),
        lambda f: predictions(f, "  rmse: {max_rise: 3}\n", dummy=False),
    ),
    (
        "54 of 54 right on both, non_inferiority 0.02",
        "not a pass",
        (1,),
        identical_54,
    ),
    (
        "a candidate that never predicts class 2, loose rules",
        "fail",
        (1,),
        lambda f: classifiers(f, drop_class=True),
    ),
    (
        "a predicted class absent from a small test set",
        "scored (0 or 1)",
        (0, 1),
        lambda f: classifiers(f, drop_class=False, extra_class=True),
    ),
    (
        "monitor: live RMSE 55 → 80, rmse {max_rise: 5}",
        "degraded (exit 1)",
        (1,),
        lambda f: monitor(f, "    rmse: {max_rise: 5}\n", noise=80.0),
    ),
    (
        "monitor: only roc_auc on a regression",
        "not 'no degradation'",
        (2,),
        lambda f: monitor(f, "    roc_auc: {max_drop: 0.01}\n", noise=55.0),
    ),
]


def main() -> None:
    started = time.perf_counter()
    rows = []
    for case, right, good, run in CASES:
        with tempfile.TemporaryDirectory(prefix="mlgate-cases-") as folder:
            code, said = run(Path(folder))
        rows.append((case, right, f"exit {code}", "right" if code in good else "WRONG", said))
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'right decision':<22}  got     {'':<5}  first line")
    for case, right, got, verdict, said in rows:
        print(f"{case:<{width}}  {right:<22}  {got:<6}  {verdict:<5}  {said}")
    right_count = sum(1 for r in rows if r[3] == "right")
    print(f"\n{right_count} of {len(rows)} right in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
