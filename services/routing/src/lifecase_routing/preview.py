"""Where sub-cases would go, before their case is filed: the active rules and SLA clock
applied to what the routing rules can see, with nothing stored."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_contracts.preview import DirectoryPublic, RoutingPreviewItem, RoutingPreviewResult
from lifecase_routing.models import Queue, Unit
from lifecase_routing.rules import Subject
from lifecase_routing.rulesets import active_rules
from lifecase_routing.sla import sla_clock


async def preview_routes(
    *, session: AsyncSession, items: list[RoutingPreviewItem], today: date
) -> list[RoutingPreviewResult]:
    """For each item, in order: the queue and unit the active rules pick, the rule that
    picked it, and the SLA due date it would get on the day it opens."""
    _, rules = await active_rules(session=session)
    clock = await sla_clock(session=session)
    queues = {q.key: q for q in await session.scalars(select(Queue))}
    units = {u.key: u for u in await session.scalars(select(Unit))}
    results = []
    for item in items:
        decision = rules.route(
            Subject(
                subcase_type=item.subcase_type,
                department=item.department,
                unit_hint=item.unit_hint,
                fields=item.fields,
            )
        )
        queue = queues[decision.queue]
        unit = units[queue.unit]
        results.append(
            RoutingPreviewResult(
                queue=queue.key,
                queue_name=Localized(da=queue.name_da, en=queue.name_en),
                unit=unit.key,
                unit_name=Localized(da=unit.name_da, en=unit.name_en),
                rule=decision.rule,
                due_date=clock.due_date(
                    subcase_type=item.subcase_type,
                    requested=item.due_date,
                    routed_on=max(item.opens_on or today, today),
                ),
            )
        )
    return results


async def directory(*, session: AsyncSession) -> DirectoryPublic:
    """Every unit's and queue's name; no members, so anyone signed in may read it."""
    return DirectoryPublic(
        units={
            u.key: Localized(da=u.name_da, en=u.name_en)
            for u in await session.scalars(select(Unit))
        },
        queues={
            q.key: Localized(da=q.name_da, en=q.name_en)
            for q in await session.scalars(select(Queue))
        },
    )
