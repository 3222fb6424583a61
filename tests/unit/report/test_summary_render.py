from __future__ import annotations

from mlgate.core.summary import ModelVerdict, summarize
from mlgate.report.summary import SUMMARY_MARKER, render_summary


def many(n: int, failing: int) -> dict[str, ModelVerdict]:
    return {
        f"model-{i:03d}-{'x' * 60}": ModelVerdict(
            model=f"model-{i:03d}-{'x' * 60}",
            passed=i >= failing,
            status="pass" if i >= failing else "fail",
            headline="passed" if i >= failing else "failed: accuracy, f1, auc",
            comment_url=f"https://github.example.com/acme/ml/pull/7#issuecomment-{1000 + i}",
            version=str(i + 2),
        )
        for i in range(n)
    }


def test_200_models_fit_one_comment_failing_first() -> None:
    verdicts = many(200, failing=12)
    summary = summarize(sorted(verdicts), verdicts)
    body = render_summary(summary, max_chars=65_536, run_url="https://github.example.com/run/1")
    assert len(body) <= 65_536
    assert body.splitlines()[0] == SUMMARY_MARKER
    assert "200 models not passing (12 failed, 188 passed)" in body
    rows = [
        line for line in body.splitlines() if line.startswith("| ❌") or line.startswith("| ✅")
    ]
    assert rows[0].startswith("| ❌") and all(r.startswith("| ❌") for r in rows[:12])
    assert "#issuecomment-1000" in body


def test_past_the_limit_passing_rows_give_way_first() -> None:
    verdicts = many(200, failing=3)
    summary = summarize(sorted(verdicts), verdicts)
    body = render_summary(summary, max_chars=8_000)
    assert len(body) <= 8_000
    assert body.count("| ❌") == 3
    assert "more models: see the job summary" in body


def test_a_link_is_never_anything_but_http() -> None:
    verdict = ModelVerdict(
        model="a|b", passed=True, status="pass", headline="ok", comment_url="javascript:alert(1)"
    )
    body = render_summary(summarize(["a|b"], {"a|b": verdict}))
    assert "javascript" not in body and "(#)" in body
    assert "`a¦b`" in body  # a pipe cannot split the table


def test_an_empty_plan_says_so() -> None:
    body = render_summary(summarize([], {}))
    assert "No model's paths changed" in body
