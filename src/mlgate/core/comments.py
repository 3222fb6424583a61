"""Which comment on a PR/MR is mlgate's report, and what to do with it. Pure.

A comment is ours only when it carries this model's marker AND was written by the identity
mlgate posts as: anyone can paste our marker into their own comment, and that comment must
never be edited (or trusted) as the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class CommentMode(str, Enum):
    UPDATE = "update"  # edit ours in place (post one if there is none)
    RECREATE = "recreate"  # delete ours and post anew (it moves to the bottom of the thread)
    NEW = "new"  # always post another
    OFF = "off"  # post nothing


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    RECREATE = "recreate"
    UNCHANGED = "unchanged"
    SKIP = "skip"


@dataclass(frozen=True, kw_only=True)
class ExistingComment:
    id: int
    author: str
    body: str
    url: str = ""


@dataclass(frozen=True, kw_only=True)
class CommentPlan:
    action: Action
    target: ExistingComment | None = None


def is_ours(comment: ExistingComment, *, marker: str, author: str) -> bool:
    first_line = comment.body.split("\n", 1)[0].strip()
    return comment.author.lower() == author.lower() and first_line == marker


def find_ours(
    comments: Iterable[ExistingComment], *, marker: str, author: str
) -> ExistingComment | None:
    """The newest of our comments for this marker (older duplicates are left alone)."""
    ours = [c for c in comments if is_ours(c, marker=marker, author=author)]
    return max(ours, key=lambda c: c.id) if ours else None


def plan_comment(existing: ExistingComment | None, *, body: str, mode: CommentMode) -> CommentPlan:
    if mode is CommentMode.OFF:
        return CommentPlan(action=Action.SKIP)
    if mode is CommentMode.NEW or existing is None:
        return CommentPlan(action=Action.CREATE)
    if existing.body.strip() == body.strip():
        return CommentPlan(action=Action.UNCHANGED, target=existing)
    if mode is CommentMode.RECREATE:
        return CommentPlan(action=Action.RECREATE, target=existing)
    return CommentPlan(action=Action.UPDATE, target=existing)


OUTCOME_START = "<!-- mlgate:outcome -->"
OUTCOME_END = "<!-- /mlgate:outcome -->"


def with_block(body: str, block: str, *, limit: int) -> str:
    """``body`` with its outcome block (between the outcome markers) replaced by ``block``,
    kept within ``limit`` characters by shortening the block, never the report."""
    start = body.find(OUTCOME_START)
    end = body.find(OUTCOME_END)
    base = body[:start].rstrip() if start != -1 and end > start else body.rstrip()
    room = limit - len(base) - len(OUTCOME_START) - len(OUTCOME_END) - 6
    text = block if len(block) <= room else block[: max(room - 1, 0)] + "…"
    return f"{base}\n\n{OUTCOME_START}\n{text}\n{OUTCOME_END}\n"
