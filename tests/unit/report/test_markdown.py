"""The Markdown report: snapshots, the marker, templates, the sandbox and the size budget."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mlgate.core.checks import Status
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import Identity, MetricRow, Overall, Verdict
from mlgate.errors import InputError
from mlgate.report.markdown import MIN_CHARS, marker, render_markdown


@pytest.mark.parametrize(
    "name", ["passing", "failing", "first_model", "with_tests", "with_intervals"]
)
def test_snapshots(
    name: str, request: pytest.FixtureRequest, snapshot: Callable[[str, str], None]
) -> None:
    verdict = request.getfixturevalue(name)
    snapshot(f"report-{name}.md", render_markdown(verdict))


def test_headline_is_first_and_one_line(
    passing: Verdict, failing: Verdict, first_model: Verdict
) -> None:
    for verdict, start in (
        (passing, "✅ **mlgate · churn-classifier: passed**"),
        (failing, "❌ **mlgate · churn-classifier: failed**"),
        (first_model, "🆕 **mlgate · churn-classifier: no production model yet**"),
    ):
        lines = render_markdown(verdict).splitlines()
        assert lines[0] == marker("churn-classifier")
        assert lines[1].startswith(start)
        assert lines[2] == ""


def test_first_model_says_so_plainly(first_model: Verdict) -> None:
    text = render_markdown(first_model)
    assert "nothing to compare against, so only absolute floors and ceilings were checked" in text
    assert "**Production** none yet" in text


def test_failing_rows_come_first(failing: Verdict) -> None:
    table = [
        line
        for line in render_markdown(failing).splitlines()
        if line.startswith("| ❌") or line.startswith("| ✅") or line.startswith("| ⚠️")
    ]
    statuses = [line.split("|")[1].split()[-1] for line in table]
    assert statuses == ["fail", "fail", "fail", "fail", "warn", "pass"]


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("churn-classifier", "<!-- mlgate:report model=churn-classifier -->"),
        ("main.ml.churn", "<!-- mlgate:report model=main.ml.churn -->"),
        ("a -->b", "<!-- mlgate:report model=a%20--%3Eb -->"),
        ("é", "<!-- mlgate:report model=%C3%A9 -->"),
        (None, "<!-- mlgate:report model= -->"),
    ],
)
def test_marker_is_one_safe_comment(model: str | None, expected: str) -> None:
    assert marker(model) == expected


def test_custom_template_cannot_drop_the_marker(tmp_path: Path, passing: Verdict) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(
        "Custom: {{ headline }}\n{% for row in rows %}{{ row.name }}={{ row.candidate }}\n{% endfor %}"
    )
    text = render_markdown(passing, template=template)
    assert text.splitlines()[0] == marker("churn-classifier")
    assert "Custom: ✅ **mlgate · churn-classifier: passed**" in text
    assert "accuracy=0.9087" in text


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", "template error"),
        ("{{ rows.append(1) }}", "template error"),
        ("{{ no_such_variable }}", "'no_such_variable' is undefined"),
        ("{% for x in %}", "t.md.j2:1: template error"),
    ],
)
def test_templates_are_sandboxed_and_errors_are_input_errors(
    tmp_path: Path, passing: Verdict, source: str, message: str
) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(source)
    with pytest.raises(InputError, match=message):
        render_markdown(passing, template=template)


def test_missing_template(tmp_path: Path, passing: Verdict) -> None:
    with pytest.raises(InputError, match="report template not found"):
        render_markdown(passing, template=tmp_path / "none.j2")


def many_rows_verdict(failing: int, passing: int, name_length: int = 30) -> Verdict:
    rule = MetricRule(name="x", tolerance=0.01)
    rows = tuple(
        MetricRow(
            name=f"{'f' if i < failing else 'p'}{i}".ljust(name_length, "_"),
            baseline=0.9,
            candidate=0.5 if i < failing else 0.9,
            status=Status.FAIL if i < failing else Status.PASS,
            rule=dataclasses.replace(rule, name=str(i)),
            reasons=("drop of 0.4 exceeds max_drop 0.01",) if i < failing else (),
        )
        for i in range(failing + passing)
    )
    return Verdict(
        model="big",
        status=Overall.FAIL if failing else Overall.PASS,
        candidate=Identity(label="c"),
        baseline=Identity(label="b"),
        metrics=rows,
    )


def test_budget_drops_passing_rows_before_failing_ones() -> None:
    verdict = many_rows_verdict(failing=20, passing=3000)
    text = render_markdown(verdict, max_chars=20_000)
    assert len(text) <= 20_000
    for i in range(20):
        assert f"f{i}" in text
    assert "p3000" not in text
    assert "3000 gated metrics that did not fail" in text
    assert text.splitlines()[1].startswith("❌ **mlgate · big: failed**")


def test_budget_keeps_as_many_failing_rows_as_fit_and_says_how_many_were_cut() -> None:
    verdict = many_rows_verdict(failing=5000, passing=0, name_length=120)
    text = render_markdown(verdict, max_chars=10_000, full_report="the job summary")
    assert len(text) <= 10_000
    assert "failing metrics beyond the first" in text
    assert "Full details: the job summary." in text
    assert text.splitlines()[1].startswith("❌")


def test_minimum_budget() -> None:
    with pytest.raises(ValueError):
        render_markdown(many_rows_verdict(1, 1), max_chars=MIN_CHARS - 1)


def test_verbose_custom_template_is_truncated_safely(tmp_path: Path, passing: Verdict) -> None:
    template = tmp_path / "t.md.j2"
    template.write_text(
        "{{ headline }}\n<details><summary>x</summary>\n\n```\n"
        + "y\n" * 5000
        + "```\n</details>\n"
    )
    text = render_markdown(passing, template=template, max_chars=2000)
    assert len(text) <= 2000
    assert text.count("```") % 2 == 0
    assert text.count("<details>") == text.count("</details>")
    assert "Report truncated to fit the size limit" in text


def test_no_chart_option(passing: Verdict) -> None:
    assert "```text\n" in render_markdown(passing)
    assert "```text\n" not in render_markdown(passing, chart=False)


def test_full_report_link_only_for_plain_http_urls() -> None:
    verdict = many_rows_verdict(failing=500, passing=0, name_length=120)
    linked = render_markdown(
        verdict,
        max_chars=5000,
        full_report="the job summary",
        full_report_url="https://ci.example/runs/1",
    )
    assert "Full details: [the job summary](https://ci.example/runs/1)." in linked
    for url in ("javascript:alert(1)", "https://x/a)(b", "https://x/ space"):
        text = render_markdown(
            verdict, max_chars=5000, full_report="the job summary", full_report_url=url
        )
        assert "Full details: the job summary." in text


def test_model_tests_section_lists_critical_failures_first(with_tests: Verdict) -> None:
    text = render_markdown(with_tests)
    assert with_tests.status is Overall.FAIL
    assert "1 critical model test failed\\: test\\_golden\\_set\\[0\\]" in text.splitlines()[1]
    section = text[text.index("### Model tests") :]
    assert section.index("test_golden_set[0]") < section.index("test_latency")
    assert "no GPU \\<b\\>here\\</b\\>" in section  # escaped, never HTML


def test_budget_keeps_model_test_failures_and_says_what_it_cut(
    with_tests: Verdict, results_with: Callable[[int], object]
) -> None:
    verdict = dataclasses.replace(with_tests, tests=results_with(300))  # type: ignore[arg-type]
    full = render_markdown(verdict, max_chars=1_000_000)
    assert "- … and 281 more failures (see the job log)" in full  # 20 of 301 shown
    short = render_markdown(verdict, max_chars=6_000)
    assert len(short) <= 6_000
    assert "`test_golden_set[0]`" in short
    cut = int(re.search(r"(\d+) model test failures", short).group(1))  # type: ignore[union-attr]
    shown = short.count("- ❌ **critical**") + short.count("- ⚠️ **non-critical**")
    assert shown + cut == 301 and shown >= 5
    assert "1 skipped model test" in short
