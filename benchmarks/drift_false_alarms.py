"""Drift that is quiet on noise and loud on change: false alarms on i.i.d. splits, and the
detection of one real shift, through the same code `mlgate drift` runs (monitor/tables.py).

Each run draws 1,000 rows of 20 features — 8 normal, 6 skewed (log-normal), 6 integer
(Poisson) — and splits them 750 reference / 250 current. A *null* run changes nothing; a
*shift* run moves one normal feature's current values by 0.5 SD. For each run the table
counts whether any feature is flagged (a false alarm on a null run; on a shift run, whether
the shifted feature is flagged, and whether it is flagged alone).

Three rules, on the same measurements:
- before: each feature at α = 0.05 alone, distances against the thresholds only (the rule
  before Holm and the noise floors), with the default thresholds (psi 0.2, ks 0.1);
- after: mlgate now — Holm across the features, distances past the noise floor;
- naive: a user who lowers the thresholds to psi 0.1, ks 0.05 ("more sensitive"), under
  the old rule and under the new one.

Targets: after, at most 5% of null runs flag any feature, and the shifted feature is
flagged alone in at least 95% of shift runs.

    .venv/bin/python benchmarks/drift_false_alarms.py [--runs 400] [--seed 0]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from mlgate.core.drift import DriftReport, FeatureStatus
from mlgate.core.drift_settings import DriftSettings, Thresholds
from mlgate.files.tables import Table, arrow_column
from mlgate.monitor.tables import compare_tables

ROWS, REFERENCE = 1000, 750
NORMAL, SKEWED, INTEGER = 8, 6, 6
SHIFT_SD = 0.5
TARGET_FALSE_ALARMS = 0.05
TARGET_DETECTION = 0.95
DEFAULT = Thresholds()
NAIVE = Thresholds(psi=0.1, ks=0.05, js=0.05)


def draw(rng: np.random.Generator, *, shift: bool) -> tuple[Table, Table]:
    columns: dict[str, Any] = {}
    for i in range(NORMAL):
        columns[f"normal_{i}"] = rng.normal(size=ROWS)
    for i in range(SKEWED):
        columns[f"skewed_{i}"] = rng.lognormal(sigma=1.0, size=ROWS)
    for i in range(INTEGER):
        columns[f"integer_{i}"] = rng.poisson(3.0, size=ROWS).astype(np.int64)
    if shift:
        columns["normal_0"][REFERENCE:] += SHIFT_SD
    whole = pa.table(columns)
    return _table("reference", whole.slice(0, REFERENCE)), _table("current", whole.slice(REFERENCE))


def _table(name: str, table: Any) -> Table:
    columns = {n: arrow_column(n, table.column(n)) for n in table.column_names}
    return Table(path=Path(name), rows=table.num_rows, columns=columns)


def flagged_before(report: DriftReport, limits: Thresholds, alpha: float) -> set[str]:
    """The rule before this change: each feature alone at α, raw thresholds."""
    out = set()
    for feature in report.features:
        m = feature.measured
        if m is None or feature.status is FeatureStatus.TOO_FEW:
            continue
        distance_limit = limits.ks if feature.kind == "numeric" else limits.js
        if m.p_value < alpha and (m.psi >= limits.psi or m.distance >= distance_limit):
            out.add(feature.name)
    return out


@dataclass
class Tally:
    runs: int = 0
    any_flag: int = 0  # null: a false alarm; shift: anything flagged
    shifted: int = 0  # shift: the shifted feature flagged
    alone: int = 0  # shift: flagged, and nothing else

    def add(self, flagged: set[str]) -> None:
        self.runs += 1
        self.any_flag += bool(flagged)
        self.shifted += "normal_0" in flagged
        self.alone += flagged == {"normal_0"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rules = {
        "before (α 0.05 per feature; psi 0.2, ks 0.1)": ("before", DEFAULT),
        "after (Holm + noise floors; psi 0.2, ks 0.1)": ("after", DEFAULT),
        "naive before (psi 0.1, ks 0.05)": ("before", NAIVE),
        "naive after (psi 0.1, ks 0.05)": ("after", NAIVE),
    }
    tallies = {name: (Tally(), Tally()) for name in rules}
    rng = np.random.default_rng(args.seed)
    seconds = 0.0
    for _ in range(args.runs):
        for shift in (False, True):
            reference, current = draw(rng, shift=shift)
            for name, (rule, limits) in rules.items():
                settings = DriftSettings(default=limits)
                started = time.perf_counter()
                report = compare_tables(reference, current, settings=settings)
                seconds += time.perf_counter() - started
                if rule == "before":
                    flagged = flagged_before(report, limits, settings.alpha)
                else:
                    flagged = {f.name for f in report.drifted}
                tallies[name][int(shift)].add(flagged)
    print(
        f"{args.runs} i.i.d. splits and {args.runs} shifted ({SHIFT_SD} SD in one feature), "
        f"{NORMAL + SKEWED + INTEGER} features, {REFERENCE}/{ROWS - REFERENCE} rows\n"
    )
    print("| rule | false alarms (null runs flagging any) | shifted flagged | flagged alone |")
    print("|---|--:|--:|--:|")
    for name, (null, shifted) in tallies.items():
        print(
            f"| {name} | {null.any_flag / null.runs:.1%} | {shifted.shifted / shifted.runs:.1%} "
            f"| {shifted.alone / shifted.runs:.1%} |"
        )
    null, shifted = tallies["after (Holm + noise floors; psi 0.2, ks 0.1)"]
    ok_false = null.any_flag / null.runs <= TARGET_FALSE_ALARMS
    ok_detect = shifted.alone / shifted.runs >= TARGET_DETECTION
    print(
        f"\ntargets: false alarms ≤ {TARGET_FALSE_ALARMS:.0%} "
        f"{'met' if ok_false else 'MISSED'}; shifted feature flagged alone ≥ "
        f"{TARGET_DETECTION:.0%} {'met' if ok_detect else 'MISSED'}"
    )
    print(f"compare_tables: {seconds / (8 * args.runs) * 1000:.1f} ms a report on average")


if __name__ == "__main__":
    main()
