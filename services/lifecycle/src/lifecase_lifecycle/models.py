"""Tables the lifecycle service owns: template versions and the inputs of running cases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lifecase_contracts.statuses import CaseRunStatus, TemplateAction, TemplateStatus
from lifecase_platform.inbox import processed_events_table
from lifecase_platform.outbox import outbox_table


class Base(DeclarativeBase):
    metadata = MetaData()


class TemplateVersion(Base):
    __tablename__ = "template_versions"

    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[TemplateStatus] = mapped_column(String(20))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


NOTE_LENGTH = 1000


class TemplateOwner(Base):
    """A process owner of one life event: where a life event has any, only they approve
    its versions (``publishing``); where it has none, any process owner does."""

    __tablename__ = "template_owners"

    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    username: Mapped[str] = mapped_column(String(100), primary_key=True)


class TemplateChange(Base):
    """One line of a template version's history: who did what, when, and the note they
    gave (a submission's reason, an approver's reason for sending it back)."""

    __tablename__ = "template_changes"
    __table_args__ = (Index("ix_template_changes_version", "key", "version", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(63))
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[TemplateAction] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(String(NOTE_LENGTH), default="", server_default="")


STUCK_REASON_LENGTH = 300


class CaseInput(Base):
    """What a case was submitted with, pinned to its template version. Personal data stays
    here and never enters workflow histories: the workflow only holds the case id."""

    __tablename__ = "case_inputs"
    __table_args__ = (
        Index("ix_case_inputs_template", "template_key", "template_version", "status"),
    )

    case_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_number: Mapped[str | None] = mapped_column(String(20))  # None: filed before numbers
    template_key: Mapped[str] = mapped_column(String(63))
    template_version: Mapped[int] = mapped_column(Integer)
    # The version it ran on before it was moved to ``template_version`` (``migration``):
    # the titles of sub-cases the new version no longer has are read there.
    previous_version: Mapped[int | None] = mapped_column(Integer)
    reporter: Mapped[str] = mapped_column(String(100))
    reporter_name: Mapped[str | None] = mapped_column(String(200))  # erased with ``data``
    department: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[CaseRunStatus] = mapped_column(
        String(20), default="running", server_default="running"
    )
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Why the case's workflow waits for an operator (no personal data), and since when.
    stuck_reason: Mapped[str | None] = mapped_column(String(STUCK_REASON_LENGTH))
    stuck_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


outbox = outbox_table(Base.metadata)
processed_events = processed_events_table(Base.metadata)
