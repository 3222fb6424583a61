"""``mlgate promote`` / ``rollback`` / ``history``: the decision (core/approval.py) wired to
the registry (adapters/promotion.py), the local promotion, and the outcome on the report. A
refusal is a result with reasons, not an error."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate.adapters.clock import now_utc
from mlgate.core.recorded import check_production, check_run, check_verdict
from mlgate.files.config import Config


@dataclass(frozen=True, kw_only=True)
class PromotionResult:
    promoted: bool
    action: str  # promoted, completed, already, refused, rolled_back
    version: str | None = None
    replaced: str | None = None
    reasons: list[str] = field(default_factory=list)
    approvers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reference: str | None = None  # where the drift reference sample was stored


def promote_local(
    *,
    tracking_uri: str,
    model: str,
    version: str,
    approved_by: str | None,
    commit: str | None,
    config: Config,
    run_url: str | None = None,
    reason: str | None = None,
) -> PromotionResult:
    """The embedded default: a named approver (a person at a laptop, or a protected manual
    job), and a verdict recorded for the commit being promoted."""
    refusals = []
    if not approved_by:
        refusals.append("a local promotion needs --approved-by NAME (the person approving)")
    if not commit:
        return PromotionResult(
            promoted=False,
            action="refused",
            version=version,
            reasons=[
                *refusals,
                "name the commit being promoted with --commit (the verdict must be for it)",
            ],
        )
    return decide_and_promote(
        tracking_uri=tracking_uri,
        model=model,
        version=version,
        config=config,
        head_sha=commit,
        approvers=(approved_by,) if approved_by else (),
        refusals=refusals,
        approval_url="local (--approved-by)",
        run_url=run_url,
        reason=reason,
        head_now=lambda: commit,
    )


def rollback(
    *, tracking_uri: str, model: str, config: Config, by: str | None, reason: str | None
) -> PromotionResult:
    from mlgate.adapters.promotion import ProductionMoved

    try:
        moved = _promotions(tracking_uri).rollback(
            model=model,
            alias=config.production_alias,
            previous_alias=config.previous_alias,
            audit={"rolled_back_by": by or "", "reason": reason or ""},
            now=now_utc(),
        )
    except ProductionMoved as exc:
        return PromotionResult(promoted=False, action="refused", reasons=[str(exc)])
    return PromotionResult(
        promoted=True, action=moved.action, version=moved.version, replaced=moved.replaced
    )


def history(*, tracking_uri: str, model: str) -> list[dict[str, Any]]:
    """The promotion history; each version's latest entry carries the deployment change
    `mlgate deploy` proposed for it (``deployment``: url, state, repository, environment)."""
    from mlgate.adapters.deployments import Deployments
    from mlgate.adapters.registry import Registry

    entries: list[dict[str, Any]] = _promotions(tracking_uri).history(model)
    deployments = Deployments(Registry(tracking_uri=tracking_uri))
    latest = {str(e.get("version")): i for i, e in enumerate(entries) if e.get("version")}
    for version, index in latest.items():
        recorded = deployments.recorded(model=model, version=version)
        if recorded:
            entries[index]["deployment"] = recorded
    return entries


def recorded_for_commit(tracking_uri: str, *, model: str, commit: str) -> str | None:
    """When the verdict for ``commit`` was computed (mlgate.evaluated_at), or None."""
    promotions = _promotions(tracking_uri)
    version = promotions.version_for_commit(model, commit)
    if version is None:
        return None
    evaluated: str | None = promotions.recorded_verdict(model, version).evaluated_at
    return evaluated


def _promotions(tracking_uri: str) -> Any:
    from mlgate.adapters.promotion import Promotions
    from mlgate.adapters.registry import Registry

    return Promotions(Registry(tracking_uri=tracking_uri))


def decide_and_promote(
    *,
    tracking_uri: str,
    model: str,
    version: str | None,
    config: Config,
    head_sha: str,
    approvers: Sequence[str],
    refusals: Sequence[str],
    approval_url: str,
    run_url: str | None,
    reason: str | None,
    head_now: Callable[[], str],
    ci_run: str | None = None,
) -> PromotionResult:
    """``ci_run``: the approval is of that CI run (no PR), and covers only the version the
    run evaluated."""
    promotions = _promotions(tracking_uri)
    reasons = list(refusals)
    chosen = version or promotions.version_for_commit(model, head_sha)
    recorded = None
    production = None
    if chosen is None:
        reasons.append(f"no version of {model} was evaluated for the head commit {head_sha[:12]}")
    else:
        recorded = promotions.recorded_verdict(model, chosen)
        reasons += check_verdict(recorded, head_sha=head_sha, policy=config.approval)
        if ci_run is not None:
            reasons += check_run(recorded, run=ci_run, version=chosen)
        production = promotions.holder(model, config.production_alias)
        reasons += check_production(
            recorded, version=chosen, production=production, alias=config.production_alias
        )
    if reasons:
        return PromotionResult(
            promoted=False, action="refused", version=chosen, reasons=_unique(reasons)
        )
    assert recorded is not None
    assert chosen is not None
    moved_on = head_now()  # a push between the checks and the write aborts the promotion
    if moved_on != head_sha:
        return PromotionResult(
            promoted=False,
            action="refused",
            version=chosen,
            reasons=[
                f"the head moved from {head_sha[:12]} to {moved_on[:12]} while promoting; "
                "evaluate and approve it again"
            ],
        )
    stored = _store_reference(tracking_uri, model=model, version=chosen, config=config)
    audit = {
        "approved_by": ",".join(approvers),
        "approval": approval_url,
        "commit": head_sha,
        "run_url": run_url or "",
        "reason": reason or "",
        **({"reference_sample": stored} if stored else {}),
        **recorded.lineage,
    }
    from mlgate.adapters.promotion import ProductionMoved

    try:
        moved = promotions.promote(
            model=model,
            version=chosen,
            alias=config.production_alias,
            previous_alias=config.previous_alias,
            audit=audit,
            now=now_utc(),
            expected=production,
        )
    except ProductionMoved as exc:
        return PromotionResult(promoted=False, action="refused", version=chosen, reasons=[str(exc)])
    return PromotionResult(
        promoted=True,
        action=moved.action,
        version=moved.version,
        replaced=moved.replaced,
        approvers=list(approvers),
        reference=stored,
    )


def _store_reference(tracking_uri: str, *, model: str, version: str, config: Config) -> str | None:
    """A sample of drift.reference kept with the version, before the alias moves: a file
    that cannot be read stops the promotion (exit 2) rather than leaving production
    without the data monitoring compares against."""
    settings = config.drift
    if not settings.reference:
        return None
    from mlgate.adapters.references import References
    from mlgate.adapters.registry import Registry
    from mlgate.files.tables import write_sample

    with tempfile.TemporaryDirectory(prefix="mlgate-reference-") as folder:
        sample = write_sample(
            Path(settings.reference),
            Path(folder),
            rows=settings.reference_rows,
            seed=settings.seed,
        )
        stored = References(Registry(tracking_uri=tracking_uri)).store(
            model=model, version=version, sample=sample, source=settings.reference
        )
    return f"{stored.uri} ({stored.rows:,} of {stored.source_rows:,} rows)"


def outcome_block(result: PromotionResult, model: str, config: Config) -> str:
    """The promotion outcome, as Markdown for the report comment (user text escaped)."""
    from mlgate.report.text import md

    alias = md(config.production_alias)
    if result.promoted:
        who = ", ".join(md(a) for a in result.approvers) or "—"
        replaced = f", replacing version {md(result.replaced)}" if result.replaced else ""
        if result.action == "already":
            return f"🚀 **Promotion:** version {md(result.version or '?')} already holds @{alias}."
        version = md(result.version or "?")
        return f"🚀 **Promoted** version {version} to @{alias}{replaced} — approved by {who}."
    lines = [f"⛔ **Promotion refused** for {md(model)}:"]
    lines += [f"- {md(r, limit=300)}" for r in result.reasons]
    return "\n".join(lines)


def reported(result: PromotionResult, update: Callable[[], object]) -> PromotionResult:
    """Put the outcome on the report; a report that cannot be updated never undoes or
    fails a promotion that happened (nor turns a refusal into anything else)."""
    from mlgate.errors import MlgateError

    try:
        if not update():
            result.warnings.append(
                "no mlgate report on the pull/merge request to add the outcome to"
            )
    except MlgateError as exc:
        result.warnings.append(f"the report was not updated with the outcome: {exc}")
    return result


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))
