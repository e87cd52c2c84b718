"""Danish working days: weekends and public holidays (the ``holidays`` package) are skipped."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _danish_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year))


def is_working_day(day: date, closed: Iterable[date] = ()) -> bool:
    return day.weekday() < 5 and day not in _danish_holidays(day.year) and day not in set(closed)


def add_working_days(start: date, days: int, closed: Iterable[date] = ()) -> date:
    """The date ``days`` working days after ``start`` (before it when negative; ``start``
    itself when 0)."""
    closed_days = set(closed)
    step = timedelta(days=1 if days >= 0 else -1)
    current = start
    remaining = abs(days)
    while remaining > 0:
        current += step
        if is_working_day(current, closed_days):
            remaining -= 1
    return current
