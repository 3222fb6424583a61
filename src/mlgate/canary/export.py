"""A canary decision as Prometheus metric families, so the dashboard shows why a rollout
stopped: one group per model (``job=mlgate, model, command=canary``), replaced by each
decision, written to the textfile and pushed as ``drift``/``monitor`` do
(:func:`mlgate.monitor.export.export`). The names are a contract (docs/canary.md)."""

from __future__ import annotations

import math

from mlgate.core.canary import CanaryReport, Decision
from mlgate.core.exposition import Family, Group
from mlgate.monitor.export import labelled_group

CODE = {Decision.PASS: 0.0, Decision.FAIL: 1.0, Decision.INCONCLUSIVE: 2.0}
_HELP = "0 pass, 1 fail, 2 inconclusive"


def canary_group(report: CanaryReport, *, now: float) -> Group:
    judged = report.judgements

    def per_metric(name: str, help_text: str, values: dict[str, float | None]) -> Family:
        samples: list[tuple[tuple[str, ...], float]] = [
            ((metric,), float(value))
            for metric, value in values.items()
            if value is not None and math.isfinite(value)
        ]
        return Family(name=name, help=help_text, labels=("metric",), samples=samples)

    families = [
        Family(
            name="mlgate_canary_decision",
            help=f"The canary's decision: {_HELP}.",
            labels=(),
            samples=[((), CODE[report.decision])],
        ),
        per_metric(
            "mlgate_canary_metric_decision",
            f"Each canary rule's decision: {_HELP}.",
            {j.name: CODE[j.decision] for j in judged},
        ),
        per_metric(
            "mlgate_canary_delta",
            "Canary − stable, in the metric's unit (output_drift: the PSI).",
            {j.name: j.delta if j.delta is not None else j.canary for j in judged},
        ),
        per_metric(
            "mlgate_canary_delta_low",
            "The lower bound of the interval for canary − stable.",
            {j.name: j.interval.low if j.interval else None for j in judged},
        ),
        per_metric(
            "mlgate_canary_delta_high",
            "The upper bound of the interval for canary − stable.",
            {j.name: j.interval.high if j.interval else None for j in judged},
        ),
        per_metric(
            "mlgate_canary_needed",
            "More requests (or labels) that would decide an inconclusive rule, at the "
            "observed rates.",
            {j.name: float(j.needed) if j.needed else None for j in judged},
        ),
        Family(
            name="mlgate_canary_requests",
            help="Requests each variant served in the window.",
            labels=("variant",),
            samples=[
                ((side,), float(t.requests))
                for side, t in report.traffic.items()
                if t.requests is not None
            ],
        ),
        Family(
            name="mlgate_canary_last_decision_timestamp_seconds",
            help="When the canary was last decided (Unix time).",
            labels=(),
            samples=[((), now)],
        ),
    ]
    key = {"model": report.model or "", "command": "canary"}
    return labelled_group(key, families, judged=True)
