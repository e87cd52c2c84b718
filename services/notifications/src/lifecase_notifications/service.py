"""Notifications domain operations (keyword-only)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import NotificationPublic
from lifecase_contracts.events import Localized, derived_id
from lifecase_notifications import email
from lifecase_notifications.models import Notification
from lifecase_platform.db import as_utc, insert_new_at_commit
from lifecase_platform.errors import NotFound

NOTIFICATION = Localized(da="notifikationen", en="notification")


async def notify(
    *,
    session: AsyncSession,
    event_id: str,
    recipient: str,
    case_id: str,
    kind: str,
    text: Localized,
    action_required: bool = False,
    subcase_id: str | None = None,
    link: str | None = None,
) -> None:
    """Record a notification once per event and recipient; ``link`` is the local path of
    what it is about (the reporter's case when not given)."""
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
            "subcase_id": subcase_id,
            "link": link or f"/portal/cases/{case_id}",
        },
    )
    await email.queue_for(  # the mail it calls for, as the recipient chose
        session,
        notification_id=derived_id("notification", event_id, recipient),
        recipient=recipient,
        case_id=case_id,
        kind=kind,
        text=text,
        created_at=datetime.now(UTC),
        action_required=action_required,
        path=link,
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
    return [to_public(n, language) for n in rows]


def to_public(n: Notification, language: str) -> NotificationPublic:
    return NotificationPublic(
        id=n.id,
        case_id=n.case_id,
        kind=n.kind,
        text=n.text_en if language == "en" else n.text_da,
        texts=Localized(da=n.text_da, en=n.text_en),
        created_at=as_utc(n.created_at),
        read=n.read_at is not None,
        action_required=n.action_required,
        link=n.link,
    )


async def unread_count(*, session: AsyncSession, recipient: str) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.recipient == recipient, Notification.read_at.is_(None))
    )
    return int(count or 0)


async def unread_counts(
    *, session: AsyncSession, recipients: list[str]
) -> dict[str, tuple[int, datetime | None]]:
    """For each recipient with notifications: how many are unread, and when the newest came
    (one statement for every open stream of a process)."""
    rows = await session.execute(
        select(
            Notification.recipient,
            func.sum(case((Notification.read_at.is_(None), 1), else_=0)),
            func.max(Notification.created_at),
        )
        .where(Notification.recipient.in_(recipients))
        .group_by(Notification.recipient)
    )
    return {r: (int(n or 0), as_utc(newest) if newest else None) for r, n, newest in rows}


async def newest_unread(*, session: AsyncSession, recipient: str, limit: int) -> list[Notification]:
    rows = await session.scalars(
        select(Notification)
        .where(Notification.recipient == recipient, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id)
        .limit(limit)
    )
    return list(rows)


async def mark_read(
    *, session: AsyncSession, recipient: str, notification_id: str, language: str
) -> NotificationPublic:
    """Mark one of the caller's notifications read (again is harmless); another person's
    does not exist for them."""
    found = await session.get(Notification, notification_id)
    if found is None or found.recipient != recipient:
        raise NotFound(NOTIFICATION)
    if found.read_at is None:
        found.read_at = datetime.now(UTC)
    return to_public(found, language)


async def mark_all_read(*, session: AsyncSession, recipient: str) -> None:
    await session.execute(
        update(Notification)
        .where(Notification.recipient == recipient, Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
