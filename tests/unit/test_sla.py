"""SLA clocks: due dates in Danish working days, paused while the reporter is asked, and the
state a caseworker sees."""

from __future__ import annotations

from datetime import date

import pytest

from lifecase_contracts.workspace import SlaPolicy
from lifecase_routing.sla.clock import SlaClock

CLOCK = SlaClock.of(
    SlaPolicy(
        default_working_days=10,
        due_soon_working_days=2,
        targets={"payroll.setup": 3},
        closing_days=["12-24", "12-31"],
    )
)


def test_the_target_for_the_type_counts_working_days_from_the_routing_day() -> None:
    # Friday 20 November 2026 + 3 working days: Mon 23, Tue 24, Wed 25.
    due = CLOCK.due_date(subcase_type="payroll.setup", requested=None, routed_on=date(2026, 11, 20))
    assert due == date(2026, 11, 25)


def test_other_types_get_the_default_target() -> None:
    due = CLOCK.due_date(subcase_type="it.equipment", requested=None, routed_on=date(2026, 11, 20))
    assert due == date(2026, 12, 4)


def test_due_dates_skip_holidays_and_the_municipalitys_closing_days() -> None:
    # From Tue 22 Dec: Wed 23 counts, 24 is closed, 25-27 holidays and weekend, Mon 28, Tue 29.
    due = CLOCK.due_date(subcase_type="payroll.setup", requested=None, routed_on=date(2026, 12, 22))
    assert due == date(2026, 12, 29)


def test_a_due_date_the_case_sets_wins_but_moves_off_a_closing_day() -> None:
    requested = CLOCK.due_date(
        subcase_type="payroll.setup", requested=date(2027, 1, 15), routed_on=date(2026, 11, 20)
    )
    assert requested == date(2027, 1, 15)
    on_christmas_eve = CLOCK.due_date(
        subcase_type="payroll.setup", requested=date(2026, 12, 24), routed_on=date(2026, 11, 20)
    )
    assert on_christmas_eve == date(2026, 12, 28)


def test_resuming_moves_the_due_date_by_the_working_days_the_clock_stood_still() -> None:
    due = date(2026, 11, 27)  # a Friday
    # Paused Monday, resumed Thursday: Tue, Wed, Thu did not count.
    assert CLOCK.resumed_due_date(
        due=due, paused_on=date(2026, 11, 23), resumed_on=date(2026, 11, 26)
    ) == date(2026, 12, 2)
    # Paused and resumed the same day: nothing moves; over a weekend only working days count.
    assert CLOCK.resumed_due_date(due=due, paused_on=due, resumed_on=due) == due
    assert (
        CLOCK.resumed_due_date(due=due, paused_on=date(2026, 11, 27), resumed_on=date(2026, 11, 29))
        == due
    )


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 11, 20), "on_track"),  # due Wed 25: three working days away
        (date(2026, 11, 23), "due_soon"),  # two working days away
        (date(2026, 11, 25), "due_soon"),  # due today
        (date(2026, 11, 26), "breached"),
    ],
)
def test_an_open_item_is_on_track_due_soon_or_breached(today: date, state: str) -> None:
    assert CLOCK.state(due=date(2026, 11, 25), reference_day=today, closed_on=None) == state


def test_a_closed_item_met_or_missed_its_due_date() -> None:
    due = date(2026, 11, 25)
    assert CLOCK.state(due=due, reference_day=date(2027, 1, 1), closed_on=due) == "met"
    assert CLOCK.state(due=due, reference_day=date(2027, 1, 1), closed_on=date(2026, 11, 26)) == (
        "missed"
    )


def test_a_policy_refuses_impossible_closing_days_and_targets() -> None:
    with pytest.raises(ValueError, match="12-32"):
        SlaPolicy(closing_days=["12-32"])
    with pytest.raises(ValueError, match=r"payroll\.setup"):
        SlaPolicy(targets={"payroll.setup": 0})
