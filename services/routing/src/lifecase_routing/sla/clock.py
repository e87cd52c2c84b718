"""The clock's arithmetic on the Danish working-day calendar. Pure logic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lifecase_contracts.workspace import SlaPolicy, SlaState
from lifecase_platform.workdays import WorkdayCalendar


@dataclass(frozen=True)
class SlaClock:
    policy: SlaPolicy
    calendar: WorkdayCalendar

    @classmethod
    def of(cls, policy: SlaPolicy) -> SlaClock:
        return cls(policy, WorkdayCalendar.with_closing_days(policy.closing_days))

    def target_days(self, subcase_type: str) -> int:
        return self.policy.targets.get(subcase_type, self.policy.default_working_days)

    def due_date(self, *, subcase_type: str, requested: date | None, routed_on: date) -> date:
        if requested is not None:
            return self.calendar.next_working_day(requested)
        return self.calendar.add_working_days(routed_on, self.target_days(subcase_type))

    def resumed_due_date(self, *, due: date, paused_on: date, resumed_on: date) -> date:
        """The due date after a pause from ``paused_on`` until ``resumed_on``."""
        stood_still = self.calendar.working_days_between(paused_on, resumed_on)
        return self.calendar.add_working_days(due, stood_still)

    def due_soon_limit(self, today: date) -> date:
        """Open items due on or before this day (and not yet late) are due soon."""
        return self.calendar.add_working_days(today, self.policy.due_soon_working_days)

    def state(self, *, due: date, reference_day: date, closed_on: date | None) -> SlaState:
        """``reference_day`` is today, or the day the clock was paused."""
        if closed_on is not None:
            return "met" if closed_on <= due else "missed"
        if reference_day > due:
            return "breached"
        if due <= self.due_soon_limit(reference_day):
            return "due_soon"
        return "on_track"
