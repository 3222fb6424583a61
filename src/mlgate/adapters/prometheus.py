"""Prometheus exposition through prometheus-client: the textfile collector's format
(written to a temporary file, then renamed) and a PUT to a Pushgateway's
``/metrics/job/mlgate/model/<name>`` group. The only module that imports prometheus_client."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError, ServiceError

if TYPE_CHECKING:
    from mlgate.monitor.export import Family

PUSH_TIMEOUT_S = 10.0


def _registry(families: list[Family]) -> Any:
    from prometheus_client.core import CollectorRegistry, GaugeMetricFamily

    class Collected:
        def collect(self) -> Any:
            for family in families:
                gauge = GaugeMetricFamily(family.name, family.help, labels=list(family.labels))
                for labels, value in family.samples:
                    gauge.add_metric(list(labels), value)
                yield gauge

    registry = CollectorRegistry(auto_describe=False)
    registry.register(Collected())
    return registry


def render(families: list[Family]) -> str:
    from prometheus_client import generate_latest

    return str(generate_latest(_registry(families)).decode("utf-8"))


def write_textfile(path: Path, families: list[Family]) -> None:
    """Atomic for the collector: a temporary file in the same folder, then a rename."""
    text = render(families)
    folder = path.parent if str(path.parent) else Path()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # node_exporter often runs as another user
        os.replace(temporary, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the metrics file: {exc.strerror or exc}") from None


def push(url: str, families: list[Family], *, model: str) -> None:
    """PUT the group ``job=mlgate, model=<model>`` (replacing what the last run pushed)."""
    from urllib.error import HTTPError, URLError

    from prometheus_client import push_to_gateway

    if not url.startswith(("http://", "https://")):
        raise InputError(f"--pushgateway {url[:100]}: give an http:// or https:// URL")
    try:
        push_to_gateway(
            url,
            job="mlgate",
            grouping_key={"model": model or "default"},
            registry=_registry(families),
            timeout=PUSH_TIMEOUT_S,
        )
    except HTTPError as exc:  # the gateway answered, and refused
        raise ServiceError(
            f"Pushgateway {_safe(url)}: push failed: HTTP {exc.code} {str(exc.reason)[:200]}"
        ) from None
    except (URLError, OSError, ValueError) as exc:  # nothing answered
        reason = getattr(exc, "reason", None) or exc
        raise ServiceError(f"Pushgateway {_safe(url)}: push failed: {str(reason)[:200]}") from None


def _safe(url: str) -> str:
    from mlgate.core.refs import redact

    return redact(url)
