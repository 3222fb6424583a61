"""The report's one line about the evaluation data: what each side was scored on."""

from __future__ import annotations

from mlgate.core.dataset import Dataset
from mlgate.core.provenance import Outcome
from mlgate.core.verdict import Verdict
from mlgate.report.text import md_code


def data_line(verdict: Verdict) -> str:
    """``📊 **Data** both evaluated on `eval-2026-11` digest `3f2a1b9c```, or what
    differed and what was done about it; empty when nothing is known."""
    comparison = verdict.data
    candidate = verdict.candidate.dataset
    if comparison is None:
        return f"📊 **Data** candidate evaluated on {_named(candidate)}" if candidate else ""
    ours, theirs = _named(comparison.candidate), _named(comparison.baseline)
    outcome = comparison.outcome
    if outcome is Outcome.SAME:
        return f"📊 **Data** both evaluated on {ours}"
    if outcome is Outcome.RESCORED:
        text = (
            f"🔁 **Data** production re-scored on the candidate's {ours} "
            f"(it was evaluated on {theirs})"
        )
        if comparison.not_rescored:
            names = ", ".join(md_code(name, limit=60) for name in comparison.not_rescored[:5])
            text += f"; not re-scored: {names}"
        return text
    if outcome is Outcome.CROSS_DATASET:
        return f"⚠️ **Data** compared across datasets: candidate on {ours}, production on {theirs}"
    if outcome is Outcome.REFUSED:
        return f"❌ **Data** not comparable: candidate on {ours}, production on {theirs}"
    return f"❔ **Data** candidate on {ours}, production on {theirs}"


def _named(dataset: Dataset | None) -> str:
    if dataset is None:
        return "unrecorded data"
    digest = f" digest {md_code(dataset.short_digest, limit=20)}" if dataset.digest else ""
    return f"{md_code(dataset.name, limit=80)}{digest}"
