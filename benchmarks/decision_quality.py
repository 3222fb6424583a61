"""Decision quality of the three gate modes, by simulation through mlgate's own comparison.

Production has accuracy 0.90; the candidate disagrees with it on 6% of the examples; the
rule is `accuracy: {max_drop: 0.01}`. For evaluation sets of 2,000 and 20,000 examples and
true accuracy changes of 0, −1×, −2× and −4× the tolerance, each mode's blocking rate over
SIMULATIONS sets (the same sets for every mode). Targets for the default mode
(`significant`): no-change candidates blocked at most 3% of the time at any size, and
−4×tolerance regressions blocked at least 95% of the time at 2,000 examples.

The registry route — what `mlgate evaluate` does by default — is run too, on REGISTRY sets of
2,000 examples (no change, and −4× the tolerance): both simulated models' predictions are
logged on their runs with mlgate's helper, in a local sqlite MLflow store, and `evaluate`
decides (evaluation.predictions: auto). Its blocking rates must equal the file route's on the
same sets, decision for decision.

    .venv/bin/python benchmarks/decision_quality.py [--simulations 1000] [--registry 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from mlgate.core.checks import Status
from mlgate.core.columns import ColumnNames
from mlgate.core.compare import GatePolicy, compare
from mlgate.core.metricset import MetricSet
from mlgate.core.rules import MetricRule
from mlgate.core.significance import Mode, Significance
from mlgate.core.stats.estimates import Settings, estimate
from mlgate.core.stats.paired import pair
from mlgate.core.verdict import Identity

BASELINE_ACCURACY = 0.90
DISAGREEMENT = 0.06
TOLERANCE = 0.01
SIZES = (2_000, 20_000)
CHANGES = (0.0, -TOLERANCE, -2 * TOLERANCE, -4 * TOLERANCE)
RULE = MetricRule(name="accuracy", tolerance=TOLERANCE)


def simulate(rng: np.random.Generator, n: int, change: float) -> dict[str, np.ndarray]:
    """Labels, and both models' predictions with the joint outcome fixed by ``change``:
    P(only candidate right) − P(only baseline right) = change, their sum = DISAGREEMENT."""
    only_c = (DISAGREEMENT + change) / 2
    only_b = (DISAGREEMENT - change) / 2
    both = BASELINE_ACCURACY - only_b
    outcome = rng.choice(4, size=n, p=[both, only_c, only_b, 1 - both - only_c - only_b])
    c_right = (outcome == 0) | (outcome == 1)
    b_right = (outcome == 0) | (outcome == 2)
    labels = rng.integers(0, 2, n)
    return {
        "labels": labels,
        "candidate": np.where(c_right, labels, 1 - labels),
        "baseline": np.where(b_right, labels, 1 - labels),
    }


def blocked(data: dict[str, np.ndarray], seed: int) -> dict[Mode, bool]:
    """The file route: the predictions paired and judged by mlgate's core."""
    ids = np.arange(len(data["labels"]))
    paired = pair(
        {"id": ids, "label": data["labels"], "prediction": data["candidate"]},
        {"id": ids, "label": data["labels"], "prediction": data["baseline"]},
        names=ColumnNames(task="binary"),
    )
    found = estimate(paired, Settings(seed=seed), only=frozenset({"accuracy"}))["accuracy"]
    out = {}
    for mode in Mode:
        verdict = compare(
            candidate=MetricSet(
                identity=Identity(label="c"), metrics={"accuracy": found.candidate}
            ),
            baseline=MetricSet(identity=Identity(label="b"), metrics={"accuracy": found.baseline}),
            policy=GatePolicy(model="m", rules=(RULE,), significance=Significance(mode=mode)),
            intervals={"accuracy": found.interval},
        )
        out[mode] = verdict.metrics[0].status is Status.FAIL
    return out


class RegistryRoute:
    """`mlgate evaluate` on runs that logged their predictions, in a local sqlite store."""

    def __init__(self, folder: Path) -> None:
        from mlgate.adapters.registry import Registry, quiet_mlflow
        from mlgate.files.config import load_config

        quiet_mlflow()
        self.folder = folder
        self.uri = f"sqlite:///{folder / 'mlflow.db'}"
        self.registry = Registry(tracking_uri=self.uri)
        config = folder / "mlgate.yml"
        config.write_text(
            "model: sim\nmetric_prefix: eval_\nmetrics:\n  accuracy: {max_drop: 0.01}\n"
            "significance: {mode: significant, seed: 0}\n",
            encoding="utf-8",
        )
        self.config = load_config(config)
        self.count = 0
        import mlflow

        mlflow.set_tracking_uri(self.uri)
        # Artifacts in the temporary folder too (a sqlite store's default is ./mlruns).
        self.experiment = mlflow.create_experiment("sim", artifact_location=folder.as_uri())

    def run(self, labels: np.ndarray, predicted: np.ndarray) -> str:
        import mlflow

        from mlgate.core.dataset import Dataset
        from mlgate.evaluate.logged import keep_predictions, prediction_columns

        mlflow.set_tracking_uri(self.uri)
        with mlflow.start_run(experiment_id=self.experiment) as run:
            mlflow.log_metric("eval_accuracy", float(np.mean(labels == predicted)))
            # A logged model's descriptor: the gate checks a candidate is a model before
            # judging it; the simulation's numbers come from the logged predictions.
            mlflow.log_text(SIMULATED_MLMODEL, "model/MLmodel")
        run_id = run.info.run_id
        # Both sides were evaluated on this set: the same (simulated) dataset digest.
        dataset = Dataset(name="sim", digest=f"{self.count:032x}", origin="file")
        self.registry.log_dataset(run_id, dataset)
        ids = np.arange(len(labels))
        columns = prediction_columns(ids, labels, predictions=predicted, scores=None, slices=None)
        keep_predictions(columns, run_id=run_id, registry=self.registry, dataset=dataset)
        return run_id

    def blocked(self, data: dict[str, np.ndarray]) -> bool:
        from mlgate.core.refs import RunRef
        from mlgate.evaluate.outputs import ReportOptions
        from mlgate.evaluate.registry import EvaluateRequest, evaluate

        self.count += 1
        production = self.run(data["labels"], data["baseline"])
        version = self.registry.candidate(
            RunRef(run_id=production), model="sim", register=True, prefix=None
        ).version
        assert version is not None
        self.registry.set_alias(model="sim", alias="champion", version=version)
        candidate = self.run(data["labels"], data["candidate"])
        result = evaluate(
            EvaluateRequest(
                tracking_uri=self.uri,
                model="sim",
                candidate=candidate,
                baseline_alias="champion",
                metric_prefix="eval_",
                record=False,
            ),
            config=self.config,
            verdict_path=self.folder / "verdict.json",
            report_path=self.folder / "report.md",
            options=ReportOptions(max_chars=65_536),
        )
        assert result.verdict.evidence is not None
        assert result.verdict.evidence.source.value == "logged_predictions"
        return result.verdict.metrics[0].status is Status.FAIL


SIMULATED_MLMODEL = "artifact_path: model\nflavors:\n  python_function: {loader_module: sim}\n"


def registry_rates(rng: np.random.Generator, count: int) -> list[tuple[float, float, float, int]]:
    """(change, registry rate, file rate, decisions that differ) for no change and −4×."""
    out = []
    with tempfile.TemporaryDirectory(prefix="mlgate-bench-") as folder:
        route = RegistryRoute(Path(folder))
        for change in (0.0, -4 * TOLERANCE):
            via_registry = via_files = differ = 0
            for _ in range(count):
                data = simulate(rng, 2_000, change)
                ours = route.blocked(data)
                theirs = blocked(data, seed=0)[Mode.SIGNIFICANT]
                via_registry += ours
                via_files += theirs
                differ += ours != theirs
            out.append((change, via_registry / count, via_files / count, differ))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulations", type=int, default=1000)
    parser.add_argument("--registry", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    started = time.perf_counter()
    rates: dict[tuple[int, float, Mode], float] = {}
    for n in SIZES:
        for change in CHANGES:
            counts = dict.fromkeys(Mode, 0)
            for i in range(args.simulations):
                for mode, was_blocked in blocked(simulate(rng, n, change), seed=i).items():
                    counts[mode] += was_blocked
            for mode in Mode:
                rates[(n, change, mode)] = counts[mode] / args.simulations
    seconds = time.perf_counter() - started
    print(
        f"## How often each mode blocks ({args.simulations:,} simulated evaluation sets per "
        f"row; accuracy {BASELINE_ACCURACY}, {DISAGREEMENT:.0%} disagreement, "
        f"max_drop {TOLERANCE})\n"
    )
    print("| examples | true change | point | significant (default) | non_inferiority |")
    print("|---:|---:|---:|---:|---:|")
    for n in SIZES:
        for change in CHANGES:
            cells = " | ".join(f"{rates[(n, change, mode)]:.1%}" for mode in Mode)
            print(f"| {n:,} | {change:+.2f} | {cells} |")
    print()
    worst_false = max(rates[(n, 0.0, Mode.SIGNIFICANT)] for n in SIZES)
    caught = rates[(2_000, -4 * TOLERANCE, Mode.SIGNIFICANT)]
    print(
        f"- {'meets' if worst_false <= 0.03 else 'MISSES'}: no-change candidates blocked "
        f"at most 3% (worst {worst_false:.1%})"
    )
    print(
        f"- {'meets' if caught >= 0.95 else 'MISSES'}: −4×tolerance blocked at least 95% "
        f"at 2,000 examples ({caught:.1%})"
    )
    print(f"\n{len(SIZES) * len(CHANGES) * args.simulations:,} simulations in {seconds:.0f} s.")
    if args.registry:
        started = time.perf_counter()
        found = registry_rates(rng, args.registry)
        seconds = time.perf_counter() - started
        print(
            f"\n## The registry route (`mlgate evaluate`, logged predictions, "
            f"{args.registry:,} sets of 2,000 examples per row)\n"
        )
        print("| true change | registry route blocks | file route blocks | decisions that differ |")
        print("|---:|---:|---:|---:|")
        for change, ours, theirs, differ in found:
            print(f"| {change:+.2f} | {ours:.1%} | {theirs:.1%} | {differ} |")
        same = all(differ == 0 for *_, differ in found)
        print(
            f"\n- {'meets' if same else 'MISSES'}: the registry route decides as the file route "
            f"on every set ({2 * args.registry} evaluations in {seconds:.0f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
