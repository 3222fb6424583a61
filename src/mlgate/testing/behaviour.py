"""Behavioural tests (CheckList-style): invariance, directional expectations and minimum
functionality. Each helper raises :class:`ModelTestFailure` naming the examples that broke
the expectation, how many did, and by how much; each returns what it measured."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mlgate.testing.predictions import (
    ModelTestFailure,
    Predict,
    changed_mask,
    outputs,
    percent,
    predict_fn,
    row_labels,
    select_output,
    show,
)

Perturbation = Callable[[Any], Any]


@dataclass(frozen=True)
class BehaviourResult:
    """How many examples were checked and which ones broke the expectation."""

    checked: int
    violations: int
    examples: tuple[str, ...]


def assert_invariant(
    model: Any,
    data: Any,
    perturb: Perturbation | Any,
    *,
    max_changed: int = 0,
    max_changed_fraction: float | None = None,
    atol: float = 0.0,
    name: str = "",
    predict: Predict | None = None,
    show_examples: int = 5,
) -> BehaviourResult:
    """Predictions must not change when ``perturb`` is applied to ``data``.

    ``perturb`` is a function of the data (or the perturbed data itself). A prediction
    "changes" when it differs (numbers: by more than ``atol``). Up to ``max_changed``
    examples (or ``max_changed_fraction`` of them) may change.
    """
    __tracebackhide__ = True
    call = predict_fn(model, predict)
    perturbed = perturb(data) if callable(perturb) else perturb
    before = outputs(call, data)
    after = outputs(call, perturbed, expected_rows=len(before))
    changed = changed_mask(before, after, atol=atol)
    count, total = int(changed.sum()), len(before)
    allowed = _allowed(total, max_changed, max_changed_fraction)
    labels = row_labels(data, total)
    examples = tuple(
        f"row {labels[i]}: {show(before[i])} → {show(after[i])}" for i in changed.nonzero()[0]
    )
    if count > allowed:
        raise ModelTestFailure(
            f"invariance{_named(name)}: {count} of {total} predictions changed "
            f"({percent(count, total)}; allowed {allowed}): "
            + "; ".join(examples[:show_examples])
            + _more(count, show_examples)
        )
    return BehaviourResult(checked=total, violations=count, examples=examples)


def assert_directional(
    model: Any,
    data: Any,
    perturb: Perturbation | Any,
    *,
    direction: Literal["up", "down"],
    min_change: float = 0.0,
    max_violations: int = 0,
    output: int | None = None,
    atol: float = 1e-12,
    name: str = "",
    predict: Predict | None = None,
    show_examples: int = 5,
) -> BehaviourResult:
    """Under ``perturb`` each prediction must move ``direction`` ("up" or "down") by at
    least ``min_change`` — with the default 0, it must at least not move the other way.

    Needs one number per example (a score, a probability, a regression value): pass
    ``predict=`` returning scores when the model predicts labels, or ``output=`` to pick
    a column of a multi-output prediction.
    """
    __tracebackhide__ = True
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    call = predict_fn(model, predict)
    perturbed = perturb(data) if callable(perturb) else perturb
    what = f"directional{_named(name)}"
    before = select_output(outputs(call, data), output, what=what)
    after = select_output(outputs(call, perturbed, expected_rows=len(before)), output, what=what)
    moved = after - before if direction == "up" else before - after
    wrong = moved < (min_change - atol)
    count, total = int(wrong.sum()), len(before)
    labels = row_labels(data, total)
    order = sorted(wrong.nonzero()[0], key=lambda i: moved[i])
    examples = tuple(
        f"row {labels[i]}: {show(before[i])} → {show(after[i])} ({after[i] - before[i]:+.4g})"
        for i in order
    )
    if count > max_violations:
        need = f"by at least {min_change:g}" if min_change > 0 else "or stay"
        worst = float(moved[order[0]]) if direction == "up" else -float(moved[order[0]])
        raise ModelTestFailure(
            f"{what}: expected every prediction to go {direction} {need} under the "
            f"perturbation; {count} of {total} did not ({percent(count, total)}; "
            f"allowed {max_violations}; worst change {worst:+.4g}): "
            + "; ".join(examples[:show_examples])
            + _more(count, show_examples)
        )
    return BehaviourResult(checked=total, violations=count, examples=examples)


@dataclass(frozen=True)
class Case:
    """One entry of a minimum-functionality checklist: inputs and the expected output."""

    name: str
    inputs: Mapping[str, Any]
    expected: Any


def assert_cases(
    model: Any,
    cases: Sequence[Case] | Any,
    *,
    expected: str = "expected",
    name_column: str = "name",
    atol: float = 0.0,
    min_pass_rate: float = 1.0,
    name: str = "",
    predict: Predict | None = None,
    show_examples: int = 10,
) -> BehaviourResult:
    """Minimum functionality: every case in a labelled checklist gets its expected output
    (numbers: within ``atol``), or at least ``min_pass_rate`` of them do.

    ``cases`` is a list of :class:`Case`, or a DataFrame with an ``expected`` column (and
    optionally a ``name_column``); the other columns are the model's inputs.
    """
    __tracebackhide__ = True
    import numpy as np
    import pandas as pd

    if not 0.0 <= min_pass_rate <= 1.0:
        raise ValueError("min_pass_rate must be between 0 and 1")
    frame, wanted, names = _checklist(cases, expected=expected, name_column=name_column)
    got = outputs(predict_fn(model, predict), frame, expected_rows=len(frame))
    wanted_values = np.asarray(wanted)
    if atol > 0:
        ok = np.isclose(got.astype(float), wanted_values.astype(float), rtol=0.0, atol=atol)
    else:
        ok = np.asarray(pd.Series(list(got)).eq(pd.Series(list(wanted_values))))
    failed = [i for i in range(len(frame)) if not ok[i]]
    total = len(frame)
    examples = tuple(
        f"{names[i]!r}: expected {show(wanted_values[i])}, got {show(got[i])}" for i in failed
    )
    rate = (total - len(failed)) / total if total else 1.0
    if rate < min_pass_rate:
        raise ModelTestFailure(
            f"minimum functionality{_named(name)}: {len(failed)} of {total} cases failed "
            f"(pass rate {percent(total - len(failed), total)}, required "
            f"{min_pass_rate * 100:g}%): "
            + "; ".join(examples[:show_examples])
            + _more(len(failed), show_examples)
        )
    return BehaviourResult(checked=total, violations=len(failed), examples=examples)


def _checklist(
    cases: Sequence[Case] | Any, *, expected: str, name_column: str
) -> tuple[Any, list[Any], list[str]]:
    import pandas as pd

    if isinstance(cases, pd.DataFrame):
        if expected not in cases.columns:
            raise ValueError(f"the checklist has no {expected!r} column with the expected outputs")
        names = (
            [str(n) for n in cases[name_column]]
            if name_column in cases.columns
            else [f"case {label}" for label in cases.index]
        )
        frame = cases.drop(columns=[c for c in (expected, name_column) if c in cases.columns])
        return frame, list(cases[expected]), names
    items = list(cases)
    if not items:
        raise ValueError("the checklist is empty")
    for item in items:
        if not isinstance(item, Case):
            raise TypeError(f"expected Case(name, inputs, expected) entries, got {item!r:.80}")
    frame = pd.DataFrame([dict(item.inputs) for item in items])
    return frame, [item.expected for item in items], [item.name for item in items]


def _allowed(total: int, count: int, fraction: float | None) -> int:
    if fraction is None:
        return count
    if not 0.0 <= fraction <= 1.0:
        raise ValueError("max_changed_fraction must be between 0 and 1")
    return max(count, int(fraction * total))


def _named(name: str) -> str:
    return f" ({name})" if name else ""


def _more(count: int, shown: int) -> str:
    return f"; … and {count - shown} more" if count > shown else ""
