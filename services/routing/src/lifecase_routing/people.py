"""The users directory: people by username, with the name the others see. Tokens carry a
person's name, so routing learns it when a caseworker signs in to the workspace, and a
reporter's from the sub-cases she filed (``SubcaseOpened.reporter_name``). Someone routing
has not met yet is shown by username."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_routing.models import Person

# Written only when the name is new or changed: most calls change nothing.
_UPSERT = text(
    "INSERT INTO people (username, name) VALUES (:username, :name) "
    "ON CONFLICT (username) DO UPDATE SET name = excluded.name "
    "WHERE people.name <> excluded.name"
)


async def remember(session: AsyncSession, *, username: str, name: str | None) -> None:
    """Record how ``username`` is named (nothing if the name is blank)."""
    if name and name.strip():
        await session.execute(_UPSERT, {"username": username, "name": name.strip()[:200]})


async def names(session: AsyncSession, usernames: Iterable[str | None]) -> dict[str, str]:
    """The known names of ``usernames``; unknown ones are left out."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    rows = await session.execute(
        select(Person.username, Person.name).where(Person.username.in_(wanted))
    )
    return dict(rows.tuples().all())
