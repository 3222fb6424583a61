"""The drift section as GitHub renders it (cmark-gfm): the table sorted by drift, the
chart, the schema and key tables; hostile names and categories stay text; the size
budget; and the section inside the PR report."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import cmarkgfm
from cmarkgfm.cmark import Options

from mlgate.core.checks import Check, Status
from mlgate.core.drift import (
    DataSide,
    DriftReport,
    FeatureDrift,
    FeatureStatus,
    Kind,
    Measured,
    Mismatch,
    SchemaChange,
)
from mlgate.core.drift_settings import DriftSettings
from mlgate.core.verdict import Identity, Overall, Verdict
from mlgate.report.drift_view import drift_document, drift_marker, drift_section, drift_terminal
from mlgate.report.markdown import render_markdown

HOSTILE = "x|y <img src=x onerror=alert(1)> @team #12 [a](http://e.vil)"


def html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(
        markdown, options=Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_GITHUB_PRE_LANG
    )


def feature(
    name: str, psi: float, status: FeatureStatus, *, summary: str = "median 1"
) -> FeatureDrift:
    return FeatureDrift(
        name=name,
        kind="numeric",
        status=status,
        reasons=("PSI 0.5 ≥ 0.2", "KS p < 0.001 < 0.05") if status is FeatureStatus.DRIFT else (),
        measured=Measured(
            psi=psi,
            distance=0.2,
            p_value=1e-6,
            test="ks",
            statistic=0.2,
            reference_rows=1000,
            current_rows=1000,
            reference_missing=0.0,
            current_missing=0.25,
            reference_summary=summary,
            current_summary="median 2",
        ),
    )


def report(count: int = 3, **extra: object) -> DriftReport:
    features = [
        feature("age", 0.5, FeatureStatus.DRIFT),
        feature(HOSTILE, 0.3, FeatureStatus.DRIFT, summary=HOSTILE),
    ]
    features += [feature(f"f{i:03d}", 0.01 / (i + 1), FeatureStatus.OK) for i in range(count)]
    return DriftReport(
        kind=Kind.DRIFT,
        model="churn",
        reference=DataSide(label="models:/churn/3 (100 of 900 rows sampled)", rows=100),
        current=DataSide(label="data/eval.csv", rows=5000),
        features=tuple(features),
        settings=DriftSettings().summary(),
        **extra,  # type: ignore[arg-type]
    )


def test_section_renders_table_chart_and_escapes_data() -> None:
    page = html(drift_document(report()))
    assert page.startswith("<!-- mlgate:drift model=churn -->")
    assert "<h2>mlgate data drift · churn</h2>" in page
    tables = re.findall(r"<table>.*?</table>", page, flags=re.S)
    header = re.findall(r"<th[^>]*>(.*?)</th>", tables[0])
    assert header == [
        "",
        "Feature",
        "Type",
        "PSI",
        "KS D / JS",
        "p",
        "Noise floor",
        "Reference",
        "Current",
        "Why",
    ]
    rows = re.findall(r"<tr>(.*?)</tr>", tables[0], flags=re.S)[1:]
    assert len(rows) == 5  # the | in a name did not split a row
    first = re.findall(r"<td[^>]*>(.*?)</td>", rows[0], flags=re.S)
    assert first[:4] == ["⚠️", "<code>age</code>", "numeric", "0.5"]
    assert first[8] == "median 2; 25.0% missing"
    assert "<img" not in page and 'href="http://e.vil"' not in page
    assert page.count('<pre lang="mermaid">') == 1
    more = re.search(r"</table>\n<p><sub>… and (\d+) more features?", page)
    assert more is None  # three rows only: nothing more to say


def test_more_rows_are_said_below_the_table_not_inside_it() -> None:
    page = html(drift_section(report(count=40), show=10))
    assert "</table>\n<p><sub>… and 32 more features, all in the JSON report.</sub></p>" in page


def test_chart_bars_the_top_features_against_the_threshold() -> None:
    text = drift_section(report(count=20))
    chart = text[text.index("```mermaid") :]
    assert "\nxychart-beta horizontal\n" in chart  # long feature names get a line each
    assert "bar [0.5, 0.3, 0.01, 0.005" in chart
    assert "line [0.2, 0.2" in chart and chart.count("0.2,") >= 9
    assert 'y-axis "PSI" 0 --> 0.6' in chart
    assert '"x_y _img src_x onerror_…"' in chart  # a label cannot break the chart


def test_schema_and_key_tables() -> None:
    text = drift_section(
        report(
            schema=(
                SchemaChange(
                    column="zip",
                    change="removed",
                    reference_type="string",
                    current_type=None,
                    breaking=True,
                ),
                SchemaChange(
                    column="new",
                    change="added",
                    reference_type=None,
                    current_type="float",
                    breaking=False,
                ),
            ),
            mismatches=(
                Mismatch(feature="age", compared=900, differing=9, examples=("k1", "k|2")),
            ),
            key="request_id",
            max_mismatch=0.0,
        )
    )
    page = html(text)
    assert (
        "<td>❌</td>\n<td><code>zip</code></td>\n<td>column missing (was string)</td>"
        in page.replace(' align="left"', "")
    )
    assert "Matched by <code>request_id</code> (a rate fails above 0.00% by its interval" in page
    assert "1.00% [0.53%, 1.89%]" in page  # 9 of 900 with its Wilson interval


def test_document_fits_the_budget_by_showing_fewer_rows() -> None:
    big = report(count=3000)
    text = drift_document(big, max_chars=20_000)
    assert len(text) <= 20_000
    assert "more features, all in the JSON report" in text
    assert text.startswith(drift_marker("churn"))


def test_terminal_lists_the_top_features_plainly() -> None:
    text = drift_terminal(report())
    assert text.splitlines()[0] == "mlgate data drift: WARN"
    assert "drift  age" in text
    assert "\x1b" not in text


def test_pr_report_has_a_drift_section_and_a_check() -> None:
    drift = report()
    verdict = Verdict(
        model="churn",
        status=Overall.PASS,
        candidate=Identity(label="candidate"),
        baseline=Identity(label="production"),
        metrics=(),
        checks=(drift.check(),),
        drift=drift,
    )
    page = html(render_markdown(verdict))
    assert "<h3>Data drift</h3>" in page
    assert "<strong>data drift</strong> — drift in 2 of 5 features: age, x|y" in page.replace(
        "\\", ""
    )
    assert page.count("drift in 2 of 5 features") == 1  # no second headline inside the section


def test_skew_document_is_titled_and_marked_as_skew() -> None:
    skew = replace(report(), kind=Kind.SKEW)
    text = drift_document(skew)
    assert text.startswith("<!-- mlgate:skew model=churn -->")
    assert "Training: " in text and "serving: " in text
    assert skew.check() == Check(
        name="training–serving skew", status=Status.WARN, summary=skew.headline()
    )
    assert not math.isnan(skew.features[0].score)
