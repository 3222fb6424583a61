"""An MLflow webhook delivery, judged from plain data: is it authentic, fresh, new, and one
the relay is configured to pass on. Pure: the server hands in the headers, the raw body and
the time; nothing here reads a clock or a socket.

MLflow signs ``f"{delivery_id}.{timestamp}.{body}"`` with HMAC-SHA256 and sends
``X-MLflow-Signature: v1,<base64>``, ``X-MLflow-Delivery-Id`` and ``X-MLflow-Timestamp``
(unix seconds). Its retries resend the same delivery id, so the id is what makes a delivery
"already seen".
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

SIGNATURE_HEADER = "X-MLflow-Signature"
TIMESTAMP_HEADER = "X-MLflow-Timestamp"
DELIVERY_HEADER = "X-MLflow-Delivery-Id"
MAX_AGE_SECONDS = 300
MAX_BODY_BYTES = 64 * 1024
DEFAULT_EVENTS = ("model_version.created",)
# The model-version events a relay can pass on (MLflow's entity.action names).
KNOWN_EVENTS = (
    "model_version.created",
    "model_version_tag.set",
    "model_version_tag.deleted",
    "model_version_alias.created",
    "model_version_alias.deleted",
)
_DELIVERY_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_VERSION = re.compile(r"[1-9][0-9]{0,9}")
# Registered model names: MLflow allows much; the relay passes on names that are safe as a
# dispatch payload and a CI variable (and refuses the rest, naming the rule).
_MODEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/ -]{0,255}")


class Refused(Exception):
    """A delivery the relay will not pass on. ``status`` is the HTTP answer: 4xx tells
    MLflow not to retry (the delivery can never succeed), 2xx that it was handled."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, kw_only=True)
class ModelEvent:
    """What a delivery says happened, reduced to what a CI run needs."""

    delivery: str
    event: str  # entity.action, e.g. model_version.created
    model: str
    version: str
    alias: str | None = None
    tag: str | None = None


@dataclass(frozen=True, kw_only=True)
class RelayFilter:
    """Which deliveries start CI: model names (shell-style globs) and events."""

    models: tuple[str, ...] = ("*",)
    events: tuple[str, ...] = DEFAULT_EVENTS
    # The aliases `mlgate promote` and `rollback` move (production's and the previous one).
    own_aliases: tuple[str, ...] = ("champion", "previous")

    def refusal(self, event: ModelEvent) -> str | None:
        if event.event not in self.events:
            return f"event {event.event} is not one the relay passes on ({', '.join(self.events)})"
        if not any(fnmatch.fnmatchcase(event.model, pattern) for pattern in self.models):
            return f"model {event.model!r} is not in relay.models"
        return self.own_write(event)

    def own_write(self, event: ModelEvent) -> str | None:
        """An event mlgate's own writes cause: passing it on would start CI from CI — the
        gate writes mlgate.* tags and promote moves aliases, each a new event — a loop."""
        if event.tag is not None and event.tag.startswith(OWN_TAG_PREFIX):
            return f"tag {event.tag} is written by mlgate itself; passing it on would loop"
        if event.alias is not None and event.alias in self.own_aliases:
            return (
                f"alias @{event.alias} is moved by mlgate promote/rollback; passing it on "
                "would loop"
            )
        return None


OWN_TAG_PREFIX = "mlgate."
# Event sets that contain one of these can loop without the filter above.
LOOPING_EVENTS = (
    "model_version_tag.set",
    "model_version_tag.deleted",
    "model_version_alias.created",
    "model_version_alias.deleted",
)


def signature(secret: str, *, delivery: str, timestamp: str, body: bytes) -> str:
    """The ``X-MLflow-Signature`` value MLflow sends for this delivery."""
    signed = delivery.encode() + b"." + timestamp.encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(
    headers: Mapping[str, str],
    body: bytes,
    *,
    secret: str,
    now: float,
    max_age: int = MAX_AGE_SECONDS,
    max_bytes: int = MAX_BODY_BYTES,
) -> tuple[str, str]:
    """``(delivery id, timestamp)`` of an authentic, fresh delivery; else :class:`Refused`.
    The signature is checked before the body is parsed, in constant time."""
    lowered = {key.lower(): value for key, value in headers.items()}
    if len(body) > max_bytes:
        raise Refused(413, f"the body is {len(body)} bytes, over the {max_bytes}-byte bound")
    delivery = lowered.get(DELIVERY_HEADER.lower(), "")
    stamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
    given = lowered.get(SIGNATURE_HEADER.lower(), "")
    if not _DELIVERY_ID.fullmatch(delivery):
        raise Refused(400, f"{DELIVERY_HEADER} is missing or malformed")
    if not stamp.isdigit() or len(stamp) > 12:
        raise Refused(400, f"{TIMESTAMP_HEADER} is missing or not unix seconds")
    if not given:
        raise Refused(401, f"{SIGNATURE_HEADER} is missing; set the webhook's secret")
    if not _signed_by(secret, given, delivery=delivery, timestamp=stamp, body=body):
        raise Refused(401, "the signature does not match the secret")
    age = now - int(stamp)
    if age > max_age:
        raise Refused(401, f"the delivery is {int(age)} s old, over the {max_age} s window")
    if age < -max_age:
        raise Refused(401, f"the delivery is dated {int(-age)} s in the future")
    return delivery, stamp


def _signed_by(secret: str, given: str, *, delivery: str, timestamp: str, body: bytes) -> bool:
    expected = signature(secret, delivery=delivery, timestamp=timestamp, body=body)
    # Any of several comma-separated signatures may match (a rotated secret sends two).
    version, _, values = given.partition(",")
    if version != "v1":
        return False
    matched = False
    for value in values.split(","):
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        matched |= hmac.compare_digest(("v1," + value).encode(), expected.encode())
    return matched


def parse_event(body: bytes, *, delivery: str) -> ModelEvent:
    """The model event in an authentic body; :class:`Refused` (400) naming the field when
    the body is not a model-version event mlgate understands."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "the body is not JSON") from None
    if not isinstance(payload, dict):
        raise Refused(400, "the body is not a JSON object")
    entity, action = payload.get("entity"), payload.get("action")
    if not isinstance(entity, str) or not isinstance(action, str):
        raise Refused(400, "the body has no entity and action")
    event = f"{entity}.{action}"
    data = payload.get("data")
    if not isinstance(data, dict):
        raise Refused(400, "data: expected an object")
    if event not in KNOWN_EVENTS:
        raise Refused(202, f"event {event} is not a model-version event; ignored")
    model, version = data.get("name"), data.get("version")
    if not isinstance(model, str) or not _MODEL.fullmatch(model):
        raise Refused(400, "data.name: not a registered model name mlgate passes on")
    if not isinstance(version, (str, int)) or isinstance(version, bool):
        raise Refused(400, "data.version: expected a version number")
    if not _VERSION.fullmatch(str(version)):
        raise Refused(400, "data.version: expected a version number")
    alias = data.get("alias") if isinstance(data.get("alias"), str) else None
    tag = data.get("key") if isinstance(data.get("key"), str) else None
    return ModelEvent(
        delivery=delivery, event=event, model=model, version=str(version), alias=alias, tag=tag
    )
