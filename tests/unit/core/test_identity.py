"""Which production model a candidate is compared with, or the refusal: every state the
registry can be in, table-driven, and which new names count as typos of existing ones."""

from __future__ import annotations

import pytest

from mlgate.core.identity import (
    IdentityError,
    ModelState,
    NoBaseline,
    is_near,
    production,
    suggestions,
)

NEW = ModelState(exists=False, aliases={})
EMPTY = ModelState(exists=True, aliases={})
ONLY_CANDIDATE = ModelState(exists=True, aliases={"challenger": "3"}, versions=("3",))
UNPROMOTED = ModelState(exists=True, aliases={}, versions=("1", "2"))
PROMOTED_BEFORE = ModelState(exists=True, aliases={}, versions=("1",), promoted=True)
IN_PRODUCTION = ModelState(
    exists=True, aliases={"champion": "1", "previous": "2"}, versions=("1", "2")
)


@pytest.mark.parametrize(
    ("state", "alias", "allow", "found"),
    [
        (IN_PRODUCTION, "champion", True, "1"),
        (NEW, "champion", True, "new_model"),
        (EMPTY, "champion", True, "no_versions"),
        (ONLY_CANDIDATE, "champion", False, "no_versions"),  # its own @challenger aside
        (UNPROMOTED, "champion", True, "never_promoted"),
        (UNPROMOTED, "champion", False, "approval.allow_no_baseline is false"),
        (PROMOTED_BEFORE, "champion", True, "production was removed by hand"),
        (IN_PRODUCTION, "production", True, "the model's aliases are @champion (version 1)"),
        (IN_PRODUCTION, "Champion", True, "aliases are case-sensitive in MLflow"),
        (IN_PRODUCTION, "champon", True, "did you mean @champion?"),
    ],
)
def test_production_or_why_not(state: ModelState, alias: str, allow: bool, found: str) -> None:
    try:
        result = production(
            state, model="churn", alias=alias, candidate_version="3", allow_no_baseline=allow
        )
    except IdentityError as exc:
        assert found in str(exc)
        assert str(exc).startswith(f"models:/churn@{alias} does not exist")
        return
    if isinstance(result, NoBaseline):
        assert result.reason == found and result.alias == alias
    else:
        assert result == found


@pytest.mark.parametrize(
    ("new", "existing", "near"),
    [
        ("chrun", "churn", True),  # a transposition
        ("Churn", "churn", True),  # case only
        ("churn-clasifier", "churn-classifier", True),
        ("churn-classifer2", "churn-classifier", True),  # two edits past ten characters
        ("churn-v2", "churn-v1", False),  # digits only: deliberate
        ("fraud", "churn", False),
        ("churn", "churn", False),  # the same name is not a near-copy
    ],
)
def test_near_names(new: str, existing: str, near: bool) -> None:
    assert is_near(new, existing) is near


def test_suggestions_put_typos_first() -> None:
    assert suggestions("chrun", ["fraud", "churn", "churn-v2"])[0] == "churn"
