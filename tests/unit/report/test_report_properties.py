"""Properties of the report over arbitrary verdicts (hypothesis), checked on the Markdown
and on the HTML that GitHub's renderer (cmark-gfm) makes of it."""

from __future__ import annotations

import math
import re

import cmarkgfm
from cmarkgfm.cmark import Options
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgate.core.checks import Status
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import Identity, MetricRow, Overall, Verdict
from mlgate.report.markdown import render_markdown

NAMES = st.text(min_size=1, max_size=60)
VALUES = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))


@st.composite
def verdicts(draw: st.DrawFn, names: st.SearchStrategy[str] = NAMES) -> Verdict:
    count = draw(st.integers(min_value=0, max_value=40))
    rows = []
    for _ in range(count):
        status = draw(st.sampled_from(list(Status)))
        gated = status is not Status.INFO
        name = draw(names)
        rows.append(
            MetricRow(
                name=name,
                baseline=draw(VALUES),
                candidate=draw(VALUES),
                status=status,
                rule=MetricRule(
                    name=name, tolerance=0.01, min=draw(st.one_of(st.none(), st.floats(-1, 1)))
                )
                if gated
                else None,
                reasons=(draw(st.text(max_size=80)),)
                if status in (Status.FAIL, Status.WARN)
                else (),
            )
        )
    failing = any(r.status is Status.FAIL for r in rows)
    has_baseline = draw(st.booleans())
    return Verdict(
        model=draw(st.one_of(st.none(), NAMES)),
        status=Overall.FAIL if failing else (Overall.PASS if has_baseline else Overall.NO_BASELINE),
        candidate=Identity(label=draw(NAMES), model_version=draw(st.one_of(st.none(), NAMES))),
        baseline=Identity(label=draw(NAMES)) if has_baseline else None,
        metrics=tuple(rows),
    )


def html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(verdicts(), st.integers(min_value=1000, max_value=70_000))
def test_report_never_exceeds_its_budget(verdict: Verdict, budget: int) -> None:
    text = render_markdown(verdict, max_chars=budget)
    assert len(text) <= budget
    assert text.startswith("<!-- mlgate:report model=")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    verdicts(names=st.text(alphabet="ab_", min_size=3, max_size=12)),
    st.integers(min_value=3000, max_value=8000),
)
def test_failing_rows_survive_when_they_fit(verdict: Verdict, budget: int) -> None:
    text = render_markdown(verdict, max_chars=budget)
    headline = text.splitlines()[1]
    assert headline.startswith(("✅", "❌", "🆕"))
    failing = [r for r in verdict.metrics if r.gated and r.status is Status.FAIL]
    if "beyond the first" not in text:
        table_rows = [line for line in text.splitlines() if line.startswith("| ❌ fail |")]
        assert len(table_rows) == len(failing)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(verdicts())
def test_user_text_cannot_inject_markup(verdict: Verdict) -> None:
    rendered = html(render_markdown(verdict))
    # Only the tags the template itself writes may appear.
    tags = set(re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", rendered))
    assert tags <= {
        "p",
        "strong",
        "code",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "details",
        "summary",
        "sub",
        "pre",
        "ul",
        "li",
        "blockquote",
        "br",
    }
    assert "<a " not in rendered and "<img" not in rendered
    # Every table row has exactly as many cells as its header.
    for table in re.findall(r"<table>.*?</table>", rendered, flags=re.S):
        header = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        for body_row in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[1], flags=re.S):
            assert len(re.findall(r"<td[ >]", body_row)) == header
    # No @mention or #reference survives in text GitHub would link (code is never linked).
    outside_code = re.sub(r"<pre.*?</pre>|<code>.*?</code>", "", rendered, flags=re.S)
    text_only = re.sub(r"<[^>]+>", "", outside_code)
    assert not re.search(r"@[A-Za-z0-9]", text_only)
    assert not re.search(r"#[0-9]", text_only)


@given(
    st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True)
)
def test_numbers_render_without_crashing(a: float, b: float) -> None:
    row = MetricRow(
        name="m", baseline=a, candidate=b, status=Status.PASS, rule=MetricRule(name="m")
    )
    verdict = Verdict(
        model="m",
        status=Overall.PASS,
        candidate=Identity(label="c"),
        baseline=Identity(label="b"),
        metrics=(row,),
    )
    text = render_markdown(verdict)
    assert ("NaN" in text) == (math.isnan(a) or math.isnan(b) or math.isnan(b - a))
    rel = row.rel_delta
    assert ("∞" in text) == any(
        math.isinf(v) for v in (a, b, b - a, rel * 100 if rel is not None else 0.0)
    )
