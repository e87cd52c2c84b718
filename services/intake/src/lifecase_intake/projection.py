"""The reporter's view of cases, built from lifecycle and routing events, and the list of
event types, built from published templates. Each handler is idempotent on its natural key,
and a sub-case's status only moves through ``transitions.move``, so a late or repeated event
never moves it back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts import reporter_texts
from lifecase_contracts.events import (
    CaseCompleted,
    CaseMigrated,
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
from lifecase_intake.models import Case, EventType, Subcase, TemplateSchema
from lifecase_intake.transitions import OPEN, move, note
from lifecase_platform.messaging import SessionHandler


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
        changes = {"opens_on": e.opens_on, "waits_for": e.waits_for, "reason": None}
        text = timeline.scheduled(e.title, e.opens_on, bool(e.waits_for))
        await move(session, envelope, "scheduled", changes, text)

    async def subcase_opened(
        self, session: AsyncSession, envelope: Envelope[SubcaseOpened]
    ) -> None:
        e = envelope.data
        changes = {"due_date": e.due_date, "reason": None}
        await move(session, envelope, "open", changes, timeline.opened(e.title))

    async def subcase_routed(
        self, session: AsyncSession, envelope: Envelope[SubcaseRouted]
    ) -> None:
        e = envelope.data
        changes = {"queue": e.queue, "unit": e.unit}
        text = reporter_texts.routed(e.title, e.unit, e.unit_name)
        await move(session, envelope, "routed", changes, text, due_date_if_unset=e.due_date)

    async def subcase_resolved(
        self, session: AsyncSession, envelope: Envelope[SubcaseResolved]
    ) -> None:
        e = envelope.data
        await move(session, envelope, "resolved", {}, reporter_texts.resolved(e.title))

    async def subcase_cancelled(
        self, session: AsyncSession, envelope: Envelope[SubcaseCancelled]
    ) -> None:
        e = envelope.data
        text = timeline.cancelled(e.title, e.reason)
        await move(session, envelope, "cancelled", {"reason": e.reason}, text)

    async def due_date_changed(
        self, session: AsyncSession, envelope: Envelope[SubcaseDueDateChanged]
    ) -> None:
        e = envelope.data
        sub = await session.get(Subcase, e.subcase_id)
        if sub is None or sub.status not in OPEN or sub.due_date == e.due_date:
            return
        sub.due_date = e.due_date
        title = Localized(da=sub.title_da, en=sub.title_en)
        await note(
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
            await note(session, envelope, e.case_id, "case_completed", reporter_texts.completed())

    async def case_migrated(self, session: AsyncSession, envelope: Envelope[CaseMigrated]) -> None:
        """The case follows a newer version of its template: its reschedules are checked
        against that version from now on, and its timeline says what changed."""
        e = envelope.data
        case = await session.get(Case, e.case_id)
        if case is None or case.template_version == e.to_version:
            return
        case.template_version = e.to_version
        text = timeline.migrated(e.to_version, e.added, e.cancelled, e.kept)
        await note(session, envelope, e.case_id, "case_migrated", text)

    async def planning_failed(
        self, session: AsyncSession, envelope: Envelope[CasePlanningFailed]
    ) -> None:
        e = envelope.data
        case = await session.get(Case, e.case_id)
        if case is not None and case.status in ("submitted", "in_progress"):
            case.status, case.closed_at = "failed", e.failed_at
            text = reporter_texts.planning_failed()
            await note(session, envelope, e.case_id, "case_failed", text)

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
            CaseMigrated: self.case_migrated,
            **ConversationProjection().registry(),
        }
