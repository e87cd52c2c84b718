"""Due dates count Danish working days: weekends and public holidays are skipped."""

from __future__ import annotations

from datetime import date

from lifecase_lifecycle.calendar import add_working_days, is_working_day


def test_a_friday_plus_one_working_day_is_monday() -> None:
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_christmas_and_boxing_day_are_skipped() -> None:
    # 2026-12-24 is a Thursday; the 25th and 26th are public holidays (Fri, Sat).
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)


def test_easter_is_skipped() -> None:
    # Maundy Thursday 2027-03-25, Good Friday 26th, Easter Monday 29th.
    assert add_working_days(date(2027, 3, 24), 1) == date(2027, 3, 30)


def test_extra_closing_days_are_skipped() -> None:
    assert not is_working_day(date(2026, 12, 31), closed=[date(2026, 12, 31)])
    assert add_working_days(date(2026, 12, 30), 1, closed=[date(2026, 12, 31)]) == date(2027, 1, 4)


def test_zero_days_is_the_same_day() -> None:
    assert add_working_days(date(2026, 11, 21), 0) == date(2026, 11, 21)
