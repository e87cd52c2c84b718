"""The SLA policy as stored data, and the periodic check that reports breached items once."""

from __future__ import annotations

import functools
import json
import logging
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import SlaBreached
from lifecase_contracts.workspace import SlaPolicy
from lifecase_platform.outbox import Outbox
from lifecase_routing.emit import emit
from lifecase_routing.models import SlaPolicyRow, WorkItem
from lifecase_routing.sla import SlaClock

log = logging.getLogger(__name__)

POLICY_ID = 1
# Waiting for the reporter stops the clock: such items cannot breach until they resume.
RUNNING_STATUSES = ("queued", "claimed")
BREACH_BATCH = 500


async def sla_policy(*, session: AsyncSession) -> SlaPolicy:
    row = await session.get(SlaPolicyRow, POLICY_ID)
    return SlaPolicy() if row is None else SlaPolicy.model_validate(row.document)


async def sla_clock(*, session: AsyncSession) -> SlaClock:
    """The clock of the stored policy. Reading the policy and building its calendar are done
    once per distinct policy: every routed item asks."""
    row = await session.get(SlaPolicyRow, POLICY_ID)
    return _clock(None if row is None else json.dumps(row.document, sort_keys=True))


@functools.lru_cache(maxsize=32)
def _clock(document: str | None) -> SlaClock:
    return SlaClock.of(SlaPolicy() if document is None else SlaPolicy.model_validate_json(document))


async def put_sla_policy(*, session: AsyncSession, policy: SlaPolicy, by: str | None) -> SlaPolicy:
    """Replace the policy. Due dates already set stay; new items and resumes use the new one."""
    document = policy.model_dump(mode="json")
    row = await session.get(SlaPolicyRow, POLICY_ID)
    now = datetime.now(UTC)
    if row is None:
        session.add(SlaPolicyRow(id=POLICY_ID, document=document, updated_at=now, updated_by=by))
    else:
        row.document, row.updated_at, row.updated_by = document, now, by
    return policy


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
        )
        await emit(session, outbox, event, "sla-breached", item.id, item.due_date.isoformat())
    if items:
        log.info("sla breaches reported", extra={"count": len(items)})
    return len(items)
