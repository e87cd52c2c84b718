"""Webhook subscriptions and their delivery log (keyword-only operations)."""

from __future__ import annotations

import base64
import binascii
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Envelope, Localized, derived_id
from lifecase_notifications.webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from lifecase_notifications.webhooks.payload import OFFERED, payload
from lifecase_notifications.webhooks.schemas import (
    AttemptPublic,
    DeliveryPublic,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
    WebhookUpdate,
)
from lifecase_platform.db import as_utc, insert_new_at_commit, transaction_memo
from lifecase_platform.errors import Conflict, Invalid, NotFound, field_error

SECRET_PREFIX = "whsec_"
SUBSCRIPTION = Localized(da="webhook-abonnementet", en="webhook subscription")
DELIVERY = Localized(da="leveringen", en="delivery")


def new_secret() -> str:
    """A signing secret as the Standard Webhooks specification writes it."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str, loc: Sequence[str] = ("body", "url")) -> str:
    """An absolute http(s) URL without credentials in it (they would show in every
    listing). Private and loopback addresses are allowed: see ADR 0025 on SSRF."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError):
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise Invalid(
            Localized(
                da="Adressen skal være en http- eller https-URL.",
                en="The address must be an http or https URL.",
            ),
            errors=[field_error(loc, "Must be an absolute http or https URL.", "url")],
        )
    if parsed.userinfo or parsed.fragment:
        raise Invalid(
            Localized(
                da="Adressen må hverken indeholde brugernavn, adgangskode eller #-del.",
                en="The address may contain neither a user name, a password nor a # part.",
            ),
            errors=[field_error(loc, "No credentials or fragment in the URL.", "url")],
        )
    return str(parsed)


def check_event_types(
    patterns: Sequence[str], loc: Sequence[str] = ("body", "event_types")
) -> list[str]:
    """Known, offered event types, ``prefix.*`` wildcards that match at least one of them,
    or ``*``; each once, in the order given."""
    unknown = [p for p in patterns if not any(matches(p, t) for t in OFFERED)]
    if unknown:
        shown = ", ".join(sorted(unknown))[:300]
        raise Invalid(
            Localized(da=f"Ukendte hændelsestyper: {shown}.", en=f"Unknown event types: {shown}."),
            errors=[
                field_error([*loc, p], "Not an offered event type.", "event_type") for p in unknown
            ],
        )
    return list(dict.fromkeys(p.strip() for p in patterns))


def check_secret(secret: str) -> str:
    encoded = secret.removeprefix(SECRET_PREFIX) if secret.startswith(SECRET_PREFIX) else ""
    try:
        key = base64.b64decode(encoded + "==", validate=False)
    except (binascii.Error, ValueError):
        key = b""
    if not 24 <= len(key) <= 64:
        raise Invalid(
            Localized(
                da="Hemmeligheden skal være whsec_ efterfulgt af base64 af 24-64 tilfældige byte.",
                en="The secret must be whsec_ followed by base64 of 24 to 64 random bytes.",
            ),
            errors=[field_error(["body", "secret"], "Not a whsec_ secret.", "secret")],
        )
    return secret


def matches(pattern: str, event_type: str) -> bool:
    pattern = pattern.strip()
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return event_type.startswith(pattern[:-1])
    return pattern == event_type


def _public(sub: WebhookSubscription) -> WebhookPublic:
    return WebhookPublic(
        id=sub.id,
        url=sub.url,
        event_types=list(sub.event_types),
        description=sub.description,
        active=sub.active,
        paused_reason=sub.paused_reason,
        consecutive_failures=sub.consecutive_failures,
        created_by=sub.created_by,
        created_at=as_utc(sub.created_at),
        updated_at=as_utc(sub.updated_at),
    )


async def create_subscription(
    *, session: AsyncSession, spec: WebhookCreate, by: str
) -> WebhookCreated:
    """A new subscription; its secret is returned here and never again."""
    now = datetime.now(UTC)
    sub = WebhookSubscription(
        id=str(uuid.uuid4()),
        url=check_url(spec.url),
        event_types=check_event_types(spec.event_types),
        secret=check_secret(spec.secret) if spec.secret is not None else new_secret(),
        description=spec.description,
        active=spec.active,
        paused_reason=None if spec.active else "admin",
        consecutive_failures=0,
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    session.add(sub)
    await session.flush()
    return WebhookCreated(**_public(sub).model_dump(), secret=sub.secret)


async def list_subscriptions(*, session: AsyncSession) -> list[WebhookPublic]:
    rows = await session.scalars(
        select(WebhookSubscription).order_by(
            WebhookSubscription.created_at.desc(), WebhookSubscription.id
        )
    )
    return [_public(sub) for sub in rows]


async def _subscription(session: AsyncSession, subscription_id: str) -> WebhookSubscription:
    sub = await session.get(WebhookSubscription, subscription_id)
    if sub is None:
        raise NotFound(SUBSCRIPTION)
    return sub


async def get_subscription(*, session: AsyncSession, subscription_id: str) -> WebhookPublic:
    return _public(await _subscription(session, subscription_id))


async def update_subscription(
    *, session: AsyncSession, subscription_id: str, changes: WebhookUpdate
) -> WebhookPublic:
    """Change what is given; pausing keeps pending deliveries until the subscription is
    resumed, and resuming forgets the failures that paused it."""
    sub = await _subscription(session, subscription_id)
    if changes.url is not None:
        sub.url = check_url(changes.url)
    if changes.event_types is not None:
        sub.event_types = check_event_types(changes.event_types)
    if changes.description is not None:
        sub.description = changes.description
    if changes.active is not None and changes.active != sub.active:
        sub.active = changes.active
        sub.paused_reason = None if changes.active else "admin"
        if changes.active:
            sub.consecutive_failures = 0
    sub.updated_at = datetime.now(UTC)
    await session.flush()
    return _public(sub)


async def delete_subscription(*, session: AsyncSession, subscription_id: str) -> None:
    """The subscription goes, with its deliveries and their log."""
    sub = await _subscription(session, subscription_id)
    deliveries = select(WebhookDelivery.id).where(WebhookDelivery.subscription_id == sub.id)
    await session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
    await session.execute(delete(WebhookDelivery).where(WebhookDelivery.subscription_id == sub.id))
    await session.delete(sub)
    await session.flush()


async def list_deliveries(
    *, session: AsyncSession, subscription_id: str, limit: int = 50
) -> list[DeliveryPublic]:
    """The subscription's deliveries, newest first, each with its attempts in order."""
    await _subscription(session, subscription_id)
    deliveries = list(
        await session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
            .limit(limit)
        )
    )
    attempts: dict[str, list[AttemptPublic]] = {d.id: [] for d in deliveries}
    if deliveries:
        rows = await session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(list(attempts)))
            .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number)
        )
        for a in rows:
            attempts[a.delivery_id].append(_attempt(a))
    return [_delivery(d, attempts[d.id]) for d in deliveries]


def _attempt(a: WebhookAttempt) -> AttemptPublic:
    return AttemptPublic(
        number=a.number,
        attempted_at=as_utc(a.attempted_at),
        succeeded=a.succeeded,
        status_code=a.status_code,
        error=a.error,
        duration_ms=a.duration_ms,
        response_snippet=a.response_snippet,
        replay=a.replay,
    )


def _delivery(d: WebhookDelivery, attempts: list[AttemptPublic]) -> DeliveryPublic:
    return DeliveryPublic(
        id=d.id,
        event_id=d.event_id,
        event_type=d.event_type,
        status=d.status,
        attempts=d.attempts,
        next_attempt_at=as_utc(d.next_attempt_at) if d.next_attempt_at else None,
        created_at=as_utc(d.created_at),
        last_attempt_at=as_utc(d.last_attempt_at) if d.last_attempt_at else None,
        attempt_log=attempts,
    )


async def replay(
    *, session: AsyncSession, subscription_id: str, delivery_id: str
) -> DeliveryPublic:
    """Send the delivery again, now: one new attempt, whatever came of the earlier ones."""
    sub = await _subscription(session, subscription_id)
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != sub.id:
        raise NotFound(DELIVERY)
    if not sub.active:
        raise Conflict(
            Localized(
                da="Abonnementet er sat på pause. Genoptag det, før du sender igen.",
                en="The subscription is paused. Resume it before sending again.",
            )
        )
    delivery.status = "pending"
    delivery.next_attempt_at = datetime.now(UTC)
    delivery.replay_requested = True
    await session.flush()
    rows = await session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery.id)
        .order_by(WebhookAttempt.number)
    )
    return _delivery(delivery, [_attempt(a) for a in rows])


async def active_subscriptions(session: AsyncSession) -> list[tuple[str, list[str]]]:
    """The active subscriptions' ids and event types, read once per transaction (a batch
    of events asks for each)."""
    memo = transaction_memo(session, "lifecase.webhooks")
    if "active" not in memo:
        rows = await session.execute(
            select(WebhookSubscription.id, WebhookSubscription.event_types).where(
                WebhookSubscription.active
            )
        )
        memo["active"] = [(sub_id, list(types)) for sub_id, types in rows]
    found: list[tuple[str, list[str]]] = memo["active"]
    return found


async def record_deliveries(*, session: AsyncSession, envelope: Envelope[Any]) -> int:
    """A pending delivery of the event to every active subscription that wants it, once
    per event and subscription. How many."""
    wanted = [
        sub_id
        for sub_id, patterns in await active_subscriptions(session)
        if any(matches(p, envelope.type) for p in patterns)
    ]
    if not wanted:
        return 0
    body = payload(envelope).decode()
    now = datetime.now(UTC)
    for sub_id in wanted:
        insert_new_at_commit(
            session,
            WebhookDelivery,
            {
                "id": derived_id("webhook", envelope.id, sub_id),
                "subscription_id": sub_id,
                "event_id": envelope.id,
                "event_type": envelope.type,
                "payload": body,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
                "last_attempt_at": None,
                "replay_requested": False,
            },
        )
    return len(wanted)
