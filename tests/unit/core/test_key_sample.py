"""Keys sampled by their hash: the same keys every time, a rate or an exact count."""

from __future__ import annotations

from mlgate.core.key_sample import chosen, fraction, key_text


def test_a_rate_keeps_about_that_share_the_same_way_every_time() -> None:
    keys = [str(k) for k in range(20_000)]
    kept = chosen(keys, 0.1)
    assert 1_850 < len(kept) < 2_150
    assert chosen(reversed(keys), 0.1) == kept
    assert chosen(keys, 0.2) >= kept  # a larger rate keeps every key a smaller one does


def test_a_count_keeps_exactly_that_many_with_the_smallest_hashes() -> None:
    keys = [str(k) for k in range(1_000)]
    kept = chosen(keys, 30)
    assert len(kept) == 30
    assert max(fraction(k) for k in kept) < min(fraction(k) for k in set(keys) - kept)
    assert chosen(keys, 5_000) == set(keys)


def test_composite_keys_are_one_text_and_fractions_are_in_the_unit_interval() -> None:
    assert key_text((1001, "eu")) == "1001\x1feu"
    assert key_text((10, "01eu")) != key_text((1001, "eu"))
    assert all(0 <= fraction(str(k)) < 1 for k in range(1_000))
