"""The canary report as a reviewer reads it: the decision first, one row per rule with the
interval and, when undecided, the traffic that would decide it; the gate's interval plot
naming each rule's outcome; a marker that finds the comment again and that no model name
can break out of."""

from __future__ import annotations

from mlgate.core.canary import CanaryReport, Decision, Judgement, Traffic
from mlgate.core.interval import Interval
from mlgate.core.rules import MetricRule
from mlgate.report.canary import canary_markdown, canary_terminal, marker

ERRORS = MetricRule(name="error_rate", higher_is_better=False, tolerance=0.002)
P95 = MetricRule(name="latency_p95", higher_is_better=False, tolerance_pct=10)


def report(model: str = "churn") -> CanaryReport:
    return CanaryReport(
        model=model,
        source="Prometheus http://***@prometheus:9090",
        variants={"stable": "stable", "canary": "canary"},
        window="10m",
        at="2026-12-07T13:00:00+00:00",
        confidence=0.95,
        traffic={
            "stable": Traffic(requests=9000, errors=90),
            "canary": Traffic(requests=1000, errors=12),
        },
        judgements=(
            Judgement(
                name="error_rate",
                decision=Decision.INCONCLUSIVE,
                reason="too little traffic to tell",
                rule=ERRORS,
                stable=0.01,
                canary=0.012,
                interval=Interval(
                    low=-0.004, high=0.009, confidence=0.95, method="Newcombe (Wilson)"
                ),
                n_stable=9000,
                n_canary=1000,
                needed=24_000,
                method="Newcombe (Wilson), unpaired",
            ),
            Judgement(
                name="latency_p95",
                decision=Decision.PASS,
                reason="not worse than the tolerance",
                rule=P95,
                stable=0.25,
                canary=0.251,
                interval=Interval(
                    low=-0.01, high=0.012, confidence=0.95, method="multinomial bootstrap"
                ),
                n_stable=9000,
                n_canary=1000,
            ),
        ),
        notes=("counts from Prometheus's increase() are rounded",),
    )


def test_the_decision_and_each_rule_are_shown() -> None:
    text = canary_markdown(report())
    assert text.startswith(marker("churn") + "\n## ⏸️ Canary inconclusive: churn")
    assert (
        "| error\\_rate | rise ≤ 0.002 | 0.01 | 0.012 | +0.002 [−0.004, +0.009] | 9,000 / 1,000 | ⏸️ inconclusive: about 24,000 more requests |"
        in text
    )
    assert "✅ pass |" in text
    assert "Traffic — stable (`stable`): 9,000 requests, 90 errors" in text
    assert "mlgate canary exits 5 (inconclusive)" in text


def test_the_plot_names_the_canarys_outcomes() -> None:
    text = canary_markdown(report())
    plot = text[text.index("```text") : text.index("```", text.index("```text") + 7)]
    assert "inconclusive" in plot and "  pass" in plot and "warn" not in plot


def test_a_hostile_model_name_stays_inside_the_marker_and_the_heading() -> None:
    name = "x --> <script>`$(rm -rf)`\n## fake"
    text = canary_markdown(report(name))
    first, heading = text.splitlines()[:2]
    assert first == marker(name) and first.count("-->") == 1
    assert heading.startswith("## ⏸️ Canary inconclusive: ") and "<script>" not in text


def test_the_terminal_says_it_in_one_screen() -> None:
    text = canary_terminal(report())
    assert text.splitlines()[0].startswith("mlgate canary: INCONCLUSIVE")
    assert "about 24,000 more requests would decide it" in text
