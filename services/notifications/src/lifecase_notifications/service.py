"""Notifications domain operations (keyword-only)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import NotificationPublic
from lifecase_contracts.events import Localized, derived_id
from lifecase_notifications.models import Notification
from lifecase_platform.db import as_utc, insert_new_at_commit


async def notify(
    *,
    session: AsyncSession,
    event_id: str,
    recipient: str,
    case_id: str,
    kind: str,
    text: Localized,
    action_required: bool = False,
) -> None:
    """Record a notification once per event and recipient."""
    insert_new_at_commit(
        session,
        Notification,
        {
            "id": derived_id("notification", event_id, recipient),
            "recipient": recipient,
            "case_id": case_id,
            "kind": kind,
            "text_da": text.da,
            "text_en": text.en,
            "created_at": datetime.now(UTC),
            "read_at": None,
            "action_required": action_required,
        },
    )


async def inbox(
    *, session: AsyncSession, recipient: str, language: str, limit: int
) -> list[NotificationPublic]:
    rows = await session.scalars(
        select(Notification)
        .where(Notification.recipient == recipient)
        .order_by(Notification.created_at.desc(), Notification.id)
        .limit(limit)
    )
    return [
        NotificationPublic(
            id=n.id,
            case_id=n.case_id,
            kind=n.kind,
            text=n.text_en if language == "en" else n.text_da,
            texts=Localized(da=n.text_da, en=n.text_en),
            created_at=as_utc(n.created_at),
            read=n.read_at is not None,
            action_required=n.action_required,
        )
        for n in rows
    ]
