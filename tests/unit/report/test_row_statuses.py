"""Every place an interval can stand — entirely better than no change, straddling zero,
entirely worse — against the tolerance — within it, straddling it, beyond it — in each
significance mode: the row's status, its reasons and the headline, as a snapshot.

With a non-negative tolerance three of the nine pairs cannot happen (an interval entirely
on the better side is within any tolerance; one that reaches zero is never wholly beyond
it); a property test says so, and the six that can are shown, the two that straddle the
tolerance once with the point estimate within it and once beyond it."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from mlgate.core.checks import Status
from mlgate.core.compare import judge
from mlgate.core.interval import Interval
from mlgate.core.rules import MetricRule
from mlgate.core.significance import Mode
from mlgate.core.verdict import Identity, Overall, Verdict
from mlgate.report.headline import headline

RULE = MetricRule(name="accuracy", tolerance=0.01)
BASELINE = 0.90
# (zero, tolerance, point) → (Δ point estimate, Δ interval)
CASES = {
    ("better", "within", "-"): (0.02, (0.01, 0.03)),
    ("straddles 0", "within", "-"): (0.0, (-0.008, 0.008)),
    ("straddles 0", "straddles", "point within"): (0.0, (-0.04, 0.04)),
    ("straddles 0", "straddles", "point beyond"): (-0.02, (-0.05, 0.01)),
    ("worse", "within", "-"): (-0.005, (-0.009, -0.001)),
    ("worse", "straddles", "point within"): (-0.008, (-0.015, -0.001)),
    ("worse", "straddles", "point beyond"): (-0.012, (-0.02, -0.004)),
    ("worse", "beyond", "-"): (-0.03, (-0.04, -0.02)),
}


def place(low: float, high: float, tolerance: float) -> tuple[str, str]:
    """Where an interval of Δ (higher is better) stands against zero and the tolerance."""
    zero = "better" if low > 0 else "worse" if high < 0 else "straddles 0"
    worse_low, worse_high = -high, -low
    against = (
        "within" if worse_high <= tolerance else "beyond" if worse_low > tolerance else "straddles"
    )
    return zero, against


def test_the_cases_stand_where_they_say() -> None:
    for (zero, against, _), (_, (low, high)) in CASES.items():
        assert place(low, high, RULE.tolerance or 0) == (zero, against)


@given(
    low=st.floats(-1, 1),
    width=st.floats(0, 1),
    tolerance=st.floats(0, 1),
)
def test_three_of_the_nine_pairs_cannot_happen(low: float, width: float, tolerance: float) -> None:
    zero, against = place(low, low + width, tolerance)
    assert (zero, against) not in {
        ("better", "straddles"),
        ("better", "beyond"),
        ("straddles 0", "beyond"),
    }


def test_every_case_in_every_mode(snapshot: Callable[[str, str], None]) -> None:
    lines = ["mode | interval vs 0 | vs tolerance | point | status | improved | headline"]
    for mode in Mode:
        for (zero, against, point), (delta, (low, high)) in CASES.items():
            interval = Interval(low=low, high=high, confidence=0.95, method="test")
            row = judge(RULE, BASELINE + delta, BASELINE, interval=interval, mode=mode)
            verdict = Verdict(
                model="m",
                status=Overall.FAIL if row.status is Status.FAIL else Overall.PASS,
                candidate=Identity(label="candidate"),
                baseline=Identity(label="production"),
                metrics=(row,),
            )
            improved = "improved" if row.improved and row.significant else ""
            lines.append(
                f"{mode.value} | {zero} | {against} | {point} | {row.status.value} | "
                f"{improved} | {headline(verdict)}"
            )
            lines.extend(f"    - {reason}" for reason in row.reasons)
    snapshot("row-statuses.txt", "\n".join(lines) + "\n")


def test_a_row_shown_within_the_tolerance_passes_in_every_mode() -> None:
    for mode in Mode:
        better = Interval(low=0.01, high=0.03, confidence=0.95, method="test")
        row = judge(RULE, BASELINE + 0.02, BASELINE, interval=better, mode=mode)
        assert row.status is Status.PASS and row.reasons == () and row.improved
        within = Interval(low=-0.008, high=0.008, confidence=0.95, method="test")
        assert judge(RULE, BASELINE, BASELINE, interval=within, mode=mode).status is Status.PASS
