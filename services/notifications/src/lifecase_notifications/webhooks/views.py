"""The webhooks API: administrators register, change, pause, resume and delete
subscriptions, read each one's delivery log and replay a delivery; auditors read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from lifecase_contracts.api import Problem
from lifecase_notifications.webhooks import service
from lifecase_notifications.webhooks.access import require_admin, require_reader
from lifecase_notifications.webhooks.schemas import (
    DeliveryPublic,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
    WebhookUpdate,
)
from lifecase_platform.auth import CurrentUser, Principal
from lifecase_platform.deps import SessionDep, TxSessionDep
from lifecase_platform.ratelimit import count

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 409, 422, 429)
}


async def admin(request: Request, user: CurrentUser) -> Principal:
    """Administrators only, counted against the administration rate limit."""
    require_admin(user)
    await count(request, "admin", user)
    return user


async def reader(request: Request, user: CurrentUser) -> Principal:
    """Administrators and auditors, counted against the administration rate limit."""
    require_reader(user)
    await count(request, "admin", user)
    return user


Admin = Annotated[Principal, Depends(admin)]
Reader = Annotated[Principal, Depends(reader)]
SubscriptionId = Annotated[str, Path(min_length=1, max_length=64)]
DeliveryId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post("", status_code=201, responses=PROBLEMS)
async def create_webhook(spec: WebhookCreate, user: Admin, session: TxSessionDep) -> WebhookCreated:
    """Register a subscription. The answer holds the signing secret: it is shown this once."""
    return await service.create_subscription(session=session, spec=spec, by=user.username)


@router.get("", responses=PROBLEMS)
async def list_webhooks(user: Reader, session: SessionDep) -> list[WebhookPublic]:
    """Every subscription, newest first (without secrets)."""
    return await service.list_subscriptions(session=session)


@router.get("/{subscription_id}", responses=PROBLEMS)
async def get_webhook(
    subscription_id: SubscriptionId, user: Reader, session: SessionDep
) -> WebhookPublic:
    """One subscription (without its secret)."""
    return await service.get_subscription(session=session, subscription_id=subscription_id)


@router.patch("/{subscription_id}", responses=PROBLEMS)
async def update_webhook(
    subscription_id: SubscriptionId, changes: WebhookUpdate, user: Admin, session: TxSessionDep
) -> WebhookPublic:
    """Change a subscription; ``"active": false`` pauses it (its deliveries wait),
    ``"active": true`` resumes it."""
    return await service.update_subscription(
        session=session, subscription_id=subscription_id, changes=changes
    )


@router.delete("/{subscription_id}", status_code=204, responses=PROBLEMS)
async def delete_webhook(
    subscription_id: SubscriptionId, user: Admin, session: TxSessionDep
) -> Response:
    """Delete a subscription with its deliveries and their log."""
    await service.delete_subscription(session=session, subscription_id=subscription_id)
    return Response(status_code=204)


@router.get("/{subscription_id}/deliveries", responses=PROBLEMS)
async def list_webhook_deliveries(
    subscription_id: SubscriptionId,
    user: Reader,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[DeliveryPublic]:
    """The delivery log: the subscription's deliveries, newest first, each with every
    attempt (status code or error, duration, the start of the response)."""
    return await service.list_deliveries(
        session=session, subscription_id=subscription_id, limit=limit
    )


@router.post(
    "/{subscription_id}/deliveries/{delivery_id}/replay", status_code=202, responses=PROBLEMS
)
async def replay_webhook_delivery(
    subscription_id: SubscriptionId, delivery_id: DeliveryId, user: Admin, session: TxSessionDep
) -> DeliveryPublic:
    """Send a delivery again now (the same body and ``webhook-id``, a fresh signature)."""
    return await service.replay(
        session=session, subscription_id=subscription_id, delivery_id=delivery_id
    )
