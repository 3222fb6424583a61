"""The --state file as the relay reads it back: whatever a crash, an editor or a disk left
in it, loading never fails, keeps every well-formed line's meaning, and rewrites the file
so that a second load reads the same."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.relay.ledger import Ledger, Pending

ids = st.from_regex(r"[A-Za-z0-9._:-]{1,20}@github:acme/churn", fullmatch=True)
junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40).map(
    lambda text: text.replace("\n", " ").replace("\r", " ")
)


@st.composite
def lines(draw: st.DrawFn) -> tuple[list[str], set[str], set[str]]:
    written: list[str] = []
    done: set[str] = set()
    owed: set[str] = set()
    for kind in draw(st.lists(st.sampled_from(["done", "owed", "junk", "torn"]), max_size=30)):
        if kind == "done":
            key = draw(ids)
            written.append(key)
            done.add(key)
        elif kind == "owed":
            key = draw(ids)
            written.append(
                Pending(
                    key=key, target="github:acme/churn", payload={"model": "m"}, since=1.0,
                    error="503",
                ).line()
            )  # fmt: skip
            owed.add(key)
        elif kind == "torn":
            written.append('{"key": "x@github:acme/churn", "tar')
        else:
            written.append("{" + draw(junk))
    return written, done, owed - done


@settings(max_examples=150, deadline=None)
@given(lines())
def test_any_state_file_loads_and_keeps_what_it_said(
    case: tuple[list[str], set[str], set[str]],
) -> None:
    written, done, owed = case
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "relay.state"
        state.write_text("".join(f"{line}\n" for line in written))
        first = Ledger(state=state)
        assert set(first.seen()) == done
        assert {p.key for p in first.owed()} == owed
        again = Ledger(state=state)
        assert set(again.seen()) == done and {p.key for p in again.owed()} == owed
