"""The Danish working-day calendar: weekends, public holidays and a municipality's own closing
days are skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lifecase_platform.workdays import WorkdayCalendar, check_closing_day, today_in_denmark

DANISH = WorkdayCalendar()
CLOSED_AT_CHRISTMAS = WorkdayCalendar.with_closing_days(["12-24", "12-31"])


def test_a_friday_plus_one_working_day_is_the_monday() -> None:
    assert DANISH.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_public_holidays_are_skipped() -> None:
    # Maundy Thursday 2027-03-25, Good Friday 26th, Easter Monday 29th.
    assert DANISH.add_working_days(date(2027, 3, 24), 1) == date(2027, 3, 30)


def test_christmas_eve_is_a_working_day_unless_the_municipality_closes_it() -> None:
    assert DANISH.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    # Closed 24th, holidays 25th-26th, weekend 26th-27th: the next working day is the 28th.
    assert CLOSED_AT_CHRISTMAS.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    # ... and New Year's Eve (closed) and Day (holiday) push the 30th to 4 January.
    assert CLOSED_AT_CHRISTMAS.add_working_days(date(2026, 12, 30), 1) == date(2027, 1, 4)


def test_a_one_off_closing_day_closes_that_date_only() -> None:
    bridge = WorkdayCalendar.with_closing_days(["2027-05-07"])
    assert not bridge.is_working_day(date(2027, 5, 7))
    assert bridge.is_working_day(date(2028, 5, 5))


def test_working_days_between_counts_after_the_start_up_to_the_end() -> None:
    assert DANISH.working_days_between(date(2026, 11, 20), date(2026, 11, 20)) == 0
    assert DANISH.working_days_between(date(2026, 11, 20), date(2026, 11, 24)) == 2


def test_next_working_day_moves_off_closed_days_only() -> None:
    assert CLOSED_AT_CHRISTMAS.next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert CLOSED_AT_CHRISTMAS.next_working_day(date(2026, 12, 22)) == date(2026, 12, 22)


@pytest.mark.parametrize("spec", ["24-12", "12-32", "2027-02-30", "christmas", ""])
def test_malformed_closing_days_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        check_closing_day(spec)


def test_today_is_the_danish_date() -> None:
    # 23:30 UTC on 31 December is already New Year's Day in Copenhagen.
    assert today_in_denmark(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)


def test_negative_days_count_back_over_closed_days() -> None:
    # One working day before Monday 2026-12-28 skips the Christmas weekend and holidays.
    assert WorkdayCalendar().add_working_days(date(2026, 12, 28), -1) == date(2026, 12, 24)
    closed = WorkdayCalendar.with_closing_days(["12-24"])
    assert closed.add_working_days(date(2026, 12, 28), -1) == date(2026, 12, 23)


def test_easter_is_skipped() -> None:
    # Maundy Thursday 2027-03-25, Good Friday 26th, Easter Monday 29th.
    assert WorkdayCalendar().add_working_days(date(2027, 3, 24), 1) == date(2027, 3, 30)
