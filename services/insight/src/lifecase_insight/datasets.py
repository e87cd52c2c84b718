"""The datasets: each reads the facts it needs for the period and scope, and hands them to
``lifecase_insight.calculations`` (``automation`` for the report)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_insight import calculations as calc
from lifecase_insight.automation import Resolution, automation_potential, months_in
from lifecase_insight.models import CaseFact, HandlingOverride, QueueStay, SubcaseFact
from lifecase_insight.schemas import (
    AutomationReport,
    LeadTimes,
    Period,
    QueueDepth,
    ReportersWaiting,
    RoutingAccuracyReport,
    SlaCompliance,
    Throughput,
)
from lifecase_platform.db import as_utc

UNKNOWN_TYPE = "-"  # a sub-case whose opening the stream no longer held


@dataclass(frozen=True)
class Window:
    """A dataset's period (days in Denmark, both included) and scope."""

    first: date
    last: date
    units: frozenset[str] | None  # None: every unit
    unit: str | None
    event_type: str | None

    @property
    def start(self) -> datetime:
        return calc.day_start(self.first).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return calc.day_start(self.last + timedelta(days=1)).astimezone(UTC)

    @property
    def period(self) -> Period:
        return Period(from_=self.first, to=self.last, unit=self.unit, event_type=self.event_type)


def _subcases(stmt: Select[Any], w: Window, unit_column: Any = SubcaseFact.unit) -> Select[Any]:
    if w.units is not None:
        stmt = stmt.where(unit_column.in_(w.units))
    if w.event_type is not None:
        stmt = stmt.where(
            SubcaseFact.case_id.in_(
                select(CaseFact.case_id).where(CaseFact.event_type == w.event_type)
            )
        )
    return stmt


async def queue_depth(*, session: AsyncSession, w: Window) -> QueueDepth:
    stmt = select(QueueStay.queue, QueueStay.unit, QueueStay.entered_at, QueueStay.left_at).where(
        QueueStay.entered_at < w.end, (QueueStay.left_at.is_(None)) | (QueueStay.left_at >= w.start)
    )
    if w.units is not None:
        stmt = stmt.where(QueueStay.unit.in_(w.units))
    if w.event_type is not None:
        stmt = stmt.where(
            QueueStay.subcase_id.in_(
                _subcases(
                    select(SubcaseFact.subcase_id),
                    Window(w.first, w.last, None, None, w.event_type),
                )
            )
        )
    stays = [
        calc.Stay(queue, unit, as_utc(entered), None if left is None else as_utc(left))
        for queue, unit, entered, left in (await session.execute(stmt)).all()
    ]
    return QueueDepth(period=w.period, rows=calc.queue_depth(stays, w.first, w.last))


def _routed_in(w: Window) -> Any:
    return (SubcaseFact.routed_at >= w.start) & (SubcaseFact.routed_at < w.end)


async def sla_compliance(*, session: AsyncSession, w: Window) -> SlaCompliance:
    stmt = _subcases(
        select(
            SubcaseFact.unit,
            SubcaseFact.subcase_type,
            SubcaseFact.sla_due_soon,
            SubcaseFact.sla_breached,
        ).where(_routed_in(w)),
        w,
    )
    facts = [
        calc.SlaFact(unit or "", subcase_type or UNKNOWN_TYPE, due_soon, breached)
        for unit, subcase_type, due_soon, breached in (await session.execute(stmt)).all()
    ]
    return SlaCompliance(period=w.period, rows=calc.sla_compliance(facts))


async def routing_accuracy(*, session: AsyncSession, w: Window) -> RoutingAccuracyReport:
    stmt = _subcases(
        select(SubcaseFact.first_rule, SubcaseFact.transfers).where(
            _routed_in(w), SubcaseFact.first_rule.is_not(None)
        ),
        w,
        SubcaseFact.first_unit,
    )
    result = calc.routing_accuracy((await session.execute(stmt)).tuples().all())
    return RoutingAccuracyReport(period=w.period, **result.model_dump())


def _cases_in_scope(stmt: Select[Any], w: Window) -> Select[Any]:
    if w.event_type is not None:
        stmt = stmt.where(CaseFact.event_type == w.event_type)
    if w.units is not None:
        stmt = stmt.where(
            exists().where(SubcaseFact.case_id == CaseFact.case_id, SubcaseFact.unit.in_(w.units))
        )
    return stmt


def _completed_in(w: Window) -> Any:
    return (CaseFact.completed_at >= w.start) & (CaseFact.completed_at < w.end)


def _resolved_in(w: Window) -> Any:
    return (
        (SubcaseFact.outcome == "resolved")
        & (SubcaseFact.closed_at >= w.start)
        & (SubcaseFact.closed_at < w.end)
    )


async def lead_time_by_life_event(*, session: AsyncSession, w: Window) -> LeadTimes:
    stmt = _cases_in_scope(
        select(CaseFact.event_type, CaseFact.submitted_at, CaseFact.completed_at).where(
            _completed_in(w)
        ),
        w,
    )
    durations = [
        (event_type, (as_utc(done) - as_utc(filed)).total_seconds())
        for event_type, filed, done in (await session.execute(stmt)).all()
    ]
    return LeadTimes(period=w.period, by="event_type", rows=calc.lead_times(durations))


async def lead_time_by_subcase_type(*, session: AsyncSession, w: Window) -> LeadTimes:
    stmt = _subcases(
        select(SubcaseFact.subcase_type, SubcaseFact.opened_at, SubcaseFact.closed_at).where(
            _resolved_in(w), SubcaseFact.opened_at.is_not(None)
        ),
        w,
    )
    durations = [
        (subcase_type or UNKNOWN_TYPE, (as_utc(closed) - as_utc(opened)).total_seconds())
        for subcase_type, opened, closed in (await session.execute(stmt)).all()
    ]
    return LeadTimes(period=w.period, by="subcase_type", rows=calc.lead_times(durations))


async def throughput(*, session: AsyncSession, w: Window) -> Throughput:
    completed = await session.scalars(
        _cases_in_scope(select(CaseFact.completed_at).where(_completed_in(w)), w)
    )
    resolved = await session.scalars(
        _subcases(select(SubcaseFact.closed_at).where(_resolved_in(w)), w)
    )
    rows = calc.throughput(
        [as_utc(m) for m in completed], [as_utc(m) for m in resolved], w.first, w.last
    )
    return Throughput(period=w.period, rows=rows)


async def reporters_waiting(*, session: AsyncSession, w: Window) -> ReportersWaiting:
    stmt = _subcases(
        select(SubcaseFact.unit, SubcaseFact.reporter_wrote_at).where(
            SubcaseFact.outcome == "open",
            SubcaseFact.reporter_wrote_at.is_not(None),
            SubcaseFact.unit.is_not(None),
        ),
        w,
    )
    since = [(unit, as_utc(at)) for unit, at in (await session.execute(stmt)).all()]
    return ReportersWaiting(rows=calc.reporters_waiting(since, datetime.now(UTC)))


async def automation(*, session: AsyncSession, w: Window, hours_per_fte: float) -> AutomationReport:
    stmt = _subcases(
        select(
            SubcaseFact.subcase_type,
            SubcaseFact.resolved_by_robot,
            SubcaseFact.handling_seconds,
            SubcaseFact.handled_from_claim,
        ).where(_resolved_in(w), SubcaseFact.subcase_type.is_not(None)),
        w,
    )
    resolutions = [
        Resolution(subcase_type, robot, None if seconds is None else seconds / 60, from_claim)
        for subcase_type, robot, seconds, from_claim in (await session.execute(stmt)).all()
    ]
    overrides = dict(
        (await session.execute(select(HandlingOverride.subcase_type, HandlingOverride.minutes)))
        .tuples()
        .all()
    )
    months = months_in((w.last - w.first).days + 1)
    rows = automation_potential(
        resolutions, months=months, overrides=overrides, hours_per_fte=hours_per_fte
    )
    return AutomationReport(
        period=w.period, months=round(months, 2), hours_per_fte=hours_per_fte, rows=rows
    )


async def set_override(*, session: AsyncSession, subcase_type: str, minutes: float) -> None:
    found = await session.get(HandlingOverride, subcase_type)
    now = datetime.now(UTC)
    if found is None:
        session.add(HandlingOverride(subcase_type=subcase_type, minutes=minutes, updated_at=now))
    else:
        found.minutes, found.updated_at = minutes, now


async def remove_override(*, session: AsyncSession, subcase_type: str) -> bool:
    found = await session.get(HandlingOverride, subcase_type)
    if found is None:
        return False
    await session.delete(found)
    return True
