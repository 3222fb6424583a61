"""Decision quality of the three gate modes, by simulation through mlgate's own comparison.

Production has accuracy 0.90; the candidate disagrees with it on 6% of the examples; the
rule is `accuracy: {max_drop: 0.01}`. For evaluation sets of 2,000 and 20,000 examples and
true accuracy changes of 0, −1×, −2× and −4× the tolerance, each mode's blocking rate over
SIMULATIONS sets (the same sets for every mode). Targets for the default mode
(`significant`): no-change candidates blocked at most 3% of the time at any size, and
−4×tolerance regressions blocked at least 95% of the time at 2,000 examples.

    .venv/bin/python benchmarks/decision_quality.py [--simulations 1000]
"""

from __future__ import annotations

import argparse
import sys
import time

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulations", type=int, default=1000)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
