"""Running items that are late or nearly so: counted per queue, and reported once each."""

from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import SlaBreached
from lifecase_contracts.statuses import WorkItemStatus
from lifecase_platform.metrics import SLA_BREACHES, add_at_commit
from lifecase_platform.outbox import Outbox
from lifecase_routing.emit import emit
from lifecase_routing.models import WorkItem
from lifecase_routing.sla.policy import sla_clock

log = logging.getLogger(__name__)

# Waiting for the reporter stops the clock: such items cannot breach until they resume.
RUNNING_STATUSES: tuple[WorkItemStatus, ...] = ("queued", "claimed")
BREACH_BATCH = 500


async def queue_counts(
    *, session: AsyncSession, queues: list[str], today: date
) -> dict[str, tuple[int, int]]:
    """Each queue's running items that are breached and that are due soon, in one statement
    (queues without either are left out)."""
    clock = await sla_clock(session=session)
    soon = clock.due_soon_limit(today)
    running = WorkItem.is_open.is_(True) & WorkItem.status.in_(RUNNING_STATUSES)
    return {
        key: (int(breached or 0), int(due_soon or 0))
        for key, breached, due_soon in (
            await session.execute(
                select(
                    WorkItem.queue,
                    func.sum(case((WorkItem.due_date < today, 1), else_=0)),
                    func.sum(case((WorkItem.due_date >= today, 1), else_=0)),
                )
                .where(WorkItem.queue.in_(queues), running, WorkItem.due_date <= soon)
                .group_by(WorkItem.queue)
            )
        ).tuples()
    }


async def report_breaches(
    *, session: AsyncSession, outbox: Outbox, today: date, limit: int = BREACH_BATCH
) -> int:
    """Emit ``SlaBreached`` once for each running item past its due date (once per due date:
    an item whose due date moves and passes again is reported again)."""
    items = list(
        await session.scalars(
            select(WorkItem)
            .where(
                WorkItem.is_open.is_(True),
                WorkItem.due_date < today,
                WorkItem.status.in_(RUNNING_STATUSES),
                (WorkItem.sla_breach_reported.is_(None))
                | (WorkItem.sla_breach_reported != WorkItem.due_date),
            )
            .order_by(WorkItem.due_date, WorkItem.id)
            .limit(limit)
        )
    )
    for item in items:
        item.sla_breach_reported = item.due_date
        event = SlaBreached(
            case_id=item.case_id,
            subcase_id=item.id,
            activity=item.activity,
            queue=item.queue,
            due_date=item.due_date,
            reporter=item.reporter,
            assignee=item.assignee,
        )
        await emit(session, outbox, event, "sla-breached", item.id, item.due_date.isoformat())
        add_at_commit(session, SLA_BREACHES, {"queue": item.queue})
    if items:
        log.info("sla breaches reported", extra={"count": len(items)})
    return len(items)
