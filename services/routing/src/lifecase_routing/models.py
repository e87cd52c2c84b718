"""Tables the routing service owns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lifecase_platform.inbox import processed_events_table
from lifecase_platform.outbox import outbox_table


class Base(DeclarativeBase):
    metadata = MetaData()


class Unit(Base):
    __tablename__ = "units"

    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    name_da: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Queue(Base):
    __tablename__ = "queues"

    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    unit: Mapped[str] = mapped_column(ForeignKey("units.key"))
    name_da: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Member(Base):
    __tablename__ = "members"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    unit: Mapped[str] = mapped_column(ForeignKey("units.key"), primary_key=True)


class RoutingRule(Base):
    __tablename__ = "routing_rules"

    ruleset_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    match: Mapped[str] = mapped_column(String(200))
    queue: Mapped[str] = mapped_column(ForeignKey("queues.key"))


class RuleSet(Base):
    __tablename__ = "rule_sets"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    fallback_queue: Mapped[str] = mapped_column(ForeignKey("queues.key"))
    active: Mapped[bool] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WorkItem(Base):
    """A sub-case as a unit works it. Its id is the sub-case id (the natural key)."""

    __tablename__ = "work_items"
    __table_args__ = (Index("ix_work_items_queue_status_due", "queue", "status", "due_date", "id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    activity: Mapped[str] = mapped_column(String(63))
    subcase_type: Mapped[str] = mapped_column(String(100))
    title_da: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    queue: Mapped[str] = mapped_column(ForeignKey("queues.key"))
    status: Mapped[str] = mapped_column(String(20))  # queued | claimed | resolved
    assignee: Mapped[str | None] = mapped_column(String(100))
    due_date: Mapped[date | None] = mapped_column(Date)
    reporter: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(String(100))
    ruleset_version: Mapped[int] = mapped_column(Integer)
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


outbox = outbox_table(Base.metadata)
processed_events = processed_events_table(Base.metadata)
