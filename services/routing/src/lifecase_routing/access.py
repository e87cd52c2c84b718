"""Who may see and do what: caseworkers and robots work their units' queues, a unit's leads
also assign its work, admins see everything. Another unit's work does not exist for a
caseworker (404), so nothing reveals that it is there."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lifecase_platform.auth import Principal
from lifecase_platform.problems import Forbidden
from lifecase_routing.models import Member


@dataclass(frozen=True)
class Access:
    user: Principal
    units: frozenset[str] | None  # None: every unit (an admin)
    leads: frozenset[str]

    @property
    def username(self) -> str:
        return self.user.username

    def sees(self, unit: str) -> bool:
        return self.units is None or unit in self.units

    def leads_unit(self, unit: str) -> bool:
        return self.user.is_admin or unit in self.leads


async def access_of(*, session: AsyncSession, user: Principal) -> Access:
    rows = (
        await session.execute(
            select(Member.unit, Member.role).where(Member.username == user.username)
        )
    ).all()
    units = None if user.is_admin else frozenset(unit for unit, _ in rows)
    leads = frozenset(unit for unit, role in rows if role == "lead")
    return Access(user=user, units=units, leads=leads)


def require_admin(user: Principal) -> None:
    if not user.is_admin:
        raise Forbidden(
            ("Only administrators may change this.", "Kun administratorer må ændre dette.")
        )
