"""What the workspace's pages need beyond the API's service functions: unit names, the
queues an item can be transferred to, and the case around an item."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_routing.models import Member, Queue, Unit, WorkItem
from lifecase_routing.workitems import Handle


@dataclass(frozen=True)
class QueueChoice:
    key: str
    name: Localized
    unit: Localized


@dataclass(frozen=True)
class SiblingTask:
    """Another sub-case of the item's case, as the unit may see it: what, where, how far.
    Never its fields: those belong to the unit that works it."""

    title: Localized
    unit: Localized
    status: str


async def unit_names(*, session: AsyncSession) -> dict[str, Localized]:
    units = await session.scalars(select(Unit))
    return {u.key: Localized(da=u.name_da, en=u.name_en) for u in units}


async def transfer_targets(*, session: AsyncSession, current: str) -> list[QueueChoice]:
    """Every queue but the item's own: a transfer may go to any unit."""
    rows = await session.execute(
        select(Queue, Unit)
        .join(Unit, Unit.key == Queue.unit)
        .where(Queue.key != current)
        .order_by(Unit.name_da, Queue.name_da)
    )
    return [
        QueueChoice(
            key=q.key,
            name=Localized(da=q.name_da, en=q.name_en),
            unit=Localized(da=u.name_da, en=u.name_en),
        )
        for q, u in rows.tuples()
    ]


async def case_context(*, session: AsyncSession, handle: Handle) -> list[SiblingTask]:
    """The other sub-cases of the item's case that reached routing, read-only."""
    rows = await session.execute(
        select(WorkItem.title_da, WorkItem.title_en, WorkItem.status, Unit.name_da, Unit.name_en)
        .join(Queue, Queue.key == WorkItem.queue)
        .join(Unit, Unit.key == Queue.unit)
        .where(WorkItem.case_id == handle.item.case_id, WorkItem.id != handle.item.id)
        .order_by(WorkItem.created_at, WorkItem.id)
    )
    return [
        SiblingTask(
            title=Localized(da=title_da, en=title_en),
            unit=Localized(da=unit_da, en=unit_en),
            status=status,
        )
        for title_da, title_en, status, unit_da, unit_en in rows.tuples()
    ]


async def unit_members(*, session: AsyncSession, unit: str) -> list[str]:
    """Who a unit's lead can give its work to."""
    members = await session.scalars(
        select(Member.username).where(Member.unit == unit).order_by(Member.username)
    )
    return list(members)
