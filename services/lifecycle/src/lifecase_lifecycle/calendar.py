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
    """The date ``days`` working days after ``start`` (``start`` itself if days is 0)."""
    closed_days = set(closed)
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, closed_days):
            remaining -= 1
    return current
