"""Routing a newly opened sub-case: the active rules pick its queue, the SLA clock sets its
due date, the work item is created there (once: a redelivered event finds it made), and
where it went is reported."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_contracts.events import Localized, SubcaseOpened, SubcaseRouted
from lifecase_platform.db import insert_new, transaction_memo
from lifecase_platform.errors import Conflict
from lifecase_platform.metrics import (
    SUBCASES_ROUTED,
    TIME_TO_ROUTE,
    add_at_commit,
    record_at_commit,
)
from lifecase_platform.outbox import Outbox
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing import people
from lifecase_routing.emit import emit
from lifecase_routing.models import Queue, Unit, WorkItem
from lifecase_routing.rules import FALLBACK_RULE, Decision, Subject
from lifecase_routing.rulesets import CompiledRuleSets, active_rules
from lifecase_routing.sla import sla_clock
from lifecase_routing.states import search_text
from lifecase_routing.triage import service as triage

log = logging.getLogger(__name__)


async def route_subcase(
    *,
    session: AsyncSession,
    outbox: Outbox,
    opened: SubcaseOpened,
    today: date | None = None,
    compiled: CompiledRuleSets | None = None,
    opened_at: datetime | None = None,
) -> None:
    """Create the sub-case's work item in the queue the active rules pick, with its SLA due
    date, and report where it went (``opened_at``, the opening event's time, times it).
    The configuration it reads (the active rules, the SLA policy, the queue and its unit)
    is read once per transaction: a batch of events routes many sub-cases."""
    memo = transaction_memo(session, "routing")
    if "rules" not in memo:
        memo["rules"] = await active_rules(session=session, compiled=compiled)
        memo["clock"] = await sla_clock(session=session)
    ruleset, rules = memo["rules"]
    clock = memo["clock"]
    decision = rules.route(
        Subject(
            subcase_type=opened.subcase_type,
            department=opened.department,
            unit_hint=opened.unit_hint,
            fields=opened.fields,
        )
    )
    if decision.errors:
        log.warning(
            "routing rules failed to evaluate",
            extra={"subcase_id": opened.subcase_id, "rules": list(decision.errors)},
        )
    if "queues" not in memo:
        memo["queues"] = await _queues_with_units(session)
    if decision.rule == FALLBACK_RULE:
        decision = await _by_model(session, opened, decision, memo["queues"])
    found = memo["queues"].get(decision.queue)
    if found is None:
        raise Conflict(
            Localized(da="Regelens kø findes ikke længere.", en="The rule's queue is gone.")
        )
    queue_key, (unit, name) = decision.queue, found
    due = clock.due_date(
        subcase_type=opened.subcase_type,
        requested=opened.due_date,
        routed_on=today or today_in_denmark(),
    )
    item = new_work_item(
        opened,
        queue=queue_key,
        due=due,
        rule=decision.rule,
        ruleset_version=ruleset.version,
        now=datetime.now(UTC),
    )
    if not await insert_new(session, WorkItem, item):
        return  # routed before: a redelivered event
    known = transaction_memo(session, "people")
    if known.get(opened.reporter) != opened.reporter_name:
        await people.remember(session, username=opened.reporter, name=opened.reporter_name)
        known[opened.reporter] = opened.reporter_name
    event = SubcaseRouted(
        case_id=opened.case_id,
        subcase_id=opened.subcase_id,
        activity=opened.activity,
        title=opened.title,
        queue=queue_key,
        unit=unit,
        unit_name=name,
        rule=decision.rule,
        due_date=due,
        reporter=opened.reporter,
    )
    await emit(session, outbox, event, "subcase-routed", opened.subcase_id)
    add_at_commit(session, SUBCASES_ROUTED, {"queue": queue_key, "rule": decision.rule})
    if opened_at is not None:
        waited = (item["created_at"] - opened_at).total_seconds()
        record_at_commit(session, TIME_TO_ROUTE, max(waited, 0.0), {"queue": queue_key})


async def _by_model(
    session: AsyncSession, opened: SubcaseOpened, decision: Decision, queues: Mapping[str, Any]
) -> Decision:
    """No rule matched: a sub-case that carries a free-text description (a general request)
    goes where the active triage model is confident it belongs, else to the fallback."""
    description = opened.fields.get("description")
    if not isinstance(description, str) or not description.strip():
        return decision
    proposed = await triage.propose_queue(session, description, frozenset(queues))
    if proposed is None:
        return decision
    queue, rule = proposed
    return Decision(queue, rule)


def new_work_item(
    opened: SubcaseOpened,
    *,
    queue: str,
    due: date,
    rule: str,
    ruleset_version: int,
    now: datetime,
) -> dict[str, Any]:
    """The work item ``opened`` becomes in ``queue``: queued, unassigned, its clock running.
    Every column is named, the empty ones too: ``insert_new`` writes the row as given."""
    return {
        "id": opened.subcase_id,
        "case_id": opened.case_id,
        "case_number": opened.case_number,
        "activity": opened.activity,
        "subcase_type": opened.subcase_type,
        "title_da": opened.title.da,
        "title_en": opened.title.en,
        "fields": opened.fields,
        "queue": queue,
        "status": "queued",
        "is_open": True,
        "assignee": None,
        "due_date": due,
        "reporter": opened.reporter,
        "department": opened.department,
        "unit_hint": opened.unit_hint,
        "rule": rule,
        "ruleset_version": ruleset_version,
        "resolution": None,
        "reason": None,
        "search_text": search_text(opened.title, opened.subcase_type, opened.fields),
        "sla_paused_at": None,
        "sla_breach_reported": None,
        "created_at": now,
        "closed_at": None,
    }


async def _queues_with_units(session: AsyncSession) -> dict[str, tuple[str, Localized | None]]:
    """Every queue with its unit and the unit's name, in one statement (there are tens): a
    batch routes to many queues, and a read per queue and unit cost more than routing."""
    rows = await session.execute(
        select(Queue.key, Queue.unit, Unit.name_da, Unit.name_en).outerjoin(
            Unit, Unit.key == Queue.unit
        )
    )
    return {
        key: (unit, None if da is None else Localized(da=da, en=en)) for key, unit, da, en in rows
    }
