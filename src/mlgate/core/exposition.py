"""Prometheus exposition as data: metric families in groups (a Pushgateway group, and the
part of a textfile one run owns), and how a run's groups merge with what an earlier run
wrote. Pure: the adapter (adapters/prometheus.py) renders, reads and pushes."""

from __future__ import annotations

from dataclasses import dataclass, field

KEY_LABELS = ("model", "command", "check", "metric")  # what names a group


@dataclass(frozen=True, kw_only=True)
class Family:
    name: str
    help: str
    labels: tuple[str, ...]
    samples: list[tuple[tuple[str, ...], float]] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Group:
    """One Pushgateway group (``job=mlgate`` plus ``key``). ``judged``: the run replaces
    the whole group (PUT); else only the families given (POST), the rest stays."""

    key: tuple[tuple[str, str], ...]
    families: list[Family]
    judged: bool = True

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.key)


def merged(previous: list[Family], groups: list[Group]) -> list[Family]:
    """The textfile after this run: what an earlier run wrote for groups this run did not
    replace stays (as a Pushgateway keeps other groups), then this run's groups."""
    kept = []
    for family in previous:
        samples = [
            (values, value)
            for values, value in family.samples
            if not _replaced(family.name, dict(zip(family.labels, values, strict=True)), groups)
        ]
        if samples:
            kept.append(
                Family(name=family.name, help=family.help, labels=family.labels, samples=samples)
            )
    return kept + [f for g in groups for f in g.families]


def _replaced(name: str, labels: dict[str, str], groups: list[Group]) -> bool:
    if "command" not in labels:
        return True  # written before groups existed: nothing can tell whose it is
    key = {n: labels[n] for n in KEY_LABELS if n in labels}
    for group in groups:
        if group.labels == key:
            return group.judged or any(f.name == name for f in group.families)
    return False
