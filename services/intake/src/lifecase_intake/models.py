"""Tables the intake service owns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from lifecase_contracts.statuses import CaseStatus, SubcaseStatus
from lifecase_platform.inbox import processed_events_table
from lifecase_platform.outbox import outbox_table


class Base(DeclarativeBase):
    metadata = MetaData()


class Case(Base):
    """A combined case as submitted, with its status as the reporter sees it."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_reporter_created", "reporter", "created_at", "id"),
        Index("ix_cases_closed", "erased_at", "closed_at"),
        Index("ux_cases_case_number", "case_number", unique=True),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The short number people say and write (``LC-2026-000123``); see ``case_numbers``.
    case_number: Mapped[str | None] = mapped_column(String(20))
    reporter: Mapped[str] = mapped_column(String(100))
    department: Mapped[str | None] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(63))
    template_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[CaseStatus] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When it was completed or withdrawn (its retention period runs from then), and when its
    # personal data was erased.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    subcases: Mapped[list[Subcase]] = relationship(
        back_populates="case", order_by="Subcase.position", lazy="selectin"
    )
    timeline: Mapped[list[TimelineEvent]] = relationship(
        order_by="TimelineEvent.at", lazy="selectin"
    )


class CaseNumberCounter(Base):
    """The last case number given out in each year: filing a case bumps its year's row in
    the filing transaction, so two filings never get the same number."""

    __tablename__ = "case_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer)


class Subcase(Base):
    """The reporter's view of one sub-case, projected from lifecycle and routing events."""

    __tablename__ = "subcases"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(63))
    title_da: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    queue: Mapped[str | None] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[SubcaseStatus] = mapped_column(String(20))
    due_date: Mapped[date | None] = mapped_column(Date)
    opens_on: Mapped[date | None] = mapped_column(Date)
    waits_for: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    reason: Mapped[str | None] = mapped_column(String(2000))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    case: Mapped[Case] = relationship(back_populates="subcases")


class TimelineEvent(Base):
    """One line of a case's history as the reporter sees it; the id is the event's id."""

    __tablename__ = "timeline_events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(40))
    text_da: Mapped[str] = mapped_column(String(2000))
    text_en: Mapped[str] = mapped_column(String(2000))


class TemplateSchema(Base):
    """The input schema of every published template version, for validating changes to
    cases pinned to older versions."""

    __tablename__ = "template_schemas"

    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    input_schema: Mapped[dict[str, Any]] = mapped_column(JSON)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"

    reporter: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EventType(Base):
    """What reporters can file: the latest published template of each life event."""

    __tablename__ = "event_types"

    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    title_da: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    description_da: Mapped[str] = mapped_column(String(2000))
    description_en: Mapped[str] = mapped_column(String(2000))
    input_schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    personal_fields: Mapped[list[str]] = mapped_column(JSON)


class Draft(Base):
    """A form the reporter saved to finish later, keyed by the form's own token (which becomes
    the case's Idempotency-Key when it is submitted)."""

    __tablename__ = "drafts"

    reporter: Mapped[str] = mapped_column(String(100), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(63))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BulkBatch(Base):
    """A CSV upload whose every row validated, waiting to be (or being) submitted row by row.
    ``rows`` holds ``{"line": n, "data": {...}, "case_id": id-or-null}``."""

    __tablename__ = "bulk_batches"
    __table_args__ = (Index("ix_bulk_batches_reporter", "reporter", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reporter: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(63))
    file_name: Mapped[str] = mapped_column(String(200))
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccessRecord(Base):
    """One line of the access log (``lifecase_platform.access_log``), from any service.
    Append-only: the database refuses to change or delete a line except inside a retention
    purge (see ``AccessLogPurge``)."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_at", "at", "id"),
        Index("ix_access_log_case", "case_id", "at"),
        Index("ix_access_log_actor", "actor", "at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the event's id
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(100))
    roles: Mapped[list[str]] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(50))
    resource: Mapped[str] = mapped_column(String(50))
    resource_id: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[str | None] = mapped_column(String(64))
    personal_data: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(500))


class AccessLogPurge(Base):
    """A row here, inside the retention job's own transaction, is the only thing that lets
    the database delete access-log lines; no other transaction ever sees it."""

    __tablename__ = "access_log_purge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


outbox = outbox_table(Base.metadata)
processed_events = processed_events_table(Base.metadata)
