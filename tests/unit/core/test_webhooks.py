"""Verifying an MLflow webhook delivery: signature, time window, size, and the event."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlgate.core.webhooks import (
    KNOWN_EVENTS,
    ModelEvent,
    Refused,
    RelayFilter,
    parse_event,
    signature,
    verify,
)

SECRET = "s3cret-s3cret-s3cret"
NOW = 1_800_000_000


def signed(
    body: bytes, *, delivery: str = "d-1", stamp: int = NOW, secret: str = SECRET
) -> dict[str, str]:
    return {
        "X-MLflow-Delivery-Id": delivery,
        "X-MLflow-Timestamp": str(stamp),
        "X-MLflow-Signature": signature(secret, delivery=delivery, timestamp=str(stamp), body=body),
    }


def body(entity: str = "model_version", action: str = "created", **data: object) -> bytes:
    payload = {"name": "churn", "version": "3", **data}
    return json.dumps(
        {"entity": entity, "action": action, "timestamp": "x", "data": payload}
    ).encode()


def test_the_signature_is_mlflows() -> None:
    # HMAC-SHA256 over "delivery.timestamp.body", base64, with the v1 prefix — the value
    # MLflow's webhooks/delivery.py computes for these inputs.
    assert signature("k", delivery="d", timestamp="1", body=b"{}") == (
        "v1,VyEhLEeQe35hAZVytN6hKx8QlHAXSiypREJikrCSjR4="
    )


def test_an_authentic_fresh_delivery_passes() -> None:
    raw = body()
    assert verify(signed(raw), raw, secret=SECRET, now=NOW + 299) == ("d-1", str(NOW))


def test_header_names_are_case_insensitive() -> None:
    raw = body()
    headers = {k.lower(): v for k, v in signed(raw).items()}
    assert verify(headers, raw, secret=SECRET, now=NOW)[0] == "d-1"


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        (lambda h, b: (h, b + b" "), 401, "does not match"),
        (lambda h, b: ({**h, "X-MLflow-Signature": "v1,AAAA"}, b), 401, "does not match"),
        (
            lambda h, b: ({**h, "X-MLflow-Signature": "v2," + h["X-MLflow-Signature"][3:]}, b),
            401,
            "does not match",
        ),
        (lambda h, b: ({**h, "X-MLflow-Signature": "v1,not base64!"}, b), 401, "does not match"),
        (lambda h, b: ({k: v for k, v in h.items() if "Signature" not in k}, b), 401, "missing"),
        (lambda h, b: ({**h, "X-MLflow-Timestamp": "soon"}, b), 400, "unix seconds"),
        (lambda h, b: ({**h, "X-MLflow-Delivery-Id": "a b\n"}, b), 400, "malformed"),
        (lambda h, b: (h, b + b" " * 70_000), 413, "over the 65536-byte bound"),
    ],
)
def test_tampered_deliveries_are_refused(change, status: int, reason: str) -> None:  # type: ignore[no-untyped-def]
    raw = body()
    headers, sent = change(signed(raw), raw)
    with pytest.raises(Refused) as refused:
        verify(headers, sent, secret=SECRET, now=NOW)
    assert refused.value.status == status and reason in refused.value.reason


def test_a_signature_with_another_secret_is_refused() -> None:
    raw = body()
    with pytest.raises(Refused, match="does not match"):
        verify(signed(raw, secret="another-secret"), raw, secret=SECRET, now=NOW)


def test_a_rotated_secret_may_send_two_signatures() -> None:
    raw = body()
    good = signed(raw)["X-MLflow-Signature"].removeprefix("v1,")
    headers = {**signed(raw), "X-MLflow-Signature": f"v1,AAAA,{good}"}
    assert verify(headers, raw, secret=SECRET, now=NOW)[0] == "d-1"


@pytest.mark.parametrize(("offset", "reason"), [(301, "s old"), (-301, "in the future")])
def test_the_time_window(offset: int, reason: str) -> None:
    raw = body()
    with pytest.raises(Refused, match=reason):
        verify(signed(raw), raw, secret=SECRET, now=NOW + offset)


def test_the_signature_binds_the_timestamp() -> None:
    """A replay with a fresh timestamp but the old signature fails the signature."""
    raw = body()
    headers = {**signed(raw, stamp=NOW - 1000), "X-MLflow-Timestamp": str(NOW)}
    with pytest.raises(Refused, match="does not match"):
        verify(headers, raw, secret=SECRET, now=NOW)


def test_parse_model_events() -> None:
    assert parse_event(body(), delivery="d") == ModelEvent(
        delivery="d", event="model_version.created", model="churn", version="3"
    )
    alias = parse_event(body("model_version_alias", "created", alias="champion"), delivery="d")
    assert alias.event == "model_version_alias.created" and alias.alias == "champion"


@pytest.mark.parametrize(
    ("raw", "status", "reason"),
    [
        (b"[1]", 400, "not a JSON object"),
        (b"\xff", 400, "not JSON"),
        (json.dumps({"entity": "model_version"}).encode(), 400, "no entity and action"),
        (json.dumps({"entity": "a", "action": "b", "data": []}).encode(), 400, "data"),
        (body("registered_model", "created"), 202, "not a model-version event"),
        (body(name="bad\nname"), 400, "data.name"),
        (body(name="x; rm -rf /"), 400, "data.name"),
        (body(version="3; echo"), 400, "data.version"),
        (body(version=True), 400, "data.version"),
        (body(version="0"), 400, "data.version"),
    ],
)
def test_malformed_or_unknown_events(raw: bytes, status: int, reason: str) -> None:
    with pytest.raises(Refused) as refused:
        parse_event(raw, delivery="d")
    assert refused.value.status == status and reason in refused.value.reason


def test_the_filter() -> None:
    event = ModelEvent(delivery="d", event="model_version.created", model="churn-eu", version="1")
    assert RelayFilter().refusal(event) is None
    assert RelayFilter(models=("churn-*",)).refusal(event) is None
    assert "not in relay.models" in (RelayFilter(models=("fraud",)).refusal(event) or "")
    tagged = ModelEvent(delivery="d", event="model_version_tag.set", model="churn", version="1")
    assert "not one the relay passes on" in (RelayFilter().refusal(tagged) or "")


def test_events_caused_by_mlgates_own_writes_never_pass() -> None:
    every = RelayFilter(events=tuple(KNOWN_EVENTS))

    def event(kind: str, **extra: str) -> ModelEvent:
        return ModelEvent(delivery="d", event=kind, model="churn", version="2", **extra)

    ours = event("model_version_tag.set", tag="mlgate.verdict")
    assert "written by mlgate itself" in (every.refusal(ours) or "")
    assert every.refusal(event("model_version_tag.set", tag="team.reviewed")) is None
    moved = event("model_version_alias.created", alias="champion")
    assert "moved by mlgate promote/rollback" in (every.refusal(moved) or "")
    assert "would loop" in (
        every.refusal(event("model_version_alias.deleted", alias="previous")) or ""
    )
    assert every.refusal(event("model_version_alias.created", alias="staging")) is None
    custom = RelayFilter(events=tuple(KNOWN_EVENTS), own_aliases=("prod", "prod-previous"))
    assert custom.refusal(event("model_version_alias.created", alias="champion")) is None
    assert custom.refusal(event("model_version_alias.created", alias="prod")) is not None


@given(st.binary(max_size=300), st.text(max_size=40))
def test_no_body_or_signature_crashes_verify(raw: bytes, given_signature: str) -> None:
    headers = {**signed(b"{}"), "X-MLflow-Signature": given_signature}
    try:
        verify(headers, raw, secret=SECRET, now=NOW)
    except Refused:
        return
    raise AssertionError("accepted a delivery that was not signed")
