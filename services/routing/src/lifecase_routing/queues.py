"""Queues as caseworkers and robots see them: counts, filtered listing by due date with keyset
pagination, and claiming the next item."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import Order, QueuePublic, StatusFilter, WorkItemPublic
from lifecase_contracts.events import Localized
from lifecase_platform.auth import Principal
from lifecase_platform.errors import BadRequest, NotFound
from lifecase_platform.outbox import Outbox
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing.access import Access, access_of
from lifecase_routing.models import Queue, WorkItem
from lifecase_routing.public import to_public
from lifecase_routing.sla import queue_counts, sla_clock
from lifecase_routing.states import OPEN, STATUSES, set_status
from lifecase_routing.workitems import Handle, emit_claimed


@dataclass(frozen=True)
class ItemFilter:
    status: StatusFilter = "open"
    assignee: str | None = None  # a username, "me" or "none"
    due_before: date | None = None
    subcase_type: str | None = None
    text: str | None = None
    order: Order = "due"


async def visible_queues(
    *, session: AsyncSession, user: Principal, today: date | None = None
) -> list[QueuePublic]:
    """The caller's units' queues, each with counts per status and per SLA state."""
    access = await access_of(session=session, user=user)
    query = select(Queue).order_by(Queue.key)
    if access.units is not None:
        query = query.where(Queue.unit.in_(access.units))
    queues = list(await session.scalars(query))
    return await _with_counts(session, queues, today or today_in_denmark())


async def queue_summary(
    *, session: AsyncSession, user: Principal, queue: str, today: date | None = None
) -> QueuePublic:
    found = await get_queue(
        session=session, access=await access_of(session=session, user=user), queue=queue
    )
    [summary] = await _with_counts(session, [found], today or today_in_denmark())
    return summary


async def _with_counts(
    session: AsyncSession, queues: list[Queue], today: date
) -> list[QueuePublic]:
    keys = [q.key for q in queues]
    by_status: dict[str, dict[str, int]] = {k: {} for k in keys}
    for key, status, count in (
        await session.execute(
            select(WorkItem.queue, WorkItem.status, func.count())
            .where(WorkItem.queue.in_(keys))
            .group_by(WorkItem.queue, WorkItem.status)
        )
    ).tuples():
        by_status[key][status] = count
    sla_counts = await queue_counts(session=session, queues=keys, today=today)
    return [
        QueuePublic(
            key=q.key,
            unit=q.unit,
            name=Localized(da=q.name_da, en=q.name_en),
            open_count=sum(by_status[q.key].get(s, 0) for s in OPEN),
            counts={s: by_status[q.key].get(s, 0) for s in STATUSES},
            breached=sla_counts.get(q.key, (0, 0))[0],
            due_soon=sla_counts.get(q.key, (0, 0))[1],
        )
        for q in queues
    ]


async def get_queue(*, session: AsyncSession, access: Access, queue: str) -> Queue:
    found = await session.get(Queue, queue)
    if found is None or not access.sees(found.unit):
        raise NotFound(Localized(da="køen", en="queue"))
    return found


async def queue_items(
    *,
    session: AsyncSession,
    user: Principal,
    queue: str,
    filters: ItemFilter,
    limit: int,
    after: str | None,
    today: date | None = None,
) -> tuple[list[WorkItemPublic], str | None]:
    """A queue's items by due date (then id), filtered; ``after`` is the previous page's
    ``next_cursor``. Each page is one index range scan, however long the queue is."""
    access = await access_of(session=session, user=user)
    await get_queue(session=session, access=access, queue=queue)
    query = _filtered(select(WorkItem).where(WorkItem.queue == queue), filters, access)
    key = tuple_(WorkItem.due_date, WorkItem.id)
    if after is not None:
        position = _decode_cursor(after)
        query = query.where(key > position if filters.order == "due" else key < position)
    if filters.order == "due":
        query = query.order_by(WorkItem.due_date, WorkItem.id)
    else:
        query = query.order_by(WorkItem.due_date.desc(), WorkItem.id.desc())
    rows = list(await session.scalars(query.limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor(rows[limit - 1].due_date, rows[limit - 1].id)
    clock = await sla_clock(session=session)
    day = today or today_in_denmark()
    return [to_public(item, clock, day) for item in rows[:limit]], next_cursor


@dataclass(frozen=True)
class ItemPage:
    """One page of a queue, and where the pages around it start (None: there is none)."""

    items: list[WorkItemPublic]
    next_cursor: str | None
    previous_cursor: str | None


async def queue_page(
    *,
    session: AsyncSession,
    user: Principal,
    queue: str,
    filters: ItemFilter,
    limit: int,
    after: str | None = None,
    before: str | None = None,
    today: date | None = None,
) -> ItemPage:
    """A page of ``queue_items`` that can also turn back: ``before`` is a page's
    ``previous_cursor`` and gives the items just before it, in the same order."""
    access = await access_of(session=session, user=user)
    await get_queue(session=session, access=access, queue=queue)
    base = _filtered(select(WorkItem).where(WorkItem.queue == queue), filters, access)
    key = tuple_(WorkItem.due_date, WorkItem.id)
    ascending = filters.order == "due"
    forward = (WorkItem.due_date, WorkItem.id)
    backward = (WorkItem.due_date.desc(), WorkItem.id.desc())

    def past(position: tuple[date, str]) -> ColumnElement[bool]:
        return key > position if ascending else key < position

    def ahead(position: tuple[date, str]) -> ColumnElement[bool]:
        return key < position if ascending else key > position

    if before is None:
        query = base if after is None else base.where(past(_decode_cursor(after)))
        ordered = query.order_by(*forward if ascending else backward).limit(limit + 1)
        rows = list(await session.scalars(ordered))
        more_after, rows = len(rows) > limit, rows[:limit]
        more_before = after is not None and (
            not rows or await _any(session, base.where(ahead(_position(rows[0]))))
        )
    else:
        query = base.where(ahead(_decode_cursor(before)))
        ordered = query.order_by(*backward if ascending else forward).limit(limit + 1)
        rows = list(await session.scalars(ordered))
        more_before, rows = len(rows) > limit, rows[:limit][::-1]
        more_after = not rows or await _any(session, base.where(past(_position(rows[-1]))))
    clock = await sla_clock(session=session)
    day = today or today_in_denmark()
    return ItemPage(
        items=[to_public(item, clock, day) for item in rows],
        next_cursor=encode_cursor(*_position(rows[-1])) if more_after and rows else None,
        previous_cursor=(
            (encode_cursor(*_position(rows[0])) if rows else after) if more_before else None
        ),
    )


def _position(item: WorkItem) -> tuple[date, str]:
    return item.due_date, item.id


async def _any(session: AsyncSession, query: Select[tuple[WorkItem]]) -> bool:
    found = await session.scalar(query.with_only_columns(WorkItem.id).limit(1))
    return found is not None


def _filtered(
    query: Select[tuple[WorkItem]], f: ItemFilter, access: Access
) -> Select[tuple[WorkItem]]:
    if f.status == "open":
        query = query.where(WorkItem.is_open.is_(True))
    elif f.status == "closed":
        query = query.where(WorkItem.is_open.is_(False))
    else:
        query = query.where(WorkItem.status == f.status)
    if f.assignee == "none":
        query = query.where(WorkItem.assignee.is_(None))
    elif f.assignee is not None:
        who = access.username if f.assignee == "me" else f.assignee
        query = query.where(WorkItem.assignee == who)
    if f.due_before is not None:
        query = query.where(WorkItem.due_date < f.due_before)
    if f.subcase_type is not None:
        query = query.where(WorkItem.subcase_type == f.subcase_type)
    if f.text:
        pattern = "%" + _escape_like(f.text.lower()) + "%"
        query = query.where(WorkItem.search_text.like(pattern, escape="\\"))
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def encode_cursor(due_date: date, item_id: str) -> str:
    """The ``after`` value that continues a listing behind this item."""
    return base64.urlsafe_b64encode(f"{due_date.isoformat()}|{item_id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[date, str]:
    try:
        due, item_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        return date.fromisoformat(due), item_id
    except (ValueError, UnicodeDecodeError) as error:
        raise BadRequest(
            Localized(da="Markøren er ikke gyldig.", en="The cursor is not valid."),
            type="urn:lifecase:problem:bad-cursor",
        ) from error


async def claim_next(
    *, session: AsyncSession, outbox: Outbox, user: Principal, queue: str
) -> Handle | None:
    """Claim the queue's unassigned queued item that is due first; None if there is none.
    On PostgreSQL concurrent claimers skip each other's locked rows; SQLite writes one at a
    time anyway."""
    access = await access_of(session=session, user=user)
    found = await get_queue(session=session, access=access, queue=queue)
    item = await session.scalar(
        select(WorkItem)
        .where(
            WorkItem.queue == queue,
            WorkItem.status == "queued",
            WorkItem.assignee.is_(None),
        )
        .order_by(WorkItem.due_date, WorkItem.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if item is None:
        return None
    await emit_claimed(session, outbox, item, by_robot=user.has("robot"))
    item.assignee = access.username
    set_status(item, "claimed")
    return Handle(item=item, unit=found.unit, access=access)
