"""Export the features production served over the last days, for `mlgate monitor`.

    python export_served.py --days 7 --out served.csv

The example's feature log is synthetic: requests drawn like the training data, seeded by
the date, with charges that creep up over the year so that a scheduled check eventually
finds drift. Replace read_served() with a query on your own feature log or feature store.
"""

from __future__ import annotations

import argparse
import datetime
import os

import numpy as np
import pandas as pd

FEATURES = ["tenure_months", "monthly_charges", "support_calls", "contract_years"]


def read_served(days: int, *, today: datetime.date, rows_per_day: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(today.toordinal())
    rows = days * rows_per_day
    creep = 0.05 * today.timetuple().tm_yday  # charges rise a little every day of the year
    return pd.DataFrame(
        {
            "tenure_months": rng.integers(1, 72, rows).astype(float),
            "monthly_charges": rng.normal(70 + creep, 20, rows).round(2),
            "support_calls": rng.poisson(1.5, rows).astype(float),
            "contract_years": rng.choice([0.0, 1.0, 2.0], rows),
        }
    )[FEATURES]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=7, help="how many days back")
    parser.add_argument("--out", default="served.csv", help="CSV or Parquet file to write")
    parser.add_argument(
        "--date",
        default=os.environ.get("SERVED_DATE") or None,
        help="the day to export up to, YYYY-MM-DD (default: $SERVED_DATE, else today; set it "
        "in a manual pipeline to check a past week again)",
    )
    args = parser.parse_args()
    today = datetime.date.fromisoformat(args.date) if args.date else datetime.date.today()
    served = read_served(args.days, today=today)
    if args.out.endswith(".parquet"):
        served.to_parquet(args.out, index=False)
    else:
        served.to_csv(args.out, index=False)
    print(f"{len(served)} served rows written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
