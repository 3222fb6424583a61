"""Prometheus exposition through prometheus-client: the textfile collector's format
(merged with what the file held, written to a temporary file, then renamed) and one PUT
(a judged check) or POST (an unknown one: only its status) per group to a Pushgateway's
``/metrics/job/mlgate/model/<name>/command/<command>/check/<check>``. The only module
that imports prometheus_client."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError, ServiceError

if TYPE_CHECKING:
    from mlgate.core.exposition import Family, Group

PUSH_TIMEOUT_S = 10.0


def _registry(families: list[Family]) -> Any:
    """One family per name, whatever label sets its samples carry."""
    from prometheus_client.core import CollectorRegistry, Metric

    by_name: dict[str, Any] = {}
    for family in families:
        metric = by_name.get(family.name)
        if metric is None:
            metric = by_name[family.name] = Metric(family.name, family.help, "gauge")
        for values, value in family.samples:
            metric.add_sample(family.name, dict(zip(family.labels, values, strict=True)), value)

    class Collected:
        def collect(self) -> Any:
            yield from by_name.values()

    registry = CollectorRegistry(auto_describe=False)
    registry.register(Collected())
    return registry


def render(families: list[Family]) -> str:
    from prometheus_client import generate_latest

    return str(generate_latest(_registry(families)).decode("utf-8"))


def read_textfile(path: Path) -> list[Family]:
    """What an earlier run wrote to the file ([] when there is none, or it is not ours to
    read: it is rewritten whole)."""
    from prometheus_client.parser import text_string_to_metric_families

    from mlgate.core.exposition import Family

    try:
        text = path.read_text(encoding="utf-8")
        parsed = list(text_string_to_metric_families(text))
    except (OSError, ValueError, UnicodeDecodeError):
        return []
    found = []
    for family in parsed:
        for sample in family.samples:
            names = tuple(sample.labels)
            found.append(
                Family(
                    name=family.name,
                    help=family.documentation,
                    labels=names,
                    samples=[(tuple(sample.labels[n] for n in names), float(sample.value))],
                )
            )
    return found


def write_textfile(path: Path, groups: list[Group]) -> None:
    """Atomic for the collector: a temporary file in the same folder, then a rename. The
    groups this run did not replace keep what the file held."""
    from mlgate.core.exposition import merged

    text = render(merged(read_textfile(path), groups))
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


def push(url: str, groups: list[Group]) -> None:
    """Each group in turn: PUT (replace the group) when judged, else POST (replace only the
    families given). Stops at the first failure."""
    from urllib.error import HTTPError, URLError

    from prometheus_client import push_to_gateway, pushadd_to_gateway

    if not url.startswith(("http://", "https://")):
        raise InputError(f"--pushgateway {url[:100]}: give an http:// or https:// URL")
    for group in groups:
        send = push_to_gateway if group.judged else pushadd_to_gateway
        try:
            send(
                url,
                job="mlgate",
                grouping_key=group.labels,
                registry=_registry(group.families),
                timeout=PUSH_TIMEOUT_S,
            )
        except HTTPError as exc:  # the gateway answered, and refused
            raise ServiceError(
                f"Pushgateway {_safe(url)}: push failed: HTTP {exc.code} {str(exc.reason)[:200]}"
            ) from None
        except (URLError, OSError, ValueError) as exc:  # nothing answered
            reason = getattr(exc, "reason", None) or exc
            raise ServiceError(
                f"Pushgateway {_safe(url)}: push failed: {str(reason)[:200]}"
            ) from None


def _safe(url: str) -> str:
    from mlgate.core.refs import redact

    return redact(url)
