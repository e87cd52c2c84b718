"""Units, their queues and members as data an admin manages, and the demo seed file."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_contracts.workspace import (
    KEY_PATTERN,
    USERNAME_PATTERN,
    ItemAction,
    MemberPublic,
    MemberRole,
    MemberUpsert,
    QueueRef,
    QueueUpsert,
    RuleSetSpec,
    RuleSpec,
    SlaPolicy,
    UnitPublic,
    UnitUpsert,
)
from lifecase_platform.errors import Conflict, NotFound
from lifecase_routing import sla
from lifecase_routing.models import (
    Member,
    Queue,
    RoutingRule,
    RuleSet,
    SlaPolicyRow,
    Unit,
    WorkItem,
)
from lifecase_routing.rulesets import create_rule_set

SEED_FILE = Path(__file__).parent / "seed" / "organisation.yaml"
SEEDED_BY = "seed"


class MemberSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str = Field(pattern=USERNAME_PATTERN)
    role: MemberRole = "member"
    actions: list[ItemAction] | None = None


class QueueSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY_PATTERN)
    name: Localized


class UnitSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=KEY_PATTERN)
    name: Localized
    queues: list[QueueSpec]
    members: list[str | MemberSpec] = []

    def member_specs(self) -> list[MemberSpec]:
        return [MemberSpec(username=m) if isinstance(m, str) else m for m in self.members]


class Organisation(BaseModel):
    """The seed file: units with their queues and members, the first rule set, the SLA
    policy. Seeding adds what is missing and never overwrites what an admin has changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    units: list[UnitSpec]
    rules: list[RuleSpec]
    fallback_queue: str
    sla: SlaPolicy = SlaPolicy()

    def rule_set(self) -> RuleSetSpec:
        return RuleSetSpec(rules=self.rules, fallback_queue=self.fallback_queue)


def load_organisation(path: Path = SEED_FILE) -> Organisation:
    return Organisation.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


async def seed_organisation(*, session: AsyncSession, organisation: Organisation) -> bool:
    """Add the seed's missing units, queues and members; the rule set and the SLA policy only
    into a database that has none. True if anything was added."""
    added = False
    for unit in organisation.units:
        if await session.get(Unit, unit.key) is None:
            session.add(Unit(key=unit.key, name_da=unit.name.da, name_en=unit.name.en))
            added = True
        await session.flush()
        for queue in unit.queues:
            if await session.get(Queue, queue.key) is None:
                session.add(
                    Queue(
                        key=queue.key, unit=unit.key, name_da=queue.name.da, name_en=queue.name.en
                    )
                )
                added = True
        for member in unit.member_specs():
            existing = await session.get(Member, (member.username, unit.key))
            if existing is not None and existing.actions is None and member.actions:
                existing.actions = list(member.actions)  # a robot seeded before it declared any
            if existing is None:
                session.add(
                    Member(
                        username=member.username,
                        unit=unit.key,
                        role=member.role,
                        actions=member.actions,
                    )
                )
                added = True
    await session.flush()
    if await session.get(SlaPolicyRow, sla.POLICY_ID) is None:
        await sla.put_sla_policy(session=session, policy=organisation.sla, by=SEEDED_BY)
        added = True
    if await session.scalar(select(func.count()).select_from(RuleSet)) == 0:
        await create_rule_set(session=session, spec=organisation.rule_set(), by=SEEDED_BY)
        added = True
    return added


async def list_units(*, session: AsyncSession) -> list[UnitPublic]:
    units = list(await session.scalars(select(Unit).order_by(Unit.key)))
    queues = list(await session.scalars(select(Queue).order_by(Queue.key)))
    members = list(await session.scalars(select(Member).order_by(Member.username)))
    return [
        UnitPublic(
            key=u.key,
            name=Localized(da=u.name_da, en=u.name_en),
            queues=[
                QueueRef(key=q.key, name=Localized(da=q.name_da, en=q.name_en))
                for q in queues
                if q.unit == u.key
            ],
            members=[
                MemberPublic(username=m.username, role=m.role, actions=m.actions)
                for m in members
                if m.unit == u.key
            ],
        )
        for u in units
    ]


async def get_unit(*, session: AsyncSession, unit: str) -> UnitPublic:
    for found in await list_units(session=session):
        if found.key == unit:
            return found
    raise NotFound(Localized(da="enheden", en="unit"))


async def put_unit(*, session: AsyncSession, unit: str, body: UnitUpsert) -> UnitPublic:
    """Create the unit, or rename it."""
    row = await session.get(Unit, unit)
    if row is None:
        session.add(Unit(key=unit, name_da=body.name.da, name_en=body.name.en))
    else:
        row.name_da, row.name_en = body.name.da, body.name.en
    await session.flush()
    return await get_unit(session=session, unit=unit)


async def put_queue(
    *, session: AsyncSession, unit: str, queue: str, body: QueueUpsert
) -> UnitPublic:
    """Create a queue in the unit, or rename it. Queue keys are unique across units."""
    await _require_unit(session, unit)
    row = await session.get(Queue, queue)
    if row is None:
        session.add(Queue(key=queue, unit=unit, name_da=body.name.da, name_en=body.name.en))
    elif row.unit != unit:
        raise Conflict(
            Localized(
                da="En anden enhed har en kø med den nøgle.",
                en="Another unit has a queue with this key.",
            )
        )
    else:
        row.name_da, row.name_en = body.name.da, body.name.en
    await session.flush()
    return await get_unit(session=session, unit=unit)


async def delete_queue(*, session: AsyncSession, unit: str, queue: str) -> UnitPublic:
    """Remove a queue that no work item and no rule set has ever used."""
    row = await session.get(Queue, queue)
    if row is None or row.unit != unit:
        raise NotFound(Localized(da="køen", en="queue"))
    used = await session.scalar(
        select(
            exists().where(WorkItem.queue == queue)
            | exists().where(RoutingRule.queue == queue)
            | exists().where(RuleSet.fallback_queue == queue)
        )
    )
    if used:
        raise Conflict(
            Localized(
                da="Opgaver eller routingregler bruger køen; flyt dem først.",
                en="Work items or routing rules use this queue; transfer them first.",
            )
        )
    await session.delete(row)
    await session.flush()
    return await get_unit(session=session, unit=unit)


async def put_member(
    *, session: AsyncSession, unit: str, username: str, body: MemberUpsert
) -> UnitPublic:
    """Add a caseworker (or robot) to the unit, or change their role in it."""
    await _require_unit(session, unit)
    row = await session.get(Member, (username, unit))
    if row is None:
        session.add(Member(username=username, unit=unit, role=body.role, actions=body.actions))
    else:
        row.role = body.role
        row.actions = list(body.actions) if body.actions is not None else None
    await session.flush()
    return await get_unit(session=session, unit=unit)


async def delete_member(*, session: AsyncSession, unit: str, username: str) -> UnitPublic:
    """Remove a member; their open items in the unit go back to its queues, unassigned."""
    row = await session.get(Member, (username, unit))
    if row is None:
        raise NotFound(Localized(da="medlemmet", en="member"))
    unit_queues = select(Queue.key).where(Queue.unit == unit)
    base = (
        update(WorkItem)
        .where(
            WorkItem.assignee == username,
            WorkItem.is_open.is_(True),
            WorkItem.queue.in_(unit_queues),
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        base.where(WorkItem.status == "claimed").values(assignee=None, status="queued")
    )
    await session.execute(base.values(assignee=None))
    await session.delete(row)
    await session.flush()
    return await get_unit(session=session, unit=unit)


async def _require_unit(session: AsyncSession, unit: str) -> None:
    if await session.get(Unit, unit) is None:
        raise NotFound(Localized(da="enheden", en="unit"))
