"""The report's data line and headline caveat, for every data outcome, safe for any name."""

from __future__ import annotations

import re
from pathlib import Path

import cmarkgfm
import pytest

from mlgate.core.compare import compare
from mlgate.core.dataset import Dataset
from mlgate.core.provenance import EvaluationSettings, judge_data
from mlgate.core.verdict import Verdict
from mlgate.files.config import load_config
from mlgate.files.metrics import load_metric_set
from mlgate.report.markdown import render_markdown
from mlgate.report.terminal import render_terminal

QUICKSTART = Path(__file__).resolve().parents[3] / "examples" / "quickstart"
NOV = Dataset(name="eval-2026-11", digest="3f2a1b9c" + "0" * 24)
OCT = Dataset(name="eval-2026-10", digest="a1b2c3d4" + "0" * 24)


def verdict_with(
    candidate: Dataset | None,
    baseline: Dataset | None,
    settings: EvaluationSettings | None = None,
    **extra: object,
) -> Verdict:
    config = load_config(QUICKSTART / "mlgate.yml")
    data = judge_data(
        candidate=candidate,
        baseline=baseline,
        settings=settings or EvaluationSettings(),
        **extra,  # type: ignore[arg-type]
    )
    return compare(
        candidate=load_metric_set(QUICKSTART / "candidate.json", role="candidate"),
        baseline=load_metric_set(QUICKSTART / "production.json", role="baseline"),
        policy=config.policy(),
        data=data,
    )


def lines(verdict: Verdict) -> list[str]:
    return render_markdown(verdict).splitlines()


def test_same_data_is_one_line_and_no_check() -> None:
    report = lines(verdict_with(NOV, NOV))
    assert "📊 **Data** both evaluated on `eval-2026-11` digest `3f2a1b9c`" in report
    assert not any("**evaluation data**" in line for line in report)


def test_refused_fails_with_the_reason_in_headline_and_check() -> None:
    verdict = verdict_with(NOV, OCT, reason="evaluation.rescore is false")
    report = lines(verdict)
    assert verdict.status.value == "fail"
    assert report[1].startswith("❌ **mlgate · churn-classifier: failed** — not comparable")
    assert (
        "❌ **Data** not comparable: candidate on `eval-2026-11` digest `3f2a1b9c`, "
        "production on `eval-2026-10` digest `a1b2c3d4`"
    ) in report
    assert any(line.startswith("> ❌ **evaluation data**") for line in report)


def test_allowed_cross_dataset_says_so_first_in_the_headline() -> None:
    verdict = verdict_with(NOV, OCT, EvaluationSettings(allow_cross_dataset=True))
    assert verdict.status.value == "pass"
    report = lines(verdict)
    assert report[1].startswith(
        "✅ **mlgate · churn-classifier: passed** — ⚠️ compared across different evaluation "
        "datasets: all 6 gated metrics"
    )
    assert "⚠️ **Data** compared across datasets" in "\n".join(report)
    terminal = render_terminal(verdict).splitlines()
    assert terminal[2] == "compared across different evaluation datasets"


def test_rescored_names_what_was_not() -> None:
    verdict = verdict_with(NOV, OCT, rescored=("accuracy", "auc"), not_rescored=("latency_p95_ms",))
    text = render_markdown(verdict)
    assert (
        "🔁 **Data** production re-scored on the candidate's `eval-2026-11` digest `3f2a1b9c` "
        "(it was evaluated on `eval-2026-10` digest `a1b2c3d4`); not re-scored: "
        "`latency_p95_ms`"
    ) in text
    assert "> ⚠️ **evaluation data**" in text  # a warning keeps its check line


def test_unknown_production_data() -> None:
    text = render_markdown(verdict_with(NOV, None))
    assert (
        "❔ **Data** candidate on `eval-2026-11` digest `3f2a1b9c`, production on unrecorded data"
        in text
    )


@pytest.mark.parametrize(
    "name",
    ["a`b|c", "``</code><script>alert(1)</script>", "x\n# heading", "<!-- mlgate:report -->"],
)
def test_hostile_dataset_names_stay_inside_their_code_span(name: str) -> None:
    hostile = Dataset(name=name, digest="0" * 32)
    html = cmarkgfm.github_flavored_markdown_to_html(
        render_markdown(verdict_with(hostile, hostile))
    )
    paragraph = next(p for p in re.findall(r"<p>.*?</p>", html, re.S) if "Data" in p)
    assert "<script>" not in html
    assert "<h1>" not in html
    assert paragraph.count("<code>") == 2  # the name and the digest, nothing broke out
