"""The reporter's view of cases, built from lifecycle and routing events, and the list of
event types, built from published templates. Each handler is idempotent on its natural key,
and a sub-case's status only moves along the transitions below, so a late or repeated event
never moves it back."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table, Update, bindparam, delete, func, select, update
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
from lifecase_platform.db import insert_new, insert_new_at_commit, transaction_memo
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
        changes = {"opens_on": e.opens_on, "waits_for": e.waits_for, "reason": None}
        if await _move(session, e, "scheduled", changes):
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
        if await _move(session, e, "open", {"due_date": e.due_date, "reason": None}):
            await _note(session, envelope, e.case_id, "subcase_opened", timeline.opened(e.title))

    async def subcase_routed(
        self, session: AsyncSession, envelope: Envelope[SubcaseRouted]
    ) -> None:
        e = envelope.data
        changes = {"queue": e.queue, "unit": e.unit}
        if await _move(session, e, "routed", changes, due_date_if_unset=e.due_date):
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
        if await _move(session, e, "resolved", {}):
            await _note(
                session, envelope, e.case_id, "subcase_resolved", timeline.resolved(e.title)
            )

    async def subcase_cancelled(
        self, session: AsyncSession, envelope: Envelope[SubcaseCancelled]
    ) -> None:
        e = envelope.data
        if await _move(session, e, "cancelled", {"reason": e.reason}):
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


class _SubcaseEvent(Protocol):
    @property
    def case_id(self) -> str: ...
    @property
    def subcase_id(self) -> str: ...
    @property
    def activity(self) -> str: ...
    @property
    def title(self) -> Localized: ...


async def _move(
    session: AsyncSession,
    e: _SubcaseEvent,
    status: str,
    changes: dict[str, Any],
    *,
    due_date_if_unset: date | None = None,
) -> bool:
    """Create the sub-case if it is new and move it to ``status`` with ``changes`` if that is
    a step forward; False when the event changes nothing (or belongs to no case of ours).

    This runs for every event of every sub-case, so it is lean: a case's status is read once
    per transaction (a batch carries several events of a case), and the sub-case is written
    with one conditional statement: an ``INSERT ... ON CONFLICT DO NOTHING`` for a sub-case
    that is new, or an ``UPDATE`` whose ``WHERE`` only lets the allowed transitions through.
    """
    cases = transaction_memo(session, "intake.cases")
    if e.case_id not in cases:
        cases[e.case_id] = await session.scalar(select(Case.status).where(Case.id == e.case_id))
    if cases[e.case_id] is None:
        return False
    now = datetime.now(UTC)

    async def moved() -> bool:
        statement = _update_statement(status, tuple(changes), due_date_if_unset is not None)
        params = {f"p_{key}": value for key, value in changes.items()}
        result = await session.execute(
            statement, {**params, "p_id": e.subcase_id, "p_due": due_date_if_unset, "p_now": now}
        )
        return bool(getattr(result, "rowcount", 0))

    # A sub-case is usually new when it is scheduled or opened, known when anything else
    # happens to it: try the likely statement first.
    if status in ("scheduled", "open"):
        done = await _insert_subcase(session, e, status, changes, due_date_if_unset, now)
        done = done or await moved()
    else:
        # Between the two, another replica may have added the sub-case (its insert
        # conflicts): then it exists, and the update is tried once more.
        done = (
            await moved()
            or await _insert_subcase(session, e, status, changes, due_date_if_unset, now)
            or await moved()
        )
    if not done:
        return False
    if cases[e.case_id] == "submitted":
        await session.execute(
            update(Case)
            .where(Case.id == e.case_id, Case.status == "submitted")
            .values(status="in_progress")
            .execution_options(synchronize_session=False)
        )
        cases[e.case_id] = "in_progress"
    return True


@functools.lru_cache(maxsize=64)
def _update_statement(status: str, keys: tuple[str, ...], due_date_if_unset: bool) -> Update:
    """``UPDATE subcases SET <keys>, status, updated_at WHERE id = ? AND status IN (those
    it may replace)``, built once per kind of change: the values travel as parameters."""
    table = cast(Table, Subcase.__table__)
    values: dict[str, Any] = {key: bindparam(f"p_{key}", type_=table.c[key].type) for key in keys}
    if due_date_if_unset:
        values["due_date"] = func.coalesce(
            table.c.due_date, bindparam("p_due", type_=table.c.due_date.type)
        )
    allowed = sorted(s for s in TRANSITIONS[status] if s is not None)
    return (
        update(table)
        .where(table.c.id == bindparam("p_id"), table.c.status.in_(allowed))
        .values(
            {
                **values,
                "status": status,
                "updated_at": bindparam("p_now", type_=table.c.updated_at.type),
            }
        )
    )


async def _insert_subcase(
    session: AsyncSession,
    e: _SubcaseEvent,
    status: str,
    changes: dict[str, Any],
    due_date: date | None,
    now: datetime,
) -> bool:
    """Add the sub-case unless it exists; its position is its case's count so far."""
    positions = transaction_memo(session, "intake.positions")
    if e.case_id not in positions:
        positions[e.case_id] = await session.scalar(
            select(func.count()).select_from(Subcase).where(Subcase.case_id == e.case_id)
        )
    new: dict[str, Any] = {
        "id": e.subcase_id,
        "case_id": e.case_id,
        "position": positions[e.case_id] or 0,
        "activity": e.activity,
        "title_da": e.title.da,
        "title_en": e.title.en,
        "queue": None,
        "unit": None,
        "due_date": due_date,
        "opens_on": None,
        "waits_for": [],
        "reason": None,
    }
    inserted = await insert_new(
        session, Subcase, {**new, **changes, "status": status, "updated_at": now}
    )
    if inserted:
        positions[e.case_id] = (positions[e.case_id] or 0) + 1
    return inserted


async def _note(
    session: AsyncSession,
    envelope: Envelope[Any],
    case_id: str,
    kind: str,
    text: Localized,
    at: datetime | None = None,
) -> None:
    """Add a timeline line for this event, once (written with the batch's other lines
    when the transaction commits)."""
    insert_new_at_commit(
        session,
        TimelineEvent,
        {
            "id": envelope.id,
            "case_id": case_id,
            "at": at or envelope.time,
            "kind": kind,
            "text_da": text.da,
            "text_en": text.en,
        },
    )
