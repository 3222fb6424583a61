"""``mlgate promote`` / ``rollback`` / ``history``: the decision (core/approval.py) wired to
the registry (adapters/promotion.py). A refusal is a result with reasons, not an error."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlgate.config import Config
from mlgate.core.approval import check_verdict
from mlgate.flows import now_utc


@dataclass(frozen=True, kw_only=True)
class PromotionResult:
    promoted: bool
    action: str  # promoted, completed, already, refused, rolled_back
    version: str | None = None
    replaced: str | None = None
    reasons: list[str] = field(default_factory=list)


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
    promotions = _promotions(tracking_uri)
    reasons: list[str] = []
    if not approved_by:
        reasons.append("a local promotion needs --approved-by NAME (the person approving)")
    if not commit:
        reasons.append("name the commit being promoted with --commit (the verdict must be for it)")
    recorded = promotions.recorded_verdict(model, version)
    if commit:
        reasons += check_verdict(recorded, head_sha=commit, policy=config.approval)
    if reasons:
        return PromotionResult(promoted=False, action="refused", version=version, reasons=reasons)
    assert approved_by is not None and commit is not None
    audit = {
        "approved_by": approved_by,
        "approval": "local (--approved-by)",
        "commit": commit,
        "run_url": run_url or "",
        "reason": reason or "",
    }
    moved = promotions.promote(
        model=model,
        version=version,
        alias=config.production_alias,
        previous_alias=config.previous_alias,
        audit=audit,
        now=now_utc(),
    )
    return PromotionResult(
        promoted=True, action=moved.action, version=moved.version, replaced=moved.replaced
    )


def rollback(
    *, tracking_uri: str, model: str, config: Config, by: str | None, reason: str | None
) -> PromotionResult:
    moved = _promotions(tracking_uri).rollback(
        model=model,
        alias=config.production_alias,
        previous_alias=config.previous_alias,
        audit={"rolled_back_by": by or "", "reason": reason or ""},
        now=now_utc(),
    )
    return PromotionResult(
        promoted=True, action=moved.action, version=moved.version, replaced=moved.replaced
    )


def history(*, tracking_uri: str, model: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = _promotions(tracking_uri).history(model)
    return entries


def _promotions(tracking_uri: str) -> Any:
    from mlgate.adapters.promotion import Promotions
    from mlgate.adapters.registry import Registry

    return Promotions(Registry(tracking_uri=tracking_uri))
