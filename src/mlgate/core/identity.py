"""Which production model a candidate is compared against, decided from what the registry
holds — or a refusal. A gate fails closed: a mistyped alias or model name must never read
as "no production model yet" and pass a worse model.

``no_baseline`` is for exactly three situations, recorded in the verdict:

``new_model``        the registered model does not exist and the user said to create it
                     (``--create-model`` / ``register: {create: true}``);
``no_versions``      the registered model exists and has no version but the candidate;
``never_promoted``   it has versions, no alias but the candidate's own, has never been
                     promoted by mlgate, and ``approval.allow_no_baseline`` is true.

Everything else without the production alias is an input error that lists the aliases the
model does have, with a did-you-mean.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NEW_MODEL = "new_model"
NO_VERSIONS = "no_versions"
NEVER_PROMOTED = "never_promoted"


class IdentityError(Exception):
    """The registry does not hold what the configuration names; the message says what to do."""


@dataclass(frozen=True, kw_only=True)
class ModelState:
    """What the registry holds for one registered model, read before anything is written."""

    exists: bool
    aliases: Mapping[str, str]  # alias → version
    versions: tuple[str, ...] = ()  # the versions' numbers (at most a page of them)
    promoted: bool = False  # mlgate's promotion history is on the registered model


@dataclass(frozen=True, kw_only=True)
class NoBaseline:
    """Why the candidate has no production model to be compared against."""

    reason: str  # NEW_MODEL, NO_VERSIONS or NEVER_PROMOTED
    alias: str
    summary: str

    def to_dict(self) -> dict[str, str]:
        return {"reason": self.reason, "alias": self.alias, "summary": self.summary}

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> NoBaseline:
        return cls(reason=data["reason"], alias=data["alias"], summary=data["summary"])


def production(
    state: ModelState,
    *,
    model: str,
    alias: str,
    candidate_version: str | None = None,
    allow_no_baseline: bool = True,
) -> str | NoBaseline:
    """The version holding ``alias``, or why there is none that still allows a verdict.
    ``candidate_version`` is the candidate's own version when it is registered already:
    aliases on it (``@challenger``) do not make the model "promoted"."""
    if alias in state.aliases:
        return state.aliases[alias]
    if not state.exists:
        return NoBaseline(
            reason=NEW_MODEL,
            alias=alias,
            summary=f"{model} is a new registered model: this is its first version",
        )
    others = [v for v in state.versions if v != candidate_version]
    if not others:
        return NoBaseline(
            reason=NO_VERSIONS,
            alias=alias,
            summary=f"{model} has no version but the candidate: this is its first",
        )
    foreign = {a: v for a, v in state.aliases.items() if v != candidate_version}
    if not foreign and not state.promoted and allow_no_baseline:
        return NoBaseline(
            reason=NEVER_PROMOTED,
            alias=alias,
            summary=f"{model} has {len(others)} other version(s), none ever promoted "
            f"(no alias, no mlgate promotion history)",
        )
    raise IdentityError(missing_alias(state, model=model, alias=alias))


def missing_alias(state: ModelState, *, model: str, alias: str) -> str:
    """The refusal for an alias the model does not have."""
    head = f"models:/{model}@{alias} does not exist"
    if state.aliases:
        listed = ", ".join(f"@{a} (version {v})" for a, v in sorted(state.aliases.items()))
        hint = alias_hint(alias, state.aliases)
        return (
            f"{head}; the model's aliases are {listed}{hint or '.'} Set `baseline` in "
            "mlgate.yml (or --baseline-alias) to the alias that marks production"
        )
    if state.promoted:
        return (
            f"{head}, although mlgate promoted {model} before (see `mlgate history`): "
            "production was removed by hand. Restore it (mlgate rollback, or set the alias) "
            "before gating a candidate"
        )
    return (
        f"{head} and {model} has other versions; approval.allow_no_baseline is false, so a "
        "candidate is only gated against production: promote one version first"
    )


def alias_hint(alias: str, aliases: Iterable[str]) -> str:
    """``; did you mean @champion?`` — saying so when only the case differs."""
    names = list(aliases)
    same = [a for a in names if a.lower() == alias.lower()]
    if same:
        return f"; aliases are case-sensitive in MLflow: did you mean @{same[0]}?"
    close = difflib.get_close_matches(alias, names, n=1, cutoff=0.6)
    return f"; did you mean @{close[0]}?" if close else ""


def unknown_model(model: str, *, names: Iterable[str], where: str) -> str:
    """The refusal for a registered model that does not exist."""
    close = suggestions(model, names)
    hint = f"; did you mean {', '.join(repr(n) for n in close)}?" if close else "."
    return (
        f"registered model {model!r} not found at {where}{hint} To gate the first version of "
        "a new model, pass --create-model (or set register: {create: true} in mlgate.yml)"
    )


def refused_creation(model: str, *, near: Iterable[str]) -> str:
    """The refusal to create a model whose name is most likely a typo of an existing one."""
    names = ", ".join(repr(n) for n in near)
    return (
        f"will not create registered model {model!r}: it is one typo away from {names}, "
        "which exists. Use that name (--model or `model` in mlgate.yml); a new model needs "
        "a name that is not a near-copy of another"
    )


def suggestions(name: str, names: Iterable[str]) -> list[str]:
    """Existing names a typo of ``name`` would most likely have meant, best first."""
    pool = list(names)
    near = [n for n in pool if is_near(name, n)]
    close = difflib.get_close_matches(name, pool, n=3, cutoff=0.75)
    return list(dict.fromkeys([*near, *close]))[:3]


def is_near(new: str, existing: str) -> bool:
    """A new name so close to an existing one that it is most likely a typo of it: equal
    but for case, or within one edit (two past ten characters; a transposition counts
    one). A difference in digits only (churn-v1 → churn-v2) is deliberate, not a typo."""
    if new == existing:
        return False
    if new.lower() == existing.lower():
        return True
    if _digits_only_differ(new, existing):
        return False
    limit = 2 if min(len(new), len(existing)) > 10 else 1
    return edit_distance(new.lower(), existing.lower(), limit=limit) <= limit


def _digits_only_differ(a: str, b: str) -> bool:
    def letters(text: str) -> str:
        return "".join(ch for ch in text if not ch.isdigit())

    return letters(a) == letters(b)


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Damerau–Levenshtein (optimal string alignment) distance, giving up past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
