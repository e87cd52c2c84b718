"""Tables the routing service owns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lifecase_contracts.statuses import WorkItemStatus
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
    """A caseworker (or robot) in a unit; a ``lead`` may also assign the unit's work."""

    __tablename__ = "members"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    unit: Mapped[str] = mapped_column(ForeignKey("units.key"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), server_default="member")  # member | lead
    # A robot's declared item actions in this unit (see lifecase_routing.access).
    actions: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class Person(Base):
    """The users directory: how each person routing has met is named to the others. Filled
    from sign-ins (caseworkers) and from the sub-cases a reporter filed (``people``)."""

    __tablename__ = "people"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class RoutingRule(Base):
    __tablename__ = "routing_rules"

    ruleset_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    condition: Mapped[str] = mapped_column(Text)  # CEL, see lifecase_routing.rules
    queue: Mapped[str] = mapped_column(ForeignKey("queues.key"))


class RuleSet(Base):
    """A version of the routing rules. Versions are never changed; one is active."""

    __tablename__ = "rule_sets"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    fallback_queue: Mapped[str] = mapped_column(ForeignKey("queues.key"))
    active: Mapped[bool] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(100))
    # The last time it became the active one: the newest among the others is the version to
    # roll back to. None: never active.
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SlaPolicyRow(Base):
    """The one SLA policy (targets, due-soon window, closing days) as a validated document."""

    __tablename__ = "sla_policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(100))


class WorkItem(Base):
    """A sub-case as a unit works it. Its id is the sub-case id (the natural key).

    ``is_open`` mirrors ``status in states.OPEN`` so that listing a queue's open work is one
    ordered index range, whatever mix of open states it holds.
    """

    __tablename__ = "work_items"
    __table_args__ = (
        Index("ix_work_items_queue_status_due", "queue", "status", "due_date", "id"),
        Index("ix_work_items_queue_open_due", "queue", "is_open", "due_date", "id"),
        Index("ix_work_items_assignee_open_due", "assignee", "is_open", "due_date", "id"),
        Index("ix_work_items_open_due", "is_open", "due_date"),
        Index("ix_work_items_rule", "ruleset_version", "rule"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    case_number: Mapped[str | None] = mapped_column(String(20))  # None: filed before numbers
    activity: Mapped[str] = mapped_column(String(63))
    subcase_type: Mapped[str] = mapped_column(String(100))
    title_da: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    queue: Mapped[str] = mapped_column(ForeignKey("queues.key"))
    status: Mapped[WorkItemStatus] = mapped_column(String(20))
    is_open: Mapped[bool] = mapped_column(Boolean, server_default=true())
    assignee: Mapped[str | None] = mapped_column(String(100))
    due_date: Mapped[date] = mapped_column(Date)
    reporter: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(100))
    unit_hint: Mapped[str | None] = mapped_column(String(63))
    rule: Mapped[str] = mapped_column(String(100))
    ruleset_version: Mapped[int] = mapped_column(Integer)
    resolution: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was rejected or cancelled
    search_text: Mapped[str] = mapped_column(Text, server_default="")
    sla_paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_breach_reported: Mapped[date | None] = mapped_column(Date)  # the due date reported
    sla_due_soon_reported: Mapped[date | None] = mapped_column(Date)  # the due date warned of
    # When the reporter last wrote to the item, if the unit has not written to her since.
    reporter_replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Comment(Base):
    """A note (caseworkers only) or a message between the unit and the reporter."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_item_created", "item_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("work_items.id"))
    kind: Mapped[str] = mapped_column(String(20))  # note | question | message | reply
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    in_reply_to: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CommentAttachment(Base):
    """A file attached to a message in the conversation (the reporter's reply): its bytes
    are in the attachment store under ``attachment_id`` (ADR 0029). A reply filed with two
    items has its files listed on each."""

    __tablename__ = "comment_attachments"

    comment_id: Mapped[str] = mapped_column(ForeignKey("comments.id"), primary_key=True)
    attachment_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)


class Transfer(Base):
    """An item moved to another queue by hand: a routing miss of the rule that sent it."""

    __tablename__ = "transfers"
    __table_args__ = (
        Index("ix_transfers_item", "item_id", "at"),
        Index("ix_transfers_rule", "ruleset_version", "from_rule"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("work_items.id"))
    from_queue: Mapped[str] = mapped_column(String(63))
    to_queue: Mapped[str] = mapped_column(String(63))
    from_rule: Mapped[str] = mapped_column(String(100))
    ruleset_version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TriageModelVersion(Base):
    """A trained triage model (``lifecase_routing.triage``): a draft until an administrator
    other than the one who trained it activates it (four eyes); one is active at a time,
    the earlier active ones are retired. Never changed otherwise."""

    __tablename__ = "triage_model_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # draft | active | retired
    trained_by: Mapped[str] = mapped_column(String(100))
    trained_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    activated_by: Mapped[str | None] = mapped_column(String(100))
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSON)  # per classifier, held-out split
    trained_on: Mapped[dict[str, int]] = mapped_column(JSON)  # examples per source
    # The model's SHA-256: loaded models are cached by it, the bytes read once.
    fingerprint: Mapped[str] = mapped_column(String(64))
    model: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    note: Mapped[str | None] = mapped_column(Text)


class TriageExample(Base):
    """A labelled text from routing's own history for training the triage model: scrubbed
    (no CPR number, e-mail address or phone number), labelled with the queue a caseworker
    transferred a general request to (``kind`` unit) or a life event (``kind`` life_event).
    Erased with the case it came from (``item_id``)."""

    __tablename__ = "triage_examples"
    __table_args__ = (
        Index("ix_triage_examples_source_created", "source", "created_at"),
        Index("ix_triage_examples_item", "item_id"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(63))
    kind: Mapped[str] = mapped_column(String(20))  # life_event | unit
    source: Mapped[str] = mapped_column(String(20))  # transfer | routed | free_text
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    item_id: Mapped[str | None] = mapped_column(String(64))


outbox = outbox_table(Base.metadata)
processed_events = processed_events_table(Base.metadata)
