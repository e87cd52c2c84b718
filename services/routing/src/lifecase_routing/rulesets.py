"""Versioned routing rule sets: create (checked, never edited afterwards), activate, inspect
with routed and miss counts, dry-run a candidate against past sub-cases, and the active set
compiled for routing (``lifecase_routing.route``)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized
from lifecase_contracts.workspace import (
    DryRunMove,
    DryRunPublic,
    RulePublic,
    RuleSetPublic,
    RuleSetSpec,
    RuleSetSummary,
    RuleSpec,
)
from lifecase_platform.db import as_utc
from lifecase_platform.errors import Invalid, NotFound, Unavailable
from lifecase_routing.models import Queue, RoutingRule, RuleSet, Transfer, WorkItem
from lifecase_routing.rules import (
    FALLBACK_RULE,
    CompiledRuleSet,
    DryRun,
    InvalidRuleSet,
    PastItem,
    Subject,
    compile_rule_set,
    dry_run,
)

log = logging.getLogger(__name__)

DRY_RUN_DEFAULT_ITEMS = 10_000


async def _checked(session: AsyncSession, spec: RuleSetSpec) -> CompiledRuleSet:
    queues = await session.scalars(select(Queue.key))
    try:
        return compile_rule_set(spec, queues)
    except InvalidRuleSet as invalid:
        raise Invalid(
            Localized(da="Regelsættet er ikke gyldigt.", en="The rule set is not valid."),
            errors=[p.as_field_error() for p in invalid.problems],
        ) from invalid


async def check_rule_set(*, session: AsyncSession, spec: RuleSetSpec) -> None:
    """Refuse ``spec`` as creating it would (``Invalid``, one error per problem); saves
    nothing."""
    await _checked(session, spec)


async def create_rule_set(
    *, session: AsyncSession, spec: RuleSetSpec, by: str | None, activate: bool = True
) -> RuleSetPublic:
    """Store ``spec`` as the next version and make it the active one (unless ``activate`` is
    false: then it waits to be activated, e.g. after a look at its dry run)."""
    await _checked(session, spec)
    version = (await session.scalar(select(func.max(RuleSet.version))) or 0) + 1
    now = datetime.now(UTC)
    if activate:
        await _deactivate(session)
    session.add(
        RuleSet(
            version=version,
            fallback_queue=spec.fallback_queue,
            active=activate,
            created_at=now,
            created_by=by,
            activated_at=now if activate else None,
        )
    )
    await session.flush()
    session.add_all(
        RoutingRule(
            ruleset_version=version,
            position=position,
            name=rule.name,
            condition=rule.condition,
            queue=rule.queue,
        )
        for position, rule in enumerate(spec.rules)
    )
    await session.flush()
    log.info("rule set created", extra={"version": version, "rules": len(spec.rules)})
    return await get_rule_set(session=session, version=version)


async def activate(*, session: AsyncSession, version: int) -> RuleSetPublic:
    """Make an earlier (or later) version the active one again, e.g. to roll back."""
    chosen = await session.get(RuleSet, version)
    if chosen is None:
        raise NotFound(Localized(da="regelsættet", en="rule set"))
    await _deactivate(session)
    chosen.active = True
    chosen.activated_at = datetime.now(UTC)
    await session.flush()
    return await get_rule_set(session=session, version=version)


async def _deactivate(session: AsyncSession) -> None:
    for active in await session.scalars(select(RuleSet).where(RuleSet.active.is_(True))):
        active.active = False


async def previously_active(*, session: AsyncSession) -> int | None:
    """The version that was active before the active one: what a roll back returns to."""
    version: int | None = await session.scalar(
        select(RuleSet.version)
        .where(RuleSet.active.is_(False), RuleSet.activated_at.is_not(None))
        .order_by(RuleSet.activated_at.desc(), RuleSet.version.desc())
        .limit(1)
    )
    return version


async def list_rule_sets(*, session: AsyncSession) -> list[RuleSetSummary]:
    counts = dict(
        (
            await session.execute(
                select(RoutingRule.ruleset_version, func.count()).group_by(
                    RoutingRule.ruleset_version
                )
            )
        )
        .tuples()
        .all()
    )
    return [
        RuleSetSummary(
            version=r.version,
            active=r.active,
            created_at=as_utc(r.created_at),
            created_by=r.created_by,
            rules=counts.get(r.version, 0),
        )
        for r in await session.scalars(select(RuleSet).order_by(RuleSet.version.desc()))
    ]


NO_ACTIVE_RULES = Localized(
    da="Der er endnu intet aktivt regelsæt at route efter.",
    en="There is no active rule set to route by yet.",
)


async def _active(session: AsyncSession) -> RuleSet | None:
    found: RuleSet | None = await session.scalar(select(RuleSet).where(RuleSet.active.is_(True)))
    return found


async def get_rule_set(*, session: AsyncSession, version: int | None) -> RuleSetPublic:
    """A version (None: the active one) with each rule's routed and miss counts."""
    ruleset = await (_active(session) if version is None else session.get(RuleSet, version))
    if ruleset is None:
        raise NotFound(Localized(da="regelsættet", en="rule set"))
    rules = list(
        await session.scalars(
            select(RoutingRule)
            .where(RoutingRule.ruleset_version == ruleset.version)
            .order_by(RoutingRule.position)
        )
    )
    routed = await _counts(
        session,
        select(WorkItem.rule, func.count())
        .where(WorkItem.ruleset_version == ruleset.version)
        .group_by(WorkItem.rule),
    )
    misses = await _counts(
        session,
        select(Transfer.from_rule, func.count())
        .where(Transfer.ruleset_version == ruleset.version)
        .group_by(Transfer.from_rule),
    )
    return RuleSetPublic(
        version=ruleset.version,
        active=ruleset.active,
        fallback_queue=ruleset.fallback_queue,
        created_at=as_utc(ruleset.created_at),
        created_by=ruleset.created_by,
        rules=[
            RulePublic(
                position=r.position,
                name=r.name,
                condition=r.condition,
                queue=r.queue,
                routed=routed.get(r.name, 0),
                misses=misses.get(r.name, 0),
            )
            for r in rules
        ],
        fallback=RulePublic(
            position=len(rules),
            name=FALLBACK_RULE,
            condition="true",
            queue=ruleset.fallback_queue,
            routed=routed.get(FALLBACK_RULE, 0),
            misses=misses.get(FALLBACK_RULE, 0),
        ),
    )


async def _counts(session: AsyncSession, query: object) -> dict[str, int]:
    return dict((await session.execute(query)).tuples().all())  # type: ignore[call-overload]


class CompiledRuleSets:
    """Rule sets are never edited once created: a service compiles each version once."""

    def __init__(self, limit: int = 16) -> None:
        self.limit = limit
        self._compiled: dict[int, CompiledRuleSet] = {}

    def get(self, version: int) -> CompiledRuleSet | None:
        return self._compiled.get(version)

    def keep(self, version: int, compiled: CompiledRuleSet) -> None:
        if len(self._compiled) >= self.limit:
            self._compiled.pop(next(iter(self._compiled)))
        self._compiled[version] = compiled


async def active_rules(
    *, session: AsyncSession, compiled: CompiledRuleSets | None = None
) -> tuple[RuleSet, CompiledRuleSet]:
    """The active rule set, compiled (once per version, when ``compiled`` keeps them).

    Without one, routing waits rather than gives up: a new installation is seeded (or its
    admin sets the rules) while the first sub-cases may already be opening, and an event
    dead-lettered for that would leave its sub-case in no queue."""
    ruleset = await _active(session)
    if ruleset is None:
        raise Unavailable(NO_ACTIVE_RULES)
    known = compiled.get(ruleset.version) if compiled is not None else None
    if known is not None:
        return ruleset, known
    rows = await session.scalars(
        select(RoutingRule)
        .where(RoutingRule.ruleset_version == ruleset.version)
        .order_by(RoutingRule.position)
    )
    spec = RuleSetSpec(
        rules=[RuleSpec(name=r.name, condition=r.condition, queue=r.queue) for r in rows],
        fallback_queue=ruleset.fallback_queue,
    )
    rules = compile_rule_set(spec)
    if compiled is not None:
        compiled.keep(ruleset.version, rules)
    return ruleset, rules


async def dry_run_rule_set(
    *, session: AsyncSession, spec: RuleSetSpec, limit: int = DRY_RUN_DEFAULT_ITEMS
) -> DryRunPublic:
    """Where ``spec`` would route the latest ``limit`` sub-cases, against where they are."""
    candidate = await _checked(session, spec)
    rows = await session.execute(
        select(
            WorkItem.queue,
            WorkItem.subcase_type,
            WorkItem.department,
            WorkItem.unit_hint,
            WorkItem.fields,
        )
        .order_by(WorkItem.created_at.desc(), WorkItem.id)
        .limit(limit)
    )
    result = dry_run(
        candidate,
        (
            PastItem(
                queue=queue,
                subject=Subject(
                    subcase_type=subcase_type,
                    department=department,
                    unit_hint=unit_hint,
                    fields=fields,
                ),
            )
            for queue, subcase_type, department, unit_hint, fields in rows
        ),
    )
    return _dry_run_public(result)


def _dry_run_public(result: DryRun) -> DryRunPublic:
    moves = [
        DryRunMove(
            from_queue=source,
            to_queue=target,
            count=count,
            rules=sorted(result.move_rules[(source, target)]),
        )
        for (source, target), count in result.moves.most_common()
    ]
    if moves:
        en = "; ".join(f"{m.count} from {m.from_queue} to {m.to_queue}" for m in moves)
        da = "; ".join(f"{m.count} fra {m.from_queue} til {m.to_queue}" for m in moves)
        summary_en = f"This change would move {result.moved} of {result.evaluated} items: {en}."
        summary_da = f"Ændringen ville flytte {result.moved} af {result.evaluated} opgaver: {da}."
    else:
        summary_en = f"This change would move none of {result.evaluated} items."
        summary_da = f"Ændringen ville ikke flytte nogen af {result.evaluated} opgaver."
    return DryRunPublic(
        evaluated=result.evaluated,
        unchanged=result.unchanged,
        moved=result.moved,
        moves=moves,
        rule_errors=dict(result.rule_errors),
        summary=Localized(da=summary_da, en=summary_en),
    )
