"""Tables the notifications service owns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, MetaData, String, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lifecase_platform.inbox import processed_events_table


class Base(DeclarativeBase):
    metadata = MetaData()


class Notification(Base):
    """An in-app notification. Its id derives from the event id and the recipient, so a
    redelivered event cannot notify twice."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_created", "recipient", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(100))
    case_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    text_da: Mapped[str] = mapped_column(String(1000))
    text_en: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The reporter must act (answer a question): a client shows it highlighted.
    action_required: Mapped[bool] = mapped_column(Boolean, server_default=false())
    subcase_id: Mapped[str | None] = mapped_column(String(64))
    # Where the notification leads: the reporter's case in the portal, or a caseworker's
    # work item in the workspace (a local path, never another site).
    link: Mapped[str | None] = mapped_column(String(300))


processed_events = processed_events_table(Base.metadata)
