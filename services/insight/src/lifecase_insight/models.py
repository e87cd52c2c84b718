"""Tables the insight service owns: facts of cases and sub-cases as the event stream told
them, and nothing personal (no names, CPR numbers or free text: ids, types, units, queues,
rule names, timestamps, durations). All but the overrides are rebuilt by replaying the
stream (``lifecase_insight.rebuild``)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, Index, Integer, MetaData, String, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lifecase_platform.inbox import processed_events_table


class Base(DeclarativeBase):
    metadata = MetaData()


class CaseFact(Base):
    """A filed case: its life event, when it was filed and how it ended."""

    __tablename__ = "insight_cases"

    case_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100), index=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SubcaseFact(Base):
    """A sub-case from opening to closing: where routing first sent it (rule, queue, unit),
    where it is now, how it ended and the times that the datasets measure."""

    __tablename__ = "insight_subcases"
    __table_args__ = (
        Index("ix_insight_subcases_unit_routed", "unit", "routed_at"),
        Index("ix_insight_subcases_closed", "closed_at"),
    )

    subcase_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64), index=True)
    subcase_type: Mapped[str | None] = mapped_column(String(100))  # None: opened before the stream
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_rule: Mapped[str | None] = mapped_column(String(100))
    first_queue: Mapped[str | None] = mapped_column(String(63))
    first_unit: Mapped[str | None] = mapped_column(String(63))
    routed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    transfers: Mapped[int] = mapped_column(Integer, default=0)
    queue: Mapped[str | None] = mapped_column(String(63))
    unit: Mapped[str | None] = mapped_column(String(63))
    entered_queue_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_date: Mapped[date | None] = mapped_column(Date)
    # open | resolved | rejected | cancelled
    outcome: Mapped[str] = mapped_column(String(20), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_robot: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # Time the work waited for the reporter's answer (questions only), in seconds, and since
    # when it waits now.
    waiting_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    waiting_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last claim (``SubcaseClaimed``) while the item is held: cleared when it goes back
    # to a queue (released or transferred). With the waiting it had done by then.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    waited_before_claim: Mapped[float | None] = mapped_column(Float)
    # Handling time of a resolution: from the last claim to resolving, less the waiting for
    # the reporter after it; without a claim (history from before claims were published),
    # from entering the resolving queue, and ``handled_from_claim`` is false (ADR 0030).
    handling_seconds: Mapped[float | None] = mapped_column(Float)
    handled_from_claim: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # Since when the reporter's last message waits for the unit to write back.
    reporter_wrote_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_due_soon: Mapped[bool] = mapped_column(Boolean, server_default=false())
    sla_breached: Mapped[bool] = mapped_column(Boolean, server_default=false())


class QueueStay(Base):
    """A sub-case's time in one queue (from routing or transfer to leaving or closing): the
    queue-depth series counts the stays open at the end of each day."""

    __tablename__ = "insight_queue_stays"
    __table_args__ = (Index("ix_insight_queue_stays_subcase", "subcase_id", "left_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the routing event's id
    subcase_id: Mapped[str] = mapped_column(String(64))
    queue: Mapped[str] = mapped_column(String(63), index=True)
    unit: Mapped[str] = mapped_column(String(63))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HandlingOverride(Base):
    """An administrator's measured handling time for a sub-case type, used by the automation
    report instead of the median the events give. Not rebuilt: nothing in the stream has it."""

    __tablename__ = "insight_handling_overrides"

    subcase_type: Mapped[str] = mapped_column(String(100), primary_key=True)
    minutes: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


processed_events = processed_events_table(Base.metadata)

# What a rebuild empties (the overrides stay), children first.
PROJECTION = tuple(
    Base.metadata.tables[t.__tablename__] for t in (QueueStay, SubcaseFact, CaseFact)
)
