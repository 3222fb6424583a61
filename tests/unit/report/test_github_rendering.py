"""How GitHub shows the report: rendered with cmark-gfm, GitHub's own Markdown engine."""

from __future__ import annotations

import re

import cmarkgfm
from cmarkgfm.cmark import Options

from mlgate.core.verdict import Verdict
from mlgate.report.markdown import render_markdown


def github_html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(
        markdown, options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_GITHUB_PRE_LANG
    )


def test_passing_report_renders_headline_table_chart_and_details(passing: Verdict) -> None:
    html = github_html(render_markdown(passing))
    first = html.split("\n")[1]  # line 0 is the marker comment
    assert first.startswith("<p>✅ <strong>mlgate · churn-classifier: passed</strong>")
    tables = re.findall(r"<table>.*?</table>", html, flags=re.S)
    assert len(tables) == 4  # metrics, other metrics, parameters, signature
    header = re.findall(r"<th[^>]*>(.*?)</th>", tables[0])
    assert header == ["Status", "Metric", "Production", "Candidate", "Δ", "Δ%", "Rule"]
    first_row = re.findall(r"<td[^>]*>(.*?)</td>", tables[0])[:7]
    assert first_row == [
        "⚠️ warn",
        "log_loss",
        "0.2544",
        "0.2701",
        "+0.0157",
        "+6.17%",
        "rise ≤ 5% (warn only)",
    ]
    assert html.count('<pre lang="text">') == 1, "the interval plot, as preformatted text"
    assert "worse ◀" in html and "┊" in html
    assert "<details><summary>What changed: 3 parameters; 1 signature change</summary>" in html
    assert "<details><summary>Other metrics, not gated (1)</summary>" in html
    assert "\\" not in re.sub(r"<pre.*?</pre>", "", html, flags=re.S)  # no escape shows through


def test_failing_report_lists_reasons_and_breaking_changes(failing: Verdict) -> None:
    html = github_html(render_markdown(failing))
    assert "<blockquote>\n<p>❌ <strong>signature</strong> — 2 breaking signature changes: " in html
    assert "<li>❌ <strong>accuracy</strong>: drop of 0.0171 exceeds max_drop 0.01</li>" in html
    assert html.count('<td align="left">💥 breaking</td>') == 2


def test_html_comment_marker_is_invisible(passing: Verdict) -> None:
    html = github_html(render_markdown(passing))
    assert html.startswith("<!-- mlgate:report model=churn-classifier -->")


def test_model_tests_render_as_a_heading_a_list_and_details(with_tests: Verdict) -> None:
    html = github_html(render_markdown(with_tests))
    assert "<h3>Model tests</h3>" in html
    section = html[html.index("<h3>Model tests</h3>") :]
    items = re.findall(r"<li>(.*?)</li>", section, flags=re.S)
    assert items[0].startswith(
        "❌ <strong>critical</strong> <code>test_golden_set[0]</code> (golden) — no regression"
    )
    assert items[1].startswith("⚠️ <strong>non-critical</strong> <code>test_latency</code> (budget)")
    assert "<details><summary>Skipped model tests (1)</summary>" in section
    assert "no GPU &lt;b&gt;here&lt;/b&gt;" in section and "<b>here" not in section


def test_intervals_and_slices_render_as_tables(with_intervals: Verdict) -> None:
    html = github_html(render_markdown(with_intervals))
    tables = re.findall(r"<table>.*?</table>", html, flags=re.S)
    header = re.findall(r"<th[^>]*>(.*?)</th>", tables[0])
    assert header == [
        "Status",
        "Metric",
        "Production",
        "Candidate",
        "Δ",
        "95% CI of Δ",
        "Δ%",
        "Rule",
    ]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", tables[0])
    assert any(cell.endswith("(n.s.)") for cell in cells)
    assert any(re.fullmatch(r"\[[−+]?[\d.]+, [−+]?[\d.]+\]", cell) for cell in cells)
    assert "Decided on evidence — mode <code>significant</code>" in html
    assert "<h3>Slices</h3>" in html
    slices = re.findall(r"<td[^>]*>(.*?)</td>", tables[1])
    assert slices[1] == "country = DE"
