"""Do mlgate's intervals for proportions cover the true Δ 95% of the time — above all when
the two models rarely or never disagree?

Paired (the gate: candidate and production on the same examples). Each example falls in
one cell of the paired 2×2 table: both right, only the candidate right, only production
right, both wrong. Production is right on 85%; a share ``discordance`` of the examples is
discordant, 40% of them in the candidate's favour, so the true Δ accuracy is
−0.2 × discordance (the candidate is slightly worse); a second table puts every discordant
example against the candidate (true Δ = −discordance). For each n and discordance the
table draws ``--runs`` evaluation sets and reports, per method, the share of intervals
that contain the true Δ and their mean width:

- bootstrap: the multinomial bootstrap of the joint outcome (mlgate's method before);
- Newcombe: Newcombe's paired score interval (method 10), mlgate's method now.

Unpaired (the monitor and the canary: live traffic against a reference, different
examples). Both sides have the same error rate p, each n examples, so Δ = 0:

- Wald: p̂₁ − p̂₂ ± z·SE, the textbook interval;
- Newcombe: the hybrid score interval from two Wilson intervals, mlgate's method.

Target: coverage within 93–97% in every cell, or a stated reason.

    .venv/bin/python benchmarks/interval_coverage.py [--runs 1000] [--resamples 1000]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from mlgate.core.stats.paired_proportions import newcombe_paired
from mlgate.core.stats.unpaired import newcombe

SIZES = (50, 200, 2000)
DISCORDANCE = (0.0, 0.005, 0.05, 0.2)
RATES = (0.0, 0.005, 0.05, 0.2)
CONFIDENCE = 0.95
Z = 1.959963984540054


def paired_cells(discordance: float, *, favour: float = 0.4) -> np.ndarray:
    only_candidate, only_baseline = favour * discordance, (1 - favour) * discordance
    both = 0.85 - only_baseline
    return np.array([both, only_candidate, only_baseline, 1 - both - discordance])


def paired_row(
    n: int, discordance: float, *, runs: int, resamples: int, rng: object, favour: float = 0.4
) -> list:
    cells = paired_cells(discordance, favour=favour)
    truth = cells[1] - cells[2]
    tables = rng.multinomial(n, cells, size=runs)  # type: ignore[attr-defined]
    boot_hits, boot_width, score_hits, score_width = 0, 0.0, 0, 0.0
    for table in tables:
        draws = rng.multinomial(n, table / n, size=resamples)  # type: ignore[attr-defined]
        deltas = (draws[:, 1] - draws[:, 2]) / n
        low, high = np.quantile(deltas, [0.025, 0.975])
        boot_hits += low - 1e-12 <= truth <= high + 1e-12
        boot_width += high - low
        found = newcombe_paired(*map(int, table), confidence=CONFIDENCE)
        score_hits += found.low - 1e-12 <= truth <= found.high + 1e-12
        score_width += found.high - found.low
    return [
        n,
        f"{discordance:.1%}",
        f"{truth:+.4f}",
        f"{boot_hits / runs:.1%}",
        f"{boot_width / runs:.4f}",
        f"{score_hits / runs:.1%}",
        f"{score_width / runs:.4f}",
    ]


def unpaired_row(n: int, rate: float, *, runs: int, rng: object) -> list:
    errors = rng.binomial(n, rate, size=(runs, 2))  # type: ignore[attr-defined]
    wald_hits, wald_width, score_hits, score_width = 0, 0.0, 0, 0.0
    for live, reference in errors:
        p1, p2 = live / n, reference / n
        spread = Z * math.sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / n)
        wald_hits += p1 - p2 - spread - 1e-12 <= 0 <= p1 - p2 + spread + 1e-12
        wald_width += 2 * spread
        found = newcombe((int(live), n), (int(reference), n), at=0.0, confidence=CONFIDENCE)
        score_hits += found.low - 1e-12 <= 0 <= found.high + 1e-12
        score_width += found.high - found.low
    return [
        n,
        f"{rate:.1%}",
        f"{wald_hits / runs:.1%}",
        f"{wald_width / runs:.4f}",
        f"{score_hits / runs:.1%}",
        f"{score_width / runs:.4f}",
    ]


def table(header: list[str], rows: list[list]) -> str:
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    paired = [
        paired_row(n, d, runs=args.runs, resamples=args.resamples, rng=rng)
        for n in SIZES
        for d in DISCORDANCE
    ]
    one_way = [
        paired_row(n, d, runs=args.runs, resamples=args.resamples, rng=rng, favour=0.0)
        for n in SIZES
        for d in DISCORDANCE[1:]
    ]
    unpaired = [unpaired_row(n, p, runs=args.runs, rng=rng) for n in SIZES for p in RATES]
    print(f"Paired Δ accuracy, {args.runs} evaluation sets per row, 95% intervals")
    print(
        table(
            ["n", "discordant", "true Δ", "bootstrap cov", "width", "Newcombe cov", "width"],
            paired,
        )
    )
    print()
    print("Paired, every discordant example against the candidate (true Δ = −discordance)")
    print(
        table(
            ["n", "discordant", "true Δ", "bootstrap cov", "width", "Newcombe cov", "width"],
            one_way,
        )
    )
    print()
    print(f"Unpaired Δ error rate (true Δ = 0), {args.runs} pairs of samples per row")
    print(table(["n each", "rate", "Wald cov", "width", "Newcombe cov", "width"], unpaired))
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
