"""What one approval on a pull/merge request covers when the PR gates several models
(``approval.scope``). Pure: the promote job reads which models the PR's reports are for.

``/mlgate promote [MODEL] [COMMIT]``: a command naming a model approves that model only; an
approval naming none — a review, a bare command — approves the PR's only model, or with
scope ``pr`` each of its models.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def split_model(argument: str, models: Iterable[str]) -> tuple[str | None, str]:
    """The model the command's argument names (when its first word is one of ``models``)
    and the rest of the argument."""
    first, _, rest = argument.partition(" ")
    if first and first in set(models):
        return first, rest.strip()
    return None, argument


def scope_refusal(
    *, model: str, named: str | None, gated: Sequence[str], scope: str, command: str
) -> str | None:
    """Why one approval may not promote ``model`` (None: it may)."""
    if named is not None:
        return None if named == model else f"the command names the model {named!r}, not {model!r}"
    others = sorted({m for m in gated if m != model})
    if not others or scope == "pr":
        return None
    shown = ", ".join([model, *others][:5]) + (" …" if len(others) > 4 else "")
    return (
        f"this pull request gates {len(others) + 1} models ({shown}) and approval.scope is "
        f"model, so an approval must name the model: comment {command} {model} <commit>"
    )
