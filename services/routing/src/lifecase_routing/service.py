"""Routing domain operations (keyword-only): seed the organisation, route, work the queues."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import QueuePublic, WorkItemPublic
from lifecase_contracts.events import (
    Envelope,
    Localized,
    SubcaseOpened,
    SubcaseResolved,
    SubcaseRouted,
    derived_id,
)
from lifecase_platform.auth import Principal
from lifecase_platform.outbox import Outbox
from lifecase_platform.problems import Conflict, NotFound
from lifecase_routing.models import Member, Queue, RoutingRule, RuleSet, Unit, WorkItem
from lifecase_routing.rules import Organisation, Rule, route

SOURCE = "lifecase/routing"
SEED_FILE = Path(__file__).parent / "seed" / "organisation.yaml"
OPEN_STATUSES = ("queued", "claimed")


def load_organisation(path: Path = SEED_FILE) -> Organisation:
    return Organisation.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


async def seed_organisation(*, session: AsyncSession, organisation: Organisation) -> bool:
    """Store units, queues, members and the rule set unless this rule-set version exists."""
    if await session.get(RuleSet, organisation.ruleset_version) is not None:
        return False
    for unit in organisation.units:
        await session.merge(Unit(key=unit.key, name_da=unit.name.da, name_en=unit.name.en))
        for queue in unit.queues:
            await session.merge(
                Queue(key=queue.key, unit=unit.key, name_da=queue.name.da, name_en=queue.name.en)
            )
        for username in unit.members:
            await session.merge(Member(username=username, unit=unit.key))
    await session.flush()
    for active in await session.scalars(select(RuleSet).where(RuleSet.active.is_(True))):
        active.active = False
    session.add(
        RuleSet(
            version=organisation.ruleset_version,
            fallback_queue=organisation.fallback_queue,
            active=True,
            created_at=datetime.now(UTC),
        )
    )
    await session.flush()
    for position, rule in enumerate(organisation.rules):
        session.add(
            RoutingRule(
                ruleset_version=organisation.ruleset_version,
                position=position,
                name=rule.name,
                match=rule.match,
                queue=rule.queue,
            )
        )
    return True


async def route_subcase(*, session: AsyncSession, outbox: Outbox, opened: SubcaseOpened) -> None:
    """Create the sub-case's work item in the queue the active rules pick, and report it."""
    if await session.get(WorkItem, opened.subcase_id) is not None:
        return
    ruleset = await session.scalar(select(RuleSet).where(RuleSet.active.is_(True)))
    if ruleset is None:
        raise RuntimeError("no active routing rule set")
    rows = await session.scalars(
        select(RoutingRule)
        .where(RoutingRule.ruleset_version == ruleset.version)
        .order_by(RoutingRule.position)
    )
    rules = [Rule(name=r.name, match=r.match, queue=r.queue) for r in rows]
    queue_key, rule = route(rules, ruleset.fallback_queue, opened.subcase_type)
    queue = await session.get(Queue, queue_key)
    assert queue is not None
    item = WorkItem(
        id=opened.subcase_id,
        case_id=opened.case_id,
        activity=opened.activity,
        subcase_type=opened.subcase_type,
        title_da=opened.title.da,
        title_en=opened.title.en,
        fields=opened.fields,
        queue=queue.key,
        status="queued",
        assignee=None,
        due_date=opened.due_date,
        reporter=opened.reporter,
        department=opened.department,
        rule=rule,
        ruleset_version=ruleset.version,
        resolution=None,
        created_at=datetime.now(UTC),
        resolved_at=None,
    )
    session.add(item)
    event = SubcaseRouted(
        case_id=item.case_id,
        subcase_id=item.id,
        activity=item.activity,
        title=opened.title,
        queue=queue.key,
        unit=queue.unit,
        rule=rule,
        due_date=item.due_date,
        reporter=item.reporter,
    )
    await outbox.add(
        session,
        Envelope.wrap(
            event, source=SOURCE, subject=item.case_id, id=derived_id("subcase-routed", item.id)
        ),
    )


async def units_of(*, session: AsyncSession, user: Principal) -> set[str] | None:
    """The units whose queues the user works; None means every unit (admins)."""
    if user.is_admin:
        return None
    return set(await session.scalars(select(Member.unit).where(Member.username == user.username)))


async def visible_queues(*, session: AsyncSession, user: Principal) -> list[QueuePublic]:
    units = await units_of(session=session, user=user)
    query = select(Queue).order_by(Queue.key)
    if units is not None:
        query = query.where(Queue.unit.in_(units))
    queues = list(await session.scalars(query))
    counts = dict(
        (
            await session.execute(
                select(WorkItem.queue, func.count())
                .where(WorkItem.status.in_(OPEN_STATUSES))
                .group_by(WorkItem.queue)
            )
        )
        .tuples()
        .all()
    )
    return [
        QueuePublic(
            key=q.key,
            unit=q.unit,
            name=Localized(da=q.name_da, en=q.name_en),
            open_count=counts.get(q.key, 0),
        )
        for q in queues
    ]


async def get_queue(*, session: AsyncSession, user: Principal, queue: str) -> Queue:
    found = await session.get(Queue, queue)
    units = await units_of(session=session, user=user)
    if found is None or (units is not None and found.unit not in units):
        raise NotFound("queue", "køen")
    return found


async def queue_items(
    *,
    session: AsyncSession,
    user: Principal,
    queue: str,
    status: str | None,
    limit: int,
    after: str | None,
) -> tuple[list[WorkItemPublic], str | None]:
    """A queue's items by due date then id; ``after`` is the last id of the previous page."""
    await get_queue(session=session, user=user, queue=queue)
    query = select(WorkItem).where(WorkItem.queue == queue)
    if status is not None:
        query = query.where(WorkItem.status == status)
    if after is not None:
        last = await session.get(WorkItem, after)
        if last is not None:
            query = query.where(
                (WorkItem.due_date > last.due_date)
                | ((WorkItem.due_date == last.due_date) & (WorkItem.id > last.id))
            )
    rows = list(
        await session.scalars(query.order_by(WorkItem.due_date, WorkItem.id).limit(limit + 1))
    )
    next_after = rows[limit - 1].id if len(rows) > limit else None
    return [to_public(i) for i in rows[:limit]], next_after


async def get_item(*, session: AsyncSession, user: Principal, item_id: str) -> WorkItem:
    """A work item the user's units may see; others' items do not exist for them."""
    item = await session.get(WorkItem, item_id)
    if item is None:
        raise NotFound("work item", "opgaven")
    units = await units_of(session=session, user=user)
    queue = await session.get(Queue, item.queue)
    if units is not None and (queue is None or queue.unit not in units):
        raise NotFound("work item", "opgaven")
    return item


async def claim(*, session: AsyncSession, user: Principal, item_id: str) -> WorkItem:
    item = await get_item(session=session, user=user, item_id=item_id)
    if item.status == "resolved":
        raise Conflict(("The work item is already resolved.", "Opgaven er allerede løst."))
    if item.assignee not in (None, user.username):
        raise Conflict(
            ("Someone else has claimed the work item.", "En anden har allerede taget opgaven.")
        )
    item.status, item.assignee = "claimed", user.username
    return item


async def resolve(
    *, session: AsyncSession, outbox: Outbox, user: Principal, item_id: str, resolution: str
) -> WorkItem:
    item = await claim(session=session, user=user, item_id=item_id)
    item.status, item.resolution = "resolved", resolution
    item.resolved_at = datetime.now(UTC)
    event = SubcaseResolved(
        case_id=item.case_id,
        subcase_id=item.id,
        activity=item.activity,
        title=Localized(da=item.title_da, en=item.title_en),
        resolution=resolution,
        resolved_by=user.username,
        reporter=item.reporter,
    )
    await outbox.add(
        session,
        Envelope.wrap(
            event, source=SOURCE, subject=item.case_id, id=derived_id("subcase-resolved", item.id)
        ),
    )
    return item


def to_public(item: WorkItem) -> WorkItemPublic:
    created = item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=UTC)
    return WorkItemPublic(
        id=item.id,
        case_id=item.case_id,
        activity=item.activity,
        subcase_type=item.subcase_type,
        title=Localized(da=item.title_da, en=item.title_en),
        queue=item.queue,
        status=item.status,
        assignee=item.assignee,
        due_date=item.due_date,
        fields=item.fields,
        routed_by_rule=item.rule,
        resolution=item.resolution,
        created_at=created,
    )
