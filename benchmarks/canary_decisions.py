"""Canary decision quality against the anchors' rules, on the same simulated traffic.

A canary serves 10% of the requests (the stable version 90%) for ten one-minute checks.
Requests fail with probability 1% (stable) and take log-normal latencies (median 80 ms),
counted into Prometheus-style histogram buckets. Scenarios: an unchanged canary, a canary
with twice the error rate, a canary 20% slower, and a canary with no traffic at all.

Judges, each seeing the same draws:
- mlgate: `error_rate: {max_rise: 0.005}`, `latency_p95: {max_rise_pct: 10}`, 95% over
  `looks: 5` (99% each), judged on the traffic so far after checks 2, 4, …, 10 (Argo's web
  provider polling); the rollout stops at the first fail, promotes on a pass at the end.
  The tolerances are the Flagger thresholds' (1.5% errors, +10% p95).
- Flagger-style point threshold: each check's one-minute canary error rate ≤ 1.5% (a
  threshold must sit well above the noise of one minute's rate) and p95
  ≤ 1.1 × the stable's usual p95 (`thresholdRange` on the canary alone); rolled back after
  5 failed checks (`threshold: 5`); a check with no requests reads 0 errors and passes.
- Kayenta-style: a one-sided Mann-Whitney U test of the canary's ten per-minute values
  against the stable's, per metric, at 98% confidence, after the tenth check.

Rows: how often each judge rolls back (false rollbacks for the unchanged canary, detection
otherwise) and, for mlgate, how often it passes and how often it is still inconclusive.
A second table polls mlgate every minute for thirty minutes, with `looks: 1` and
`looks: 30`: what repeated looks do to a fixed-confidence interval, and what the
correction costs.
Run: .venv/bin/python benchmarks/canary_decisions.py [--runs 200]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from mlgate.core.canary import Decision, judge
from mlgate.core.rules import MetricRule
from mlgate.core.stats.canary import Histogram, error_rate, latency

CHECKS = 10
LOOKS = (2, 4, 6, 8, 10)
BASE_ERROR = 0.01
MEDIAN, SIGMA = 0.08, 0.5
BOUNDS = (*[round(0.01 * 1.25**i, 5) for i in range(24)], math.inf)
RULES = (
    MetricRule(name="error_rate", higher_is_better=False, tolerance=0.005),
    MetricRule(name="latency_p95", higher_is_better=False, tolerance_pct=10),
)
USUAL_P95 = MEDIAN * math.exp(1.6449 * SIGMA)
SCENARIOS = {
    "unchanged": (1.0, 1.0),
    "2× error rate": (2.0, 1.0),
    "+20% latency": (1.0, 1.2),
}


def minute(
    rng: np.random.Generator, n: int, error_x: float, slow_x: float
) -> tuple[int, np.ndarray]:
    errors = int(rng.binomial(n, BASE_ERROR * error_x)) if n else 0
    latencies = rng.lognormal(math.log(MEDIAN * slow_x), SIGMA, n)
    edges = np.asarray(BOUNDS[:-1])
    counts = np.bincount(np.searchsorted(edges, latencies, side="left"), minlength=len(BOUNDS))
    return errors, counts


def histogram(counts: np.ndarray) -> Histogram:
    return Histogram(bounds=BOUNDS, cumulative=tuple(np.cumsum(counts).astype(float)))


def p95(counts: np.ndarray) -> float:
    from mlgate.core.stats.canary import quantile

    return quantile(histogram(counts), 0.95)[0] if counts.sum() else 0.0


def mlgate_judge(
    series: dict[str, list],
    rng: np.random.Generator,
    *,
    looks: tuple[int, ...] = LOOKS,
    per_look: int = len(LOOKS),
) -> str:
    """canary.looks = ``per_look``: each look at 1 − 0.05/per_look."""
    confidence = 1 - 0.05 / per_look
    for look in looks:
        sides = {}
        for side in ("stable", "canary"):
            errors = sum(e for e, _ in series[side][:look])
            counts = np.sum([c for _, c in series[side][:look]], axis=0)
            sides[side] = (errors, counts)
        (e_s, c_s), (e_c, c_c) = sides["stable"], sides["canary"]
        measured = {
            "error_rate": error_rate(
                (e_s, int(c_s.sum())), (e_c, int(c_c.sum())), confidence=confidence
            ),
            "latency_p95": latency(
                "latency_p95",
                0.95,
                histogram(c_s),
                histogram(c_c),
                confidence=confidence,
                resamples=400,
                rng=rng,
            ),
        }
        decisions = [judge(rule, measured[rule.name]).decision for rule in RULES]
        if Decision.FAIL in decisions:
            return "rollback"
    return "pass" if all(d is Decision.PASS for d in decisions) else "inconclusive"


def flagger_judge(series: dict[str, list]) -> str:
    failed = 0
    for errors, counts in series["canary"]:
        n = int(counts.sum())
        rate = errors / n if n else 0.0  # no traffic reads as 0% errors
        if rate > BASE_ERROR * 1.5 or p95(counts) > USUAL_P95 * 1.1:
            failed += 1
    return "rollback" if failed >= 5 else "pass"


def mann_whitney_greater(x: np.ndarray, y: np.ndarray) -> float:
    """One-sided p-value that x tends to exceed y (normal approximation with ties)."""
    both = np.concatenate([x, y])
    order = both.argsort(kind="stable")
    ranks = np.empty(len(both))
    ranks[order] = np.arange(1, len(both) + 1)
    for value in np.unique(both):  # midranks for ties
        tied = both == value
        ranks[tied] = ranks[tied].mean()
    n1, n2 = len(x), len(y)
    u = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    mean, sd = n1 * n2 / 2, math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    if sd == 0:
        return 1.0
    return 0.5 * math.erfc(((u - 0.5) - mean) / sd / math.sqrt(2))


def kayenta_judge(series: dict[str, list]) -> str:
    def per_minute(side: str) -> tuple[np.ndarray, np.ndarray]:
        rates = [e / c.sum() if c.sum() else np.nan for e, c in series[side]]
        slow = [p95(c) if c.sum() else np.nan for _, c in series[side]]
        return np.asarray(rates), np.asarray(slow)

    (rate_s, slow_s), (rate_c, slow_c) = per_minute("stable"), per_minute("canary")
    if np.isnan(rate_c).all():
        return "no data"
    for c, s in ((rate_c, rate_s), (slow_c, slow_s)):
        if mann_whitney_greater(c[~np.isnan(c)], s[~np.isnan(s)]) < 0.02:
            return "rollback"
    return "pass"


def simulate(
    canary_per_minute: int, scenario: str, runs: int, seed: int
) -> dict[str, dict[str, int]]:
    error_x, slow_x = SCENARIOS.get(scenario, (1.0, 1.0))
    rng = np.random.default_rng(seed)
    tallies: dict[str, dict[str, int]] = {"mlgate": {}, "flagger": {}, "kayenta": {}}
    for _ in range(runs):
        series = {
            "stable": [minute(rng, canary_per_minute * 9 or 900, 1.0, 1.0) for _ in range(CHECKS)],
            "canary": [minute(rng, canary_per_minute, error_x, slow_x) for _ in range(CHECKS)],
        }
        for name, outcome in (
            ("mlgate", mlgate_judge(series, rng)),
            ("flagger", flagger_judge(series)),
            ("kayenta", kayenta_judge(series)),
        ):
            tallies[name][outcome] = tallies[name].get(outcome, 0) + 1
    return tallies


def polled(levels: list[int], runs: int) -> None:
    """Thirty one-minute checks, mlgate judging after each: looks 1 against looks 30."""
    minutes = tuple(range(1, 31))
    print()
    print("mlgate polled every minute for 30 minutes (rollbacks; unchanged / 2× error rate):")
    print()
    print("| canary.looks | scenario | " + " | ".join(f"{v:,}/min" for v in levels) + " |")
    print("|---|---|" + "---:|" * len(levels))
    for per_look in (1, 30):
        for scenario in ("unchanged", "2× error rate"):
            error_x, slow_x = SCENARIOS[scenario]
            shares = []
            for level in levels:
                rng = np.random.default_rng(11 + level)
                rolled = 0
                for _ in range(runs):
                    series = {
                        "stable": [minute(rng, level * 9, 1.0, 1.0) for _ in minutes],
                        "canary": [minute(rng, level, error_x, slow_x) for _ in minutes],
                    }
                    verdict = mlgate_judge(series, rng, looks=minutes, per_look=per_look)
                    rolled += verdict == "rollback"
                shares.append(f"{rolled / runs:.1%}")
            print(f"| {per_look} | {scenario} | " + " | ".join(shares) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--traffic", default="20,100,500,2000", help="canary requests a minute")
    args = parser.parse_args()
    levels = [int(v) for v in args.traffic.split(",")]
    started = time.perf_counter()
    print(f"canary decisions: {args.runs} runs a cell; canary requests a minute (×10 checks)")
    print()
    header = "| judge | scenario | outcome | " + " | ".join(f"{v:,}/min" for v in levels) + " |"
    print(header)
    print("|---|---|---|" + "---:|" * len(levels))
    for scenario in SCENARIOS:
        cells = [simulate(level, scenario, args.runs, seed=7 + level) for level in levels]
        for judge_name, outcomes in (
            ("mlgate", ("rollback", "pass", "inconclusive")),
            ("Flagger-style threshold", ("rollback",)),
            ("Kayenta-style Mann-Whitney", ("rollback",)),
        ):
            key = judge_name.split("-")[0].split()[0].lower()
            for outcome in outcomes:
                shares = [c[key].get(outcome, 0) / args.runs for c in cells]
                row = " | ".join(f"{share:.1%}" for share in shares)
                print(f"| {judge_name} | {scenario} | {outcome} | {row} |")
    idle = simulate(0, "unchanged", min(args.runs, 50), seed=1)
    print()
    print("zero canary traffic (10 checks, 0 requests):")
    for name, found in idle.items():
        print(f"  {name}: {found}")
    polled([50, 200, 1000], max(args.runs // 2, 50))
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
