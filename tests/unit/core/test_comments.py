"""Which comment is mlgate's, and what to do with it."""

from __future__ import annotations

import pytest

from mlgate.core.comments import Action, CommentMode, ExistingComment, find_ours, plan_comment

MARKER = "<!-- mlgate:report model=churn -->"


def comment(cid: int, author: str, body: str) -> ExistingComment:
    return ExistingComment(id=cid, author=author, body=body)


def test_ours_needs_marker_first_and_our_author() -> None:
    comments = [
        comment(1, "mallory", MARKER + "\nforged"),
        comment(2, "bot", "quoting " + MARKER),
        comment(3, "bot", "<!-- mlgate:report model=churn2 -->\nx"),
        comment(4, "Bot", MARKER + "\nmine"),
        comment(5, "bot", MARKER + "\nnewer duplicate"),
    ]
    found = find_ours(comments, marker=MARKER, author="bot")
    assert found is not None and found.id == 5
    assert find_ours(comments[:3], marker=MARKER, author="bot") is None


@pytest.mark.parametrize(
    ("existing", "body", "mode", "action"),
    [
        (None, "b", CommentMode.UPDATE, Action.CREATE),
        (comment(1, "bot", "a"), "b", CommentMode.UPDATE, Action.UPDATE),
        (comment(1, "bot", "b\n"), "b", CommentMode.UPDATE, Action.UNCHANGED),
        (comment(1, "bot", "a"), "b", CommentMode.RECREATE, Action.RECREATE),
        (comment(1, "bot", "b"), "b", CommentMode.RECREATE, Action.UNCHANGED),
        (comment(1, "bot", "b"), "b", CommentMode.NEW, Action.CREATE),
        (comment(1, "bot", "a"), "b", CommentMode.OFF, Action.SKIP),
    ],
)
def test_plan(
    existing: ExistingComment | None, body: str, mode: CommentMode, action: Action
) -> None:
    assert plan_comment(existing, body=body, mode=mode).action is action
