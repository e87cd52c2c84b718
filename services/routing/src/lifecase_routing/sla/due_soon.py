"""Running items that come within the policy's "due soon" window: reported once each, so
that whoever holds one hears of it before it is late."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized, SlaDueSoon
from lifecase_platform.outbox import Outbox
from lifecase_routing.emit import emit
from lifecase_routing.models import WorkItem
from lifecase_routing.sla.breaches import BREACH_BATCH, RUNNING_STATUSES
from lifecase_routing.sla.policy import sla_clock

log = logging.getLogger(__name__)


async def report_due_soon(
    *, session: AsyncSession, outbox: Outbox, today: date, limit: int = BREACH_BATCH
) -> int:
    """Emit ``SlaDueSoon`` once for each running item due from today up to the window's end
    (the same window the queues count as due soon). Once per due date: an item whose due date
    moves and comes near again is reported again; an item already late is a breach instead."""
    soon = (await sla_clock(session=session)).due_soon_limit(today)
    items = list(
        await session.scalars(
            select(WorkItem)
            .where(
                WorkItem.is_open.is_(True),
                WorkItem.due_date >= today,
                WorkItem.due_date <= soon,
                WorkItem.status.in_(RUNNING_STATUSES),
                (WorkItem.sla_due_soon_reported.is_(None))
                | (WorkItem.sla_due_soon_reported != WorkItem.due_date),
            )
            .order_by(WorkItem.due_date, WorkItem.id)
            .limit(limit)
        )
    )
    for item in items:
        item.sla_due_soon_reported = item.due_date
        event = SlaDueSoon(
            case_id=item.case_id,
            subcase_id=item.id,
            activity=item.activity,
            queue=item.queue,
            due_date=item.due_date,
            reporter=item.reporter,
            title=Localized(da=item.title_da, en=item.title_en),
            assignee=item.assignee,
        )
        await emit(session, outbox, event, "sla-due-soon", item.id, item.due_date.isoformat())
    if items:
        log.info("sla due soon reported", extra={"count": len(items)})
    return len(items)
