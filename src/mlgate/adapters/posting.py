"""Posting a comment/note exactly once over an unreliable network.

Creating a comment is not idempotent: a 5xx or a timeout can arrive after the server stored
it. So a post is retried only after looking shows it did not land. Shared by the GitHub and
GitLab adapters; each says which failures are ambiguous and how to look.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def post_once(
    post: Callable[[], T],
    *,
    landed: Callable[[], T | None],
    ambiguous: Callable[[Exception], bool],
    retries: int,
) -> T:
    """``post()``; after an ambiguous failure return what ``landed()`` finds, else post again
    (up to ``retries`` more times, waiting 1, 2, 4, 8 s). Other failures propagate at once."""
    for attempt in range(retries + 1):
        try:
            return post()
        except Exception as exc:
            if not ambiguous(exc) or attempt == retries:
                raise
        found = landed()
        if found is not None:
            return found
        time.sleep(min(2.0**attempt, 8.0))
    raise AssertionError("unreachable")
