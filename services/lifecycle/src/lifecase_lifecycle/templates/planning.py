"""Planning: pure functions the workflow's activities use to expand a template for a case's
data (which activities apply, what they wait for, when they open and are due)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lifecase_lifecycle.templates.model import DateOffset, DueRule, Template
from lifecase_platform.expressions import compile_expression
from lifecase_platform.workdays import WorkdayCalendar


@dataclass(frozen=True)
class PlannedActivity:
    key: str
    included: bool
    after: tuple[str, ...]
    opens_on: date | None
    due_rule: DueRule | None


def plan(template: Template, data: dict[str, Any]) -> list[PlannedActivity]:
    """For each activity: whether its condition holds for ``data``, what it waits for, and
    from which date it may open."""
    return [
        PlannedActivity(
            key=a.key,
            included=a.when is None or compile_expression(a.when).holds(data),
            after=tuple(a.trigger.after),
            opens_on=_offset(data, a.trigger.date),
            due_rule=a.due,
        )
        for a in template.activities
    ]


def due_date(
    rule: DueRule | None,
    data: dict[str, Any],
    opened_on: date,
    calendar: WorkdayCalendar = WorkdayCalendar(),
) -> date | None:
    if rule is None:
        return None
    start = opened_on
    if rule.from_field is not None:
        value = data.get(rule.from_field)
        if not value:
            return None
        start = date.fromisoformat(value)
    return calendar.add_working_days(start, rule.working_days)


def _offset(data: dict[str, Any], offset: DateOffset | None) -> date | None:
    if offset is None or not data.get(offset.field):
        return None
    return date.fromisoformat(data[offset.field]) + timedelta(days=offset.days)
