"""The Danish working-day calendar: weekends and public holidays (the ``holidays`` package)
are closed, and so is any extra closing day a municipality declares.

Closing days are written either as ``MM-DD`` (every year, e.g. ``12-24`` for Christmas Eve) or
as ``YYYY-MM-DD`` (that date only, e.g. a bridge day after Ascension Day).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

# The one Danish zone: the calendar day here, the midnight a sub-case opens at, the times
# the pages show.
DANISH_TIME = ZoneInfo("Europe/Copenhagen")
_CLOSING_DAY = re.compile(r"^(?:(?P<year>\d{4})-)?(?P<month>\d{2})-(?P<day>\d{2})$")


def today_in_denmark(now: datetime | None = None) -> date:
    """The calendar date in Denmark at ``now`` (default: this moment)."""
    return (now or datetime.now(DANISH_TIME)).astimezone(DANISH_TIME).date()


def check_closing_day(spec: str) -> str:
    """``spec`` if it is a valid ``MM-DD`` or ``YYYY-MM-DD``; ValueError otherwise."""
    match = _CLOSING_DAY.match(spec)
    if match is None:
        raise ValueError(f"{spec!r} is not MM-DD or YYYY-MM-DD")
    year = int(match["year"] or 2024)  # a leap year, so that 02-29 is accepted
    date(year, int(match["month"]), int(match["day"]))  # raises ValueError if impossible
    return spec


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year))


@dataclass(frozen=True)
class WorkdayCalendar:
    """Which days a Danish public administration works, with its own extra closing days."""

    closing_days: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def with_closing_days(cls, specs: Iterable[str]) -> WorkdayCalendar:
        return cls(frozenset(check_closing_day(s) for s in specs))

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in _public_holidays(day.year):
            return False
        return (
            day.strftime("%m-%d") not in self.closing_days
            and day.isoformat() not in self.closing_days
        )

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (before it when negative;
        ``start`` itself when 0)."""
        step = timedelta(days=1 if days >= 0 else -1)
        current = start
        remaining = abs(days)
        while remaining > 0:
            current += step
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after ``start`` up to and including ``end``."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day
