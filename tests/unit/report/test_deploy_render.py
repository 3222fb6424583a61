"""The deployment PR/MR as a reviewer reads it: what moves, who approved, how to undo —
and a model name or approval text that tries to be Markdown, HTML or a shell command."""

from __future__ import annotations

import shlex

import cmarkgfm
import pytest

from mlgate.report.deploy import Change, body, commit_message, marker, title, unified_diff


def change(**overrides: object) -> Change:
    values: dict[str, object] = {
        "model": "churn",
        "version": "7",
        "uri": "s3://models/churn/7",
        "environment": "production",
        "rollback": False,
        "old_version": "6",
        "old_uri": "s3://models/churn/6",
        "repository": "acme/deploy",
        "event": {
            "approved_by": "alice",
            "approval": "https://github.com/acme/churn/pull/12",
            "at": "2026-12-07T10:00:00Z",
            "reason": "better recall",
        },
        "report": "https://github.com/acme/churn/pull/12#issuecomment-1",
        "files": ["k8s/churn/inferenceservice.yaml"],
    }
    values.update(overrides)
    return Change(**values)  # type: ignore[arg-type]


def test_the_body_says_what_moves_who_approved_and_how_to_undo() -> None:
    text = body(change())
    assert text.startswith("<!-- mlgate:deploy model=churn environment=production -->\n")
    assert "| now | 6 | `s3://models/churn/6` |" in text
    assert "| after merge | 7 | `s3://models/churn/7` |" in text
    assert (
        "- **Approved by** alice — <https://github.com/acme/churn/pull/12>, 2026-12-07T10:00:00Z"
        in text
    )
    assert "- **Reason:** better recall" in text
    assert "- **Verdict report:** <https://github.com/acme/churn/pull/12#issuecomment-1>" in text
    assert "mlgate rollback --model churn --by \"$USER\" --reason 'why'" in text
    assert title(change()) == "Deploy churn version 7 (production)"


def test_a_rollback_names_the_version_it_restores_and_how_to_undo_it() -> None:
    restored = change(
        rollback=True,
        version="6",
        uri="s3://models/churn/6",
        old_version="7",
        old_uri="s3://models/churn/7",
        event={"rolled_back_by": "carol", "at": "2026-12-07T11:00:00Z"},
    )
    assert title(restored) == "Roll back churn to version 6 (production)"
    text = body(restored)
    assert "**Rolled back by** carol" in text
    assert "mlgate promote --model churn --version 7" in text


@pytest.mark.parametrize(
    "name",
    [
        "churn$(curl evil)",
        "two\nlines",
        "```\n<script>alert(1)</script>\n```",
        "<!-- mlgate:deploy model=other environment=production -->",
    ],
)
def test_hostile_names_stay_text(name: str) -> None:
    text = body(
        change(
            model=name,
            event={"approved_by": "<img src=x onerror=alert(1)>", "approval": "javascript:x()"},
            report="https://x/<script>",
        )
    )
    html = cmarkgfm.github_flavored_markdown_to_html(text)
    assert "<script>" not in html and "<img" not in html
    assert sum(line.startswith("<!-- mlgate:deploy") for line in text.splitlines()) == 1
    assert text.splitlines()[0] == marker(name, "production")
    fence = next(
        line for line in text.splitlines() if line.endswith("sh") and line.startswith("```")
    )
    commands = text.split(fence + "\n", 1)[1].split("\n" + fence[:-2] + "\n", 1)[0]
    assert shlex.split(commands)[3] == name
    assert "\n" not in title(change(model=name))
    assert "\n" not in commit_message(change(model=name)).splitlines()[0]


def test_the_diff_is_unified() -> None:
    diff = unified_diff("a.yaml", "x: 1\ny: 2\n", "x: 1\ny: 3\n")
    assert diff == "--- a/a.yaml\n+++ b/a.yaml\n@@ -1,2 +1,2 @@\n x: 1\n-y: 2\n+y: 3\n"
