"""Prometheus's HTTP query API (``GET /api/v1/query``), for the canary's PromQL: instant
vectors at an optional evaluation time, with bounded retries and timeouts, and every
failure named with the query that met it. Credentials in the URL and the bearer token
(``MLGATE_PROMETHEUS_TOKEN``) are sent, never shown."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from mlgate.core.refs import first_line, redact
from mlgate.errors import ConfigError, InputError, ServiceError

ATTEMPTS = 3
BACKOFF_S = 0.5
Sample = tuple[dict[str, str], float]


@dataclass(frozen=True, kw_only=True)
class PrometheusApi:
    url: str
    timeout: float = 10.0
    token: str | None = field(default=None, repr=False)

    @property
    def shown(self) -> str:
        return redact(self.url.rstrip("/"))

    def vector(self, query: str, *, at: float | None, name: str) -> list[Sample]:
        """The instant vector ``query`` evaluates to (at ``at``, seconds since the epoch,
        or now), as (labels, value) pairs; a scalar is one sample without labels. ``name``
        is the setting the query came from, for the messages."""
        data = self._get(query, at=at, name=name)
        kind, result = data.get("resultType"), data.get("result")
        if kind == "scalar" and isinstance(result, list) and len(result) == 2:
            return [({}, _number(result[1], query=query, name=name))]
        if kind != "vector" or not isinstance(result, list):
            raise InputError(
                f"canary.prometheus.{name}: {query!r} returns a {kind}, not an instant vector; "
                "wrap a range selector in increase(…) or sum(…)"
            )
        out = []
        for series in result:
            try:
                labels = {str(k): str(v) for k, v in series["metric"].items()}
                value = series["value"][1]
            except (KeyError, IndexError, TypeError, AttributeError):
                raise ServiceError(
                    f"Prometheus at {self.shown}: an answer to {query!r} is not a vector sample"
                ) from None
            out.append((labels, _number(value, query=query, name=name)))
        return out

    def _get(self, query: str, *, at: float | None, name: str) -> dict[str, Any]:
        import requests

        params: dict[str, Any] = {"query": query}
        if at is not None:
            params["time"] = f"{at:.3f}"
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        where = f"Prometheus at {self.shown}: canary.prometheus.{name} {query!r}"
        last = ""
        for attempt in range(ATTEMPTS):
            if attempt:
                time.sleep(BACKOFF_S * 2 ** (attempt - 1))
            try:
                answer = requests.get(
                    f"{self.url.rstrip('/')}/api/v1/query",
                    params=params,
                    headers=headers,
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                last = first_line(exc)
                continue
            body = _json(answer)
            # bad_data (400): the PromQL does not parse; execution (422): it cannot be
            # evaluated as written (many-to-many matching, say) — the query's mistakes.
            if answer.status_code in (400, 422) and body.get("errorType") in (
                "bad_data",
                "execution",
            ):
                raise ConfigError(
                    f"canary.prometheus.{name}: Prometheus rejects {query!r}: "
                    f"{first_line(str(body.get('error', '')))}"
                )
            if answer.status_code in (401, 403):
                raise ServiceError(
                    f"{where}: HTTP {answer.status_code}: not allowed (set MLGATE_PROMETHEUS_TOKEN "
                    "or credentials in canary.prometheus.url)"
                )
            if answer.status_code == 200 and body.get("status") == "success":
                data = body.get("data")
                if isinstance(data, dict):
                    return data
                last = "an answer without data"
                continue
            detail = body.get("error") or answer.reason or "no detail"
            last = f"HTTP {answer.status_code}: {first_line(str(detail))}"
            if answer.status_code < 500 and answer.status_code not in (408, 429):
                break
        raise ServiceError(f"{where}: {redact(last)} (after {ATTEMPTS} attempts)")


def _json(answer: Any) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _number(value: Any, *, query: str, name: str) -> float:
    """Prometheus sends sample values as strings: "12", "NaN", "+Inf"."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ServiceError(
            f"canary.prometheus.{name}: Prometheus answered {query!r} with "
            f"{str(value)[:40]!r}, not a number"
        ) from None
    return number
