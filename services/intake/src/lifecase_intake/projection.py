"""The reporter's view of cases, built from lifecycle and routing events, and the list of
event types, built from published templates. Each handler is idempotent on its natural key,
and a sub-case's status only moves along the transitions below, so a late or repeated event
never moves it back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import (
    CaseCompleted,
    CasePlanningFailed,
    Envelope,
    EventData,
    Localized,
    SubcaseCancelled,
    SubcaseDueDateChanged,
    SubcaseOpened,
    SubcaseResolved,
    SubcaseRouted,
    SubcaseScheduled,
    TemplatePublished,
    TemplateRetired,
)
from lifecase_intake import timeline
from lifecase_intake.conversation.projection import ConversationProjection
from lifecase_intake.models import Case, EventType, Subcase, TemplateSchema, TimelineEvent
from lifecase_platform.messaging import SessionHandler

OPEN = {None, "scheduled", "open", "routed"}
# new status -> the statuses it may replace (None: the sub-case is new to us)
TRANSITIONS: dict[str, set[str | None]] = {
    "scheduled": {None, "scheduled", "cancelled"},
    "open": {None, "scheduled", "open", "cancelled"},
    "routed": OPEN,
    "resolved": OPEN,
    "rejected": OPEN,
    "cancelled": OPEN,
}


@dataclass
class IntakeProjection:
    """Handlers write through the batch's session (``BatchConsumer``)."""

    async def template_published(
        self, session: AsyncSession, envelope: Envelope[TemplatePublished]
    ) -> None:
        t = envelope.data
        await session.merge(
            TemplateSchema(key=t.key, version=t.version, input_schema=t.input_schema)
        )
        current = await session.get(EventType, t.key)
        if current is not None and current.version >= t.version:
            return
        await session.merge(
            EventType(
                key=t.key,
                version=t.version,
                title_da=t.title.da,
                title_en=t.title.en,
                description_da=t.description.da,
                description_en=t.description.en,
                input_schema=t.input_schema,
                personal_fields=t.personal_fields,
            )
        )

    async def template_retired(
        self, session: AsyncSession, envelope: Envelope[TemplateRetired]
    ) -> None:
        t = envelope.data
        await session.execute(
            delete(EventType).where(EventType.key == t.key, EventType.version == t.version)
        )

    async def subcase_scheduled(
        self, session: AsyncSession, envelope: Envelope[SubcaseScheduled]
    ) -> None:
        e = envelope.data
        sub = await _move(session, e.case_id, e.subcase_id, e.activity, e.title, "scheduled")
        if sub is not None:
            sub.opens_on, sub.waits_for, sub.reason = e.opens_on, e.waits_for, None
            await _note(
                session,
                envelope,
                e.case_id,
                "subcase_scheduled",
                timeline.scheduled(e.title, e.opens_on, bool(e.waits_for)),
            )

    async def subcase_opened(
        self, session: AsyncSession, envelope: Envelope[SubcaseOpened]
    ) -> None:
        e = envelope.data
        sub = await _move(session, e.case_id, e.subcase_id, e.activity, e.title, "open")
        if sub is not None:
            sub.due_date, sub.reason = e.due_date, None
            await _note(session, envelope, e.case_id, "subcase_opened", timeline.opened(e.title))

    async def subcase_routed(
        self, session: AsyncSession, envelope: Envelope[SubcaseRouted]
    ) -> None:
        e = envelope.data
        sub = await _move(session, e.case_id, e.subcase_id, e.activity, e.title, "routed")
        if sub is not None:
            sub.queue, sub.unit = e.queue, e.unit
            sub.due_date = sub.due_date or e.due_date
            await _note(
                session,
                envelope,
                e.case_id,
                "subcase_routed",
                timeline.routed(e.title, e.unit, e.unit_name),
            )

    async def subcase_resolved(
        self, session: AsyncSession, envelope: Envelope[SubcaseResolved]
    ) -> None:
        e = envelope.data
        sub = await _move(session, e.case_id, e.subcase_id, e.activity, e.title, "resolved")
        if sub is not None:
            await _note(
                session, envelope, e.case_id, "subcase_resolved", timeline.resolved(e.title)
            )

    async def subcase_cancelled(
        self, session: AsyncSession, envelope: Envelope[SubcaseCancelled]
    ) -> None:
        e = envelope.data
        sub = await _move(session, e.case_id, e.subcase_id, e.activity, e.title, "cancelled")
        if sub is not None:
            sub.reason = e.reason
            await _note(
                session,
                envelope,
                e.case_id,
                "subcase_cancelled",
                timeline.cancelled(e.title, e.reason),
            )

    async def due_date_changed(
        self, session: AsyncSession, envelope: Envelope[SubcaseDueDateChanged]
    ) -> None:
        e = envelope.data
        sub = await session.get(Subcase, e.subcase_id)
        if sub is None or sub.status not in OPEN or sub.due_date == e.due_date:
            return
        sub.due_date = e.due_date
        title = Localized(da=sub.title_da, en=sub.title_en)
        await _note(
            session,
            envelope,
            e.case_id,
            "due_date_changed",
            timeline.due_date_moved(title, e.due_date),
        )

    async def case_completed(
        self, session: AsyncSession, envelope: Envelope[CaseCompleted]
    ) -> None:
        e = envelope.data
        case = await session.get(Case, e.case_id)
        if case is not None and case.status in ("submitted", "in_progress"):
            case.status, case.completed_at = "completed", e.completed_at
            case.closed_at = e.completed_at
            await _note(session, envelope, e.case_id, "case_completed", timeline.completed())

    async def planning_failed(
        self, session: AsyncSession, envelope: Envelope[CasePlanningFailed]
    ) -> None:
        e = envelope.data
        case = await session.get(Case, e.case_id)
        if case is not None and case.status in ("submitted", "in_progress"):
            case.status, case.closed_at = "failed", e.failed_at
            await _note(session, envelope, e.case_id, "case_failed", timeline.planning_failed())

    def registry(self) -> Mapping[type[EventData], SessionHandler]:
        return {
            CasePlanningFailed: self.planning_failed,
            TemplatePublished: self.template_published,
            TemplateRetired: self.template_retired,
            SubcaseScheduled: self.subcase_scheduled,
            SubcaseOpened: self.subcase_opened,
            SubcaseRouted: self.subcase_routed,
            SubcaseResolved: self.subcase_resolved,
            SubcaseCancelled: self.subcase_cancelled,
            SubcaseDueDateChanged: self.due_date_changed,
            CaseCompleted: self.case_completed,
            **ConversationProjection().registry(),
        }


async def _move(
    session: AsyncSession,
    case_id: str,
    subcase_id: str,
    activity: str,
    title: Localized,
    status: str,
) -> Subcase | None:
    """Create the sub-case if it is new and move it to ``status`` if that is a step forward;
    None when the event changes nothing (or belongs to no case of ours)."""
    case = await session.get(Case, case_id)
    if case is None:
        return None
    sub = await session.get(Subcase, subcase_id)
    if (sub.status if sub else None) not in TRANSITIONS[status]:
        return None
    now = datetime.now(UTC)
    if sub is None:
        position = await session.scalar(
            select(func.count()).select_from(Subcase).where(Subcase.case_id == case_id)
        )
        sub = Subcase(
            id=subcase_id,
            case_id=case_id,
            position=position or 0,
            activity=activity,
            title_da=title.da,
            title_en=title.en,
            queue=None,
            unit=None,
            status=status,
            due_date=None,
            opens_on=None,
            waits_for=[],
            reason=None,
            updated_at=now,
        )
        session.add(sub)
    sub.status, sub.updated_at = status, now
    if case.status == "submitted":
        case.status = "in_progress"
    return sub


async def _note(
    session: AsyncSession,
    envelope: Envelope[Any],
    case_id: str,
    kind: str,
    text: Localized,
    at: datetime | None = None,
) -> None:
    """Add a timeline line for this event, once."""
    if await session.get(TimelineEvent, envelope.id) is None:
        session.add(
            TimelineEvent(
                id=envelope.id,
                case_id=case_id,
                at=at or envelope.time,
                kind=kind,
                text_da=text.da,
                text_en=text.en,
            )
        )
