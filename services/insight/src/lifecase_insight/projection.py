"""The reporting projection: each event the datasets need, written as facts into insight's
own tables in the batch's transaction (``lifecase_platform.messaging.BatchConsumer``, whose
processed-event records make a redelivery harmless). Handlers are small and read nothing
themselves: ``prepare`` reads the batch's rows in one statement per table, because the
consumer runs for every case event in the system.

Times are the envelopes' (when the publishing service staged the event), so replaying the
stream builds the same tables (``lifecase_insight.rebuild``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import (
    CaseCompleted,
    CaseSubmitted,
    CaseWithdrawn,
    Envelope,
    EventData,
    InfoRequested,
    ReplyFiled,
    SlaBreached,
    SlaDueSoon,
    SubcaseCancelled,
    SubcaseClaimed,
    SubcaseOpened,
    SubcaseRejected,
    SubcaseReleased,
    SubcaseResolved,
    SubcaseRouted,
)
from lifecase_insight.calculations import handling
from lifecase_insight.models import CaseFact, QueueStay, SubcaseFact
from lifecase_platform.db import as_utc, transaction_memo
from lifecase_platform.messaging import SessionHandler

NAME = "insight"


async def prepare(session: AsyncSession, envelopes: list[Envelope[Any]]) -> None:
    """Read the rows the batch's events change, one statement per table: a handler reading
    its row by itself cost a round trip and a flush of everything before it, per event."""
    subcases = transaction_memo(session, "insight.subcases")
    cases = transaction_memo(session, "insight.cases")
    subcase_ids = {
        e.data.subcase_id for e in envelopes if isinstance(getattr(e.data, "subcase_id", None), str)
    } - subcases.keys()
    case_ids = {
        e.data.case_id
        for e in envelopes
        if isinstance(e.data, CaseSubmitted | CaseCompleted | CaseWithdrawn)
    } - cases.keys()
    if subcase_ids:
        found = await session.scalars(
            select(SubcaseFact).where(SubcaseFact.subcase_id.in_(subcase_ids))
        )
        subcases.update({row.subcase_id: row for row in found})
        subcases.update({i: None for i in subcase_ids - subcases.keys()})
    if case_ids:
        rows = await session.scalars(select(CaseFact).where(CaseFact.case_id.in_(case_ids)))
        cases.update({row.case_id: row for row in rows})
        cases.update({i: None for i in case_ids - cases.keys()})


async def _subcase(session: AsyncSession, subcase_id: str, case_id: str) -> SubcaseFact:
    """The sub-case's row (read by ``prepare``, or here where a caller did not prepare); a
    bare one if its opening is not in the projection (the stream kept only the later
    events)."""
    memo = transaction_memo(session, "insight.subcases")
    found: SubcaseFact | None = (
        memo[subcase_id] if subcase_id in memo else await session.get(SubcaseFact, subcase_id)
    )
    if found is None:
        found = SubcaseFact(
            subcase_id=subcase_id, case_id=case_id, transfers=0, outcome="open", waiting_seconds=0.0
        )
        session.add(found)
    memo[subcase_id] = found
    return found


async def _case(session: AsyncSession, case_id: str) -> CaseFact | None:
    memo = transaction_memo(session, "insight.cases")
    found: CaseFact | None = (
        memo[case_id] if case_id in memo else await session.get(CaseFact, case_id)
    )
    return found


async def case_submitted(session: AsyncSession, envelope: Envelope[CaseSubmitted]) -> None:
    e = envelope.data
    if await _case(session, e.case_id) is None:
        case = CaseFact(
            case_id=e.case_id, event_type=e.event_type, submitted_at=as_utc(e.submitted_at)
        )
        session.add(case)
        transaction_memo(session, "insight.cases")[e.case_id] = case


async def case_completed(session: AsyncSession, envelope: Envelope[CaseCompleted]) -> None:
    case = await _case(session, envelope.data.case_id)
    if case is not None:
        case.completed_at = as_utc(envelope.data.completed_at)


async def case_withdrawn(session: AsyncSession, envelope: Envelope[CaseWithdrawn]) -> None:
    case = await _case(session, envelope.data.case_id)
    if case is not None:
        case.withdrawn_at = as_utc(envelope.data.withdrawn_at)


async def subcase_opened(session: AsyncSession, envelope: Envelope[SubcaseOpened]) -> None:
    e = envelope.data
    subcase = await _subcase(session, e.subcase_id, e.case_id)
    subcase.subcase_type, subcase.opened_at = e.subcase_type, as_utc(envelope.time)


async def subcase_routed(session: AsyncSession, envelope: Envelope[SubcaseRouted]) -> None:
    """The first routing names the rule that chose the queue; each later one is a transfer
    (a miss of that rule)."""
    e, at = envelope.data, as_utc(envelope.time)
    subcase = await _subcase(session, e.subcase_id, e.case_id)
    if subcase.first_rule is None:
        subcase.first_rule, subcase.first_queue, subcase.first_unit = e.rule, e.queue, e.unit
        subcase.routed_at = at
    else:
        subcase.transfers += 1
        await _leave_queue(session, subcase.subcase_id, at)
    subcase.queue, subcase.unit, subcase.entered_queue_at = e.queue, e.unit, at
    subcase.claimed_at = None  # a transfer leaves the item unassigned in the new queue
    subcase.due_date = e.due_date
    session.add(
        QueueStay(
            id=envelope.id, subcase_id=e.subcase_id, queue=e.queue, unit=e.unit, entered_at=at
        )
    )


async def _leave_queue(session: AsyncSession, subcase_id: str, at: datetime) -> None:
    await session.execute(
        update(QueueStay)
        .where(QueueStay.subcase_id == subcase_id, QueueStay.left_at.is_(None))
        .values(left_at=at)
    )


async def _close(session: AsyncSession, envelope: Envelope[Any], outcome: str) -> SubcaseFact:
    e, at = envelope.data, as_utc(envelope.time)
    subcase = await _subcase(session, e.subcase_id, e.case_id)
    _stop_waiting(subcase, at)
    subcase.outcome, subcase.closed_at = outcome, at
    if subcase.queue is not None:
        await _leave_queue(session, subcase.subcase_id, at)
    return subcase


async def subcase_claimed(session: AsyncSession, envelope: Envelope[SubcaseClaimed]) -> None:
    """Someone took the item: the handling time runs from the last claim. The waiting done
    so far is remembered, so that only the waiting after the claim is taken off."""
    e, at = envelope.data, as_utc(envelope.time)
    subcase = await _subcase(session, e.subcase_id, e.case_id)
    subcase.claimed_at = at
    subcase.waited_before_claim = subcase.waiting_seconds + _waiting(subcase, at)


async def subcase_released(session: AsyncSession, envelope: Envelope[SubcaseReleased]) -> None:
    e = envelope.data
    (await _subcase(session, e.subcase_id, e.case_id)).claimed_at = None


async def subcase_resolved(session: AsyncSession, envelope: Envelope[SubcaseResolved]) -> None:
    """Handling time: from the last claim, less the waiting for the reporter after it; a
    resolution without a claim in the projection falls back to the time since entering
    the resolving queue, less all the waiting (ADR 0030)."""
    subcase = await _close(session, envelope, "resolved")
    subcase.resolved_by_robot = envelope.data.resolved_by_robot
    measured = handling(
        resolved_at=as_utc(envelope.time),
        claimed_at=None if subcase.claimed_at is None else as_utc(subcase.claimed_at),
        entered_queue_at=(
            None if subcase.entered_queue_at is None else as_utc(subcase.entered_queue_at)
        ),
        waited=subcase.waiting_seconds,
        waited_before_claim=subcase.waited_before_claim or 0.0,
    )
    subcase.handling_seconds, subcase.handled_from_claim = measured.seconds, measured.from_claim


async def subcase_rejected(session: AsyncSession, envelope: Envelope[SubcaseRejected]) -> None:
    await _close(session, envelope, "rejected")


async def subcase_cancelled(session: AsyncSession, envelope: Envelope[SubcaseCancelled]) -> None:
    await _close(session, envelope, "cancelled")


async def info_requested(session: AsyncSession, envelope: Envelope[InfoRequested]) -> None:
    """The unit wrote to the reporter: she waits no longer; a question makes the work wait."""
    e = envelope.data
    subcase = await _subcase(session, e.subcase_id, e.case_id)
    subcase.reporter_wrote_at = None
    if e.awaits_reply and subcase.waiting_since is None:
        subcase.waiting_since = as_utc(envelope.time)


async def reply_filed(session: AsyncSession, envelope: Envelope[ReplyFiled]) -> None:
    """The reporter wrote: an answer ends the work's wait; any message waits for the unit."""
    e, at = envelope.data, as_utc(envelope.time)
    subcase = await _subcase(session, e.subcase_id, e.case_id)
    if e.in_reply_to is not None:
        _stop_waiting(subcase, at)
    if subcase.reporter_wrote_at is None:
        subcase.reporter_wrote_at = at


def _stop_waiting(subcase: SubcaseFact, at: datetime) -> None:
    subcase.waiting_seconds += _waiting(subcase, at)
    subcase.waiting_since = None


def _waiting(subcase: SubcaseFact, at: datetime) -> float:
    """Seconds of the current wait for the reporter up to ``at`` (0 if not waiting)."""
    if subcase.waiting_since is None:
        return 0.0
    return max(0.0, (at - as_utc(subcase.waiting_since)).total_seconds())


async def sla_due_soon(session: AsyncSession, envelope: Envelope[SlaDueSoon]) -> None:
    e = envelope.data
    (await _subcase(session, e.subcase_id, e.case_id)).sla_due_soon = True


async def sla_breached(session: AsyncSession, envelope: Envelope[SlaBreached]) -> None:
    e = envelope.data
    (await _subcase(session, e.subcase_id, e.case_id)).sla_breached = True


def registry() -> Mapping[type[EventData], SessionHandler]:
    """The events the projection reads, and the handler of each. Erasure is not among them:
    the facts hold nothing personal, and the numbers of past years must stay (ADR 0030)."""
    handlers: dict[type[EventData], Any] = {
        CaseSubmitted: case_submitted,
        CaseCompleted: case_completed,
        CaseWithdrawn: case_withdrawn,
        SubcaseOpened: subcase_opened,
        SubcaseRouted: subcase_routed,
        SubcaseClaimed: subcase_claimed,
        SubcaseReleased: subcase_released,
        SubcaseResolved: subcase_resolved,
        SubcaseRejected: subcase_rejected,
        SubcaseCancelled: subcase_cancelled,
        InfoRequested: info_requested,
        ReplyFiled: reply_filed,
        SlaDueSoon: sla_due_soon,
        SlaBreached: sla_breached,
    }
    return handlers
