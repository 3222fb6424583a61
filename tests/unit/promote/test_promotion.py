"""What the promote job decides and writes before it touches the registry: a local promotion
refused for want of an approver or a commit, the outcome block added to the report (with
approvers, versions and reasons from the outside escaped), and a report that cannot be
updated never undoing or failing a promotion."""

from __future__ import annotations

from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from mlgate.errors import ServiceError
from mlgate.files.config import Config, load_config
from mlgate.promote.promotion import PromotionResult, outcome_block, promote_local, reported

HOSTILE = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) @everyone"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    path = tmp_path / "mlgate.yml"
    path.write_text("model: churn\nmetrics:\n  accuracy: {max_drop: 0.01}\n", encoding="utf-8")
    return load_config(path)


def html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


@pytest.mark.parametrize(
    ("approved_by", "commit", "reasons"),
    [
        (None, None, ["--approved-by NAME", "--commit"]),
        ("alice", None, ["--commit"]),
        ("", "", ["--approved-by NAME", "--commit"]),
    ],
)
def test_a_local_promotion_without_approver_or_commit_is_refused_without_the_registry(
    config: Config, approved_by: str | None, commit: str | None, reasons: list[str]
) -> None:
    result = promote_local(
        tracking_uri="http://127.0.0.1:9",  # nothing listens: reaching it would be an error
        model="churn",
        version="3",
        approved_by=approved_by,
        commit=commit,
        config=config,
    )
    assert (result.promoted, result.action, result.version) == (False, "refused", "3")
    assert len(result.reasons) == len(reasons)
    for reason, expected in zip(result.reasons, reasons, strict=True):
        assert expected in reason


def test_a_promotion_is_announced_with_its_approvers_and_what_it_replaced(
    config: Config,
) -> None:
    result = PromotionResult(
        promoted=True, action="promoted", version="4", replaced="3", approvers=["alice", "bob"]
    )
    block = outcome_block(result, "churn", config)
    assert block == (
        "🚀 **Promoted** version 4 to @champion, replacing version 3 — approved by alice, bob."
    )


def test_a_version_already_in_production_says_so(config: Config) -> None:
    result = PromotionResult(promoted=True, action="already", version="4")
    assert outcome_block(result, "churn", config) == (
        "🚀 **Promotion:** version 4 already holds @champion."
    )


def test_a_refusal_lists_every_reason(config: Config) -> None:
    result = PromotionResult(
        promoted=False, action="refused", reasons=["no approval", "the head moved"]
    )
    block = outcome_block(result, "churn", config)
    assert block.splitlines() == [
        "⛔ **Promotion refused** for churn:",
        "- no approval",
        "- the head moved",
    ]


def test_names_from_the_outside_cannot_inject_markup_into_the_report(config: Config) -> None:
    promoted = PromotionResult(
        promoted=True, action="promoted", version=HOSTILE, replaced=HOSTILE, approvers=[HOSTILE]
    )
    refused = PromotionResult(promoted=False, action="refused", reasons=[HOSTILE + "\n# heading"])
    for result in (promoted, refused):
        rendered = html(outcome_block(result, HOSTILE, config))
        assert "<img" not in rendered and "<a " not in rendered and "<h1>" not in rendered
        assert "@everyone" not in rendered, "a mention would notify everyone"


def test_a_long_reason_is_cut(config: Config) -> None:
    result = PromotionResult(promoted=False, action="refused", reasons=["x" * 1000])
    assert len(outcome_block(result, "churn", config)) < 400


def test_an_unreachable_report_becomes_a_warning_not_a_failure() -> None:
    result = PromotionResult(promoted=True, action="promoted", version="4")

    def update() -> bool:
        raise ServiceError("GitHub: 502 after 3 attempts")

    outcome = reported(result, update)
    assert outcome.promoted and outcome.action == "promoted"
    assert outcome.warnings == [
        "the report was not updated with the outcome: GitHub: 502 after 3 attempts"
    ]


def test_no_report_to_update_is_a_warning_and_a_refusal_stays_a_refusal() -> None:
    result = PromotionResult(promoted=False, action="refused", reasons=["no approval"])
    outcome = reported(result, lambda: False)
    assert (outcome.promoted, outcome.action) == (False, "refused")
    assert outcome.warnings == ["no mlgate report on the pull/merge request to add the outcome to"]


def test_a_bug_while_updating_the_report_is_not_swallowed(tmp_path: Path) -> None:
    """Only mlgate's own errors become warnings; anything else is a bug (exit 4)."""
    result = PromotionResult(promoted=True, action="promoted", version="4")

    def update() -> bool:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        reported(result, update)
