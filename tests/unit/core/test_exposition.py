"""How a run's groups merge with an earlier textfile, against a model of a Pushgateway:
for any sequence of runs (judged, unknown or not run, per check), the file holds exactly
what a Pushgateway would — PUT replaces a group, POST replaces the families it names."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.core.exposition import Family, Group, merged

CHECKS = ("drift", "performance", "skew")


def group(check: str, run: int, *, judged: bool) -> Group:
    key = {"model": "m", "command": "monitor", "check": check}
    names = tuple(key)
    families = [Family(name="mlgate_check_status", help="s", labels=names)]
    families[0].samples.append((tuple(key.values()), float(run)))
    if judged:
        families.append(Family(name=f"mlgate_{check}_value", help="v", labels=names, samples=[]))
        families[1].samples.append((tuple(key.values()), float(run)))
    return Group(key=tuple(key.items()), families=families, judged=judged)


def series(families: list[Family]) -> dict[tuple[str, tuple[str, ...]], float]:
    return {(f.name, values): value for f in families for values, value in f.samples}


runs = st.lists(st.dictionaries(st.sampled_from(CHECKS), st.booleans(), max_size=3), max_size=8)


@settings(max_examples=200, deadline=None)
@given(runs)
def test_the_textfile_holds_what_a_pushgateway_would(sequence: list[dict[str, bool]]) -> None:
    file: list[Family] = []
    gateway: dict[str, dict[tuple[str, tuple[str, ...]], float]] = {}
    for run, checks in enumerate(sequence):
        groups = [group(check, run, judged=judged) for check, judged in checks.items()]
        file = merged(file, groups)
        for g in groups:  # the model: PUT replaces the group, POST only the names it sends
            sent = series(g.families)
            kept = {} if g.judged else gateway.get(g.labels["check"], {})
            names = {name for name, _ in sent}
            gateway[g.labels["check"]] = {
                **{k: v for k, v in kept.items() if k[0] not in names},
                **sent,
            }
        expected = {k: v for by_check in gateway.values() for k, v in by_check.items()}
        assert series(file) == expected
