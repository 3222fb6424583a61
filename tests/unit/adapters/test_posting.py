"""Post exactly once: retry only after an ambiguous failure that left nothing behind."""

from __future__ import annotations

import pytest

from mlgate.adapters import posting


class Ambiguous(Exception):
    pass


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(posting.time, "sleep", lambda _s: None)


def run(
    outcomes: list[object], landed: list[object | None], retries: int = 3
) -> tuple[object, int]:
    calls = {"post": 0}

    def post() -> object:
        calls["post"] += 1
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    result = posting.post_once(
        post,
        landed=lambda: landed.pop(0),
        ambiguous=lambda e: isinstance(e, Ambiguous),
        retries=retries,
    )
    return result, calls["post"]


def test_success_first_time() -> None:
    assert run(["url"], []) == ("url", 1)


def test_lost_reply_is_found_not_reposted() -> None:
    assert run([Ambiguous()], ["landed-url"]) == ("landed-url", 1)


def test_nothing_landed_posts_again() -> None:
    assert run([Ambiguous(), "url"], [None]) == ("url", 2)


def test_a_certain_failure_is_not_retried() -> None:
    with pytest.raises(ValueError):
        run([ValueError("403")], [])


def test_retries_are_bounded() -> None:
    with pytest.raises(Ambiguous):
        run([Ambiguous(), Ambiguous(), Ambiguous()], [None, None], retries=2)
