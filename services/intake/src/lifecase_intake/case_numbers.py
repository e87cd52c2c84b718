"""Short case numbers (``LC-2026-000123``): what reporters and caseworkers say and write
instead of a case's UUID. Sequential per year; gaps are allowed, repeats are not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_platform.workdays import DANISH_TIME

# One statement on both SQLite and PostgreSQL: the year's row is created or bumped under the
# row's write lock, so concurrent filings each read back their own number.
_NEXT = text(
    "INSERT INTO case_number_counters (year, last_number) VALUES (:year, 1) "
    "ON CONFLICT (year) DO UPDATE SET last_number = case_number_counters.last_number + 1 "
    "RETURNING last_number"
)


def format_number(year: int, number: int) -> str:
    return f"LC-{year}-{number:06d}"


def year_of(moment: datetime) -> int:
    """The year a case filed at ``moment`` is numbered in: the Danish calendar year."""
    return moment.astimezone(DANISH_TIME).year


async def next_case_number(session: AsyncSession, *, filed_at: datetime) -> str:
    """The next number of ``filed_at``'s year, taken inside the caller's transaction."""
    year = year_of(filed_at)
    number = (await session.execute(_NEXT, {"year": year})).scalar_one()
    return format_number(year, number)
