"""What the clock does to a work item: its state as clients see it, the pause while the
reporter is asked, the resume that moves the due date, and a due date the case moves."""

from __future__ import annotations

from datetime import date, datetime

from lifecase_contracts.workspace import SlaPublic
from lifecase_platform.db import as_utc
from lifecase_platform.workdays import today_in_denmark
from lifecase_routing.models import WorkItem
from lifecase_routing.sla.clock import SlaClock


def sla_of(item: WorkItem, clock: SlaClock, today: date) -> SlaPublic:
    """A paused clock is judged on the day it stopped, a closed item on the day it closed."""
    paused = item.sla_paused_at is not None
    reference = today_in_denmark(as_utc(item.sla_paused_at)) if item.sla_paused_at else today
    closed_on = today_in_denmark(as_utc(item.closed_at)) if item.closed_at else None
    return SlaPublic(
        due_date=item.due_date,
        state=clock.state(due=item.due_date, reference_day=reference, closed_on=closed_on),
        paused=paused,
        paused_since=as_utc(item.sla_paused_at) if item.sla_paused_at else None,
    )


def pause(item: WorkItem, at: datetime) -> None:
    """The item waits for the reporter from ``at``; a further question while it waits keeps
    the clock stopped since the first."""
    if item.sla_paused_at is None:
        item.sla_paused_at = at


def resume(item: WorkItem, clock: SlaClock, resumed_on: date) -> None:
    """The reporter answered: the due date moves by the working days the clock stood still."""
    if item.sla_paused_at is not None:
        item.due_date = clock.resumed_due_date(
            due=item.due_date,
            paused_on=today_in_denmark(as_utc(item.sla_paused_at)),
            resumed_on=resumed_on,
        )
        item.sla_paused_at = None


def stop(item: WorkItem) -> None:
    """The item closed: its clock waits for nobody, and its state is met or missed."""
    item.sla_paused_at = None


def moved_due_date(item: WorkItem, clock: SlaClock, requested: date | None) -> date:
    """The due date the case asks for (moved off closing days), or without one the target
    counted from the day the item was routed."""
    return clock.due_date(
        subcase_type=item.subcase_type,
        requested=requested,
        routed_on=today_in_denmark(as_utc(item.created_at)),
    )
