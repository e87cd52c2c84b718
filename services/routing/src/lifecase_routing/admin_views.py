"""Administration API: units, queues and members; versioned routing rule sets with their
dry-run and miss counts; the SLA policy. Changes are for admins only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.api import Problem
from lifecase_contracts.workspace import (
    KEY_PATTERN,
    USERNAME_PATTERN,
    DryRunPublic,
    MemberUpsert,
    QueueUpsert,
    RuleSetPublic,
    RuleSetSpec,
    RuleSetSummary,
    SlaPolicy,
    TokensRevoked,
    UnitPublic,
    UnitUpsert,
)
from lifecase_platform import access_log, revocations
from lifecase_platform.auth import CurrentUser, Principal
from lifecase_platform.deps import (
    JetStreamDep,
    OutboxDep,
    SessionDep,
    SessionsDep,
    SettingsDep,
    TxSessionDep,
)
from lifecase_platform.outbox import Outbox
from lifecase_platform.ratelimit import count
from lifecase_platform.web import VersionNumber
from lifecase_routing import organisation, rulesets, sla
from lifecase_routing.access import access_of, require_admin
from lifecase_routing.emit import SOURCE

router = APIRouter(prefix="/api/v1")
PROBLEMS: dict[int | str, dict[str, object]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 409, 422, 429)
}


async def admin_principal(request: Request, user: CurrentUser) -> Principal:
    """Admins only, counted against the administration rate limit."""
    require_admin(user)
    await count(request, "admin", user)
    return user


Admin = Annotated[Principal, Depends(admin_principal)]
T = TypeVar("T")
Resource = tuple[str, str]  # what changed: its kind and its id


async def record_change(
    outbox: Outbox, session: AsyncSession, admin: Principal, action: str, resource: Resource
) -> None:
    """An administrator's change, in the access log (the admin pages record theirs here too)."""
    await access_log.record(
        session,
        outbox,
        source=SOURCE,
        user=admin,
        action=action,
        resource=resource[0],
        resource_id=resource[1],
        reason="administrator",
    )


async def _change(
    session: AsyncSession,
    outbox: Outbox,
    admin: Principal,
    action: str,
    resource: Resource,
    change: Callable[[AsyncSession], Awaitable[T]],
) -> T:
    """Make one administrative change in the route's transaction (``TxSessionDep``), with its
    line in the access log."""
    result = await change(session)
    await record_change(outbox, session, admin, action, resource)
    return result


UnitKey = Annotated[str, Path(pattern=KEY_PATTERN)]
QueueKey = Annotated[str, Path(pattern=KEY_PATTERN)]
Username = Annotated[str, Path(pattern=USERNAME_PATTERN)]


@router.get("/units", tags=["units"], responses=PROBLEMS)
async def list_units(user: CurrentUser, session: SessionDep) -> list[UnitPublic]:
    """Units with their queues and members: every unit for admins, one's own for others."""
    access = await access_of(session=session, user=user)
    return [u for u in await organisation.list_units(session=session) if access.sees(u.key)]


@router.put("/units/{unit}", tags=["units"], responses=PROBLEMS)
async def put_unit(
    unit: UnitKey, body: UnitUpsert, admin: Admin, session: TxSessionDep, outbox: OutboxDep
) -> UnitPublic:
    """Create a unit, or rename it."""
    return await _change(
        session,
        outbox,
        admin,
        "unit.changed",
        ("unit", unit),
        lambda s: organisation.put_unit(session=s, unit=unit, body=body),
    )


@router.put("/units/{unit}/queues/{queue}", tags=["units"], responses=PROBLEMS)
async def put_queue(
    unit: UnitKey,
    queue: QueueKey,
    body: QueueUpsert,
    admin: Admin,
    session: TxSessionDep,
    outbox: OutboxDep,
) -> UnitPublic:
    """Create a queue in the unit, or rename it."""
    return await _change(
        session,
        outbox,
        admin,
        "unit.changed",
        ("queue", f"{unit}/{queue}"),
        lambda s: organisation.put_queue(session=s, unit=unit, queue=queue, body=body),
    )


@router.delete("/units/{unit}/queues/{queue}", tags=["units"], responses=PROBLEMS)
async def delete_queue(
    unit: UnitKey, queue: QueueKey, admin: Admin, session: TxSessionDep, outbox: OutboxDep
) -> UnitPublic:
    """Remove a queue that no work item and no rule set uses."""
    return await _change(
        session,
        outbox,
        admin,
        "unit.changed",
        ("queue", f"{unit}/{queue}"),
        lambda s: organisation.delete_queue(session=s, unit=unit, queue=queue),
    )


@router.put("/units/{unit}/members/{username}", tags=["units"], responses=PROBLEMS)
async def put_member(
    unit: UnitKey,
    username: Username,
    body: MemberUpsert,
    admin: Admin,
    session: TxSessionDep,
    outbox: OutboxDep,
) -> UnitPublic:
    """Add a caseworker or robot to the unit, or make them a lead (``role: lead``)."""
    return await _change(
        session,
        outbox,
        admin,
        "member.changed",
        ("member", f"{unit}/{username}"),
        lambda s: organisation.put_member(session=s, unit=unit, username=username, body=body),
    )


@router.delete("/units/{unit}/members/{username}", tags=["units"], responses=PROBLEMS)
async def delete_member(
    unit: UnitKey, username: Username, admin: Admin, session: TxSessionDep, outbox: OutboxDep
) -> UnitPublic:
    """Remove a member; their open items in the unit go back to its queues."""
    return await _change(
        session,
        outbox,
        admin,
        "member.changed",
        ("member", f"{unit}/{username}"),
        lambda s: organisation.delete_member(session=s, unit=unit, username=username),
    )


@router.get("/routing/rule-sets", tags=["routing rules"], responses=PROBLEMS)
async def list_rule_sets(_: Admin, session: SessionDep) -> list[RuleSetSummary]:
    """Every rule-set version, newest first."""
    return await rulesets.list_rule_sets(session=session)


@router.post("/routing/rule-sets", status_code=201, tags=["routing rules"], responses=PROBLEMS)
async def create_rule_set(
    body: RuleSetSpec, admin: Admin, session: TxSessionDep, outbox: OutboxDep
) -> RuleSetPublic:
    """Save the rules as the next version and route with it from now on. Every condition
    must compile and every queue exist; otherwise nothing is saved (422, per rule)."""
    created = await rulesets.create_rule_set(session=session, spec=body, by=admin.username)
    await record_change(
        outbox, session, admin, "rule_set.created", ("rule_set", str(created.version))
    )
    return created


@router.get("/routing/rule-sets/active", tags=["routing rules"], responses=PROBLEMS)
async def active_rule_set(_: Admin, session: SessionDep) -> RuleSetPublic:
    """The rules routing uses now, with items routed and routing misses per rule."""
    return await rulesets.get_rule_set(session=session, version=None)


@router.get("/routing/rule-sets/{version}", tags=["routing rules"], responses=PROBLEMS)
async def get_rule_set(version: VersionNumber, _: Admin, session: SessionDep) -> RuleSetPublic:
    """One rule-set version, with items routed and routing misses per rule."""
    return await rulesets.get_rule_set(session=session, version=version)


@router.post("/routing/rule-sets/{version}/activate", tags=["routing rules"], responses=PROBLEMS)
async def activate_rule_set(
    version: VersionNumber, admin: Admin, session: TxSessionDep, outbox: OutboxDep
) -> RuleSetPublic:
    """Route with this version from now on (e.g. to roll back)."""
    return await _change(
        session,
        outbox,
        admin,
        "rule_set.activated",
        ("rule_set", str(version)),
        lambda s: rulesets.activate(session=s, version=version),
    )


@router.post("/routing/dry-run", tags=["routing rules"], responses=PROBLEMS)
async def dry_run(
    body: RuleSetSpec,
    _: Admin,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100_000)] = rulesets.DRY_RUN_DEFAULT_ITEMS,
) -> DryRunPublic:
    """What these rules would do to the latest ``limit`` sub-cases, compared with the queues
    they are in now ("would move 12 items from hr to payroll"). Saves nothing."""
    return await rulesets.dry_run_rule_set(session=session, spec=body, limit=limit)


@router.post("/users/{username}/revoke-tokens", tags=["users"], responses=PROBLEMS)
async def revoke_tokens(
    username: Username,
    admin: Admin,
    js: JetStreamDep,
    settings: SettingsDep,
    sessions: SessionsDep,
    outbox: OutboxDep,
) -> TokensRevoked:
    """Sign a user out everywhere: every token they hold now is refused by every service
    from now on (within moments); tokens they get afterwards work. For a lost device or a
    leaver."""
    at = await revocations.revoke(js, username, ttl_seconds=settings.max_token_lifetime_seconds)
    async with sessions() as session, session.begin():
        await record_change(outbox, session, admin, "user.tokens_revoked", ("user", username))
    return TokensRevoked(username=username, revoked_before=datetime.fromtimestamp(at, UTC))


@router.get("/routing/sla-policy", tags=["sla"], responses=PROBLEMS)
async def get_sla_policy(_: Admin, session: SessionDep) -> SlaPolicy:
    """SLA targets per sub-case type, the due-soon window and the extra closing days."""
    return await sla.sla_policy(session=session)


@router.put("/routing/sla-policy", tags=["sla"], responses=PROBLEMS)
async def put_sla_policy(
    body: SlaPolicy, admin: Admin, session: TxSessionDep, outbox: OutboxDep
) -> SlaPolicy:
    """Replace the SLA policy; it applies to items routed or resumed from now on."""
    return await _change(
        session,
        outbox,
        admin,
        "sla_policy.changed",
        ("sla_policy", "current"),
        lambda s: sla.put_sla_policy(session=s, policy=body, by=admin.username),
    )
