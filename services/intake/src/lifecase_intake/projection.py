"""The reporter's view of cases, built from lifecycle and routing events, and the list of
event types, built from published templates. Each handler is idempotent on its natural key
and never moves a sub-case's status backwards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import (
    CaseCompleted,
    Envelope,
    EventData,
    SubcaseOpened,
    SubcaseResolved,
    SubcaseRouted,
    TemplatePublished,
)
from lifecase_intake.conversation.projection import ConversationProjection
from lifecase_intake.models import Case, EventType, Subcase
from lifecase_platform.db import SessionFactory
from lifecase_platform.messaging import Handler

STATUS_RANK = {"open": 0, "routed": 1, "resolved": 2, "rejected": 2}


@dataclass
class IntakeProjection:
    sessions: SessionFactory

    async def template_published(self, envelope: Envelope[TemplatePublished]) -> None:
        t = envelope.data
        async with self.sessions() as session, session.begin():
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

    async def subcase_opened(self, envelope: Envelope[SubcaseOpened]) -> None:
        e = envelope.data
        async with self.sessions() as session, session.begin():
            await _advance(
                session,
                e.case_id,
                e.subcase_id,
                e.activity,
                e.title.da,
                e.title.en,
                status="open",
                due_date=e.due_date,
            )

    async def subcase_routed(self, envelope: Envelope[SubcaseRouted]) -> None:
        e = envelope.data
        async with self.sessions() as session, session.begin():
            sub = await _advance(
                session,
                e.case_id,
                e.subcase_id,
                e.activity,
                e.title.da,
                e.title.en,
                status="routed",
                due_date=e.due_date,
            )
            if sub is not None:
                sub.queue, sub.unit = e.queue, e.unit

    async def subcase_resolved(self, envelope: Envelope[SubcaseResolved]) -> None:
        e = envelope.data
        async with self.sessions() as session, session.begin():
            await _advance(
                session,
                e.case_id,
                e.subcase_id,
                e.activity,
                e.title.da,
                e.title.en,
                status="resolved",
                due_date=None,
            )

    async def case_completed(self, envelope: Envelope[CaseCompleted]) -> None:
        e = envelope.data
        async with self.sessions() as session, session.begin():
            case = await session.get(Case, e.case_id)
            if case is not None and case.status != "completed":
                case.status, case.completed_at = "completed", e.completed_at

    def registry(self) -> Mapping[type[EventData], Handler]:
        return {
            TemplatePublished: self.template_published,
            SubcaseOpened: self.subcase_opened,
            SubcaseRouted: self.subcase_routed,
            SubcaseResolved: self.subcase_resolved,
            CaseCompleted: self.case_completed,
            **ConversationProjection(self.sessions).registry(),
        }


async def _advance(
    session: AsyncSession,
    case_id: str,
    subcase_id: str,
    activity: str,
    title_da: str,
    title_en: str,
    *,
    status: str,
    due_date: object,
) -> Subcase | None:
    """Create the sub-case if it is new and move its status forward (never back)."""
    case = await session.get(Case, case_id)
    if case is None:
        return None  # a case submitted elsewhere; nothing of the reporter's to update
    sub = await session.get(Subcase, subcase_id)
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
            title_da=title_da,
            title_en=title_en,
            queue=None,
            unit=None,
            status=status,
            due_date=due_date,
            updated_at=now,
        )
        session.add(sub)
    elif STATUS_RANK[status] < STATUS_RANK[sub.status]:
        return None
    sub.status, sub.updated_at = status, now
    if due_date is not None:
        sub.due_date = due_date  # type: ignore[assignment]
    if case.status == "submitted":
        case.status = "in_progress"
    return sub
